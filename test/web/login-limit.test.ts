// Failed logins are rate-limited per address and overall, in a sliding window, on a fake clock.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { LoginLimiter } from "../../src/web/login-limit.ts";

const limits = { perRemote: 3, overall: 5, windowMs: 60_000 };

function limiter() {
  let t = 0;
  return { l: new LoginLimiter(() => t, limits), advance: (ms: number) => void (t += ms) };
}

test("an address may fail perRemote times in a window; then it waits until the oldest failure leaves it", () => {
  const { l, advance } = limiter();
  for (let i = 0; i < 3; i++) {
    assert.equal(l.check("a"), { ok: true });
    l.failed("a");
    advance(10_000);
  }
  assert.equal(l.check("a"), { ok: false, retryAfterMs: 30_000 });
  assert.equal(l.check("b"), { ok: true }, "another address is not held back");
  advance(29_999);
  assert.is(l.check("a").ok, false);
  advance(1);
  assert.equal(l.check("a"), { ok: true });
});

test("a good token forgets the address's failures", () => {
  const { l } = limiter();
  l.failed("a");
  l.failed("a");
  l.succeeded("a");
  l.failed("a");
  l.failed("a");
  assert.equal(l.check("a"), { ok: true });
});

test("failures from many addresses together hit the overall limit", () => {
  const { l, advance } = limiter();
  for (const r of ["a", "b", "c", "d", "e"]) {
    l.failed(r);
    advance(1000);
  }
  assert.equal(l.check("f"), { ok: false, retryAfterMs: 55_000 });
  l.succeeded("a");
  assert.is(l.check("a").ok, false, "a good token elsewhere does not lift the overall limit");
});

test.run();
