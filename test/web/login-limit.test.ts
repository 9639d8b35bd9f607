// Failed logins are rate-limited per address and overall, in a sliding window, on a fake clock. An admitted attempt
// counts as a failure until its token proves right; the overall limit holds back only addresses that failed.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { addressKey, LoginLimiter, type LoginVerdict } from "../../src/web/login-limit.ts";

const limits = { perRemote: 3, overall: 5, windowMs: 60_000 };

function limiter() {
  let t = 0;
  return { l: new LoginLimiter(() => t, limits), advance: (ms: number) => void (t += ms) };
}

const okay = (v: LoginVerdict) => v.ok;

test("an address may fail perRemote times in a window; then it waits until the oldest failure leaves it", () => {
  const { l, advance } = limiter();
  for (let i = 0; i < 3; i++) {
    assert.ok(l.attempt("a").ok);
    advance(10_000);
  }
  assert.equal(l.attempt("a"), { ok: false, retryAfterMs: 30_000 });
  assert.ok(l.attempt("b").ok, "another address is not held back");
  advance(29_999);
  assert.is(l.attempt("a").ok, false);
  advance(1);
  assert.ok(l.attempt("a").ok);
});

test("attempts count before their token is looked at: concurrent ones cannot all pass", () => {
  const { l } = limiter();
  const verdicts = Array.from({ length: 40 }, () => l.attempt("a"));
  assert.is(verdicts.filter(okay).length, 3);
});

test("a good token takes its own attempt back and forgets the address's failures", () => {
  const { l } = limiter();
  l.attempt("a");
  l.attempt("a");
  const good = l.attempt("a");
  if (!good.ok) throw new Error("admitted");
  l.succeeded(good.attempt);
  assert.is(l.tracked, 0);
  for (let i = 0; i < 3; i++) assert.ok(l.attempt("a").ok);
});

test("the overall limit holds back addresses that failed, never a clean address (the administrator)", () => {
  const { l, advance } = limiter();
  for (const r of ["a", "b", "c", "d", "e"]) {
    l.attempt(r);
    advance(1000);
  }
  assert.equal(l.attempt("a"), { ok: false, retryAfterMs: 55_000 }, "a failed address waits for the overall window");
  const admin = l.attempt("10.9.9.9");
  assert.ok(admin.ok, "a clean address may still log in");
  if (admin.ok) l.succeeded(admin.attempt);
  assert.ok(l.attempt("10.9.9.9").ok, "and again");
});

test("IPv6 addresses of one /64 share their failures", () => {
  const { l } = limiter();
  for (let i = 1; i <= 3; i++) l.attempt(`2001:db8:1:2::${i}`);
  assert.is(l.attempt("2001:db8:1:2:ffff:1:2:3").ok, false);
  assert.ok(l.attempt("2001:db8:1:3::1").ok);
});

test("addressKey: IPv4 as is, IPv4-mapped as IPv4, IPv6 by its /64", () => {
  const table: [string, string][] = [
    ["192.0.2.7", "192.0.2.7"],
    ["::ffff:192.0.2.7", "192.0.2.7"],
    ["2001:db8:1:2::1", "2001:db8:1:2::/64"],
    ["2001:0db8:0001:0002:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    ["unknown", "unknown"],
  ];
  for (const [remote, key] of table) assert.is(addressKey(remote), key, remote);
});

test.run();
