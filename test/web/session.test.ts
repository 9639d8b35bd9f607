// Console sessions and their CSRF tokens, on a fake clock.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { csrfMatches, Sessions } from "../../src/web/session.ts";

function clock() {
  let t = 1000;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

test("a session lives exactly web.session_timeout after its login, then is forgotten", () => {
  const c = clock();
  const s = new Sessions(20_000, c.now);
  const a = s.open(false, "10.0.0.9");
  assert.is(a.expiresAt - a.createdAt, 20_000);
  c.advance(19_999);
  assert.is(s.get(a.id)?.id, a.id);
  c.advance(1);
  assert.is(s.get(a.id), null);
  assert.is(s.size, 0);
});

test("ids and CSRF tokens are 32 random bytes each, different per session and from each other", () => {
  const s = new Sessions(60_000, () => 0);
  const a = s.open(false, "x");
  const b = s.open(true, "x");
  for (const v of [a.id, a.csrf, b.id, b.csrf]) assert.match(v, /^[0-9a-f]{64}$/);
  assert.is(new Set([a.id, a.csrf, b.id, b.csrf]).size, 4);
  assert.is(b.readOnly, true);
});

test("unknown, empty and closed ids find no session", () => {
  const s = new Sessions(60_000, () => 0);
  const a = s.open(false, "x");
  for (const id of [null, undefined, "", "nope", `${a.id}0`]) assert.is(s.get(id), null, String(id));
  s.close(a.id);
  assert.is(s.get(a.id), null);
});

test("beyond the bound the oldest session ends", () => {
  let n = 0;
  const s = new Sessions(
    60_000,
    () => 0,
    () => `t${n++}`,
    3,
  );
  const first = s.open(false, "x");
  for (let i = 0; i < 3; i++) s.open(false, "x");
  assert.is(s.get(first.id), null);
  assert.is(s.size, 3);
});

test("the CSRF check takes only the session's own token", () => {
  const s = new Sessions(60_000, () => 0);
  const a = s.open(false, "x");
  const b = s.open(false, "x");
  assert.ok(csrfMatches(a, a.csrf));
  for (const given of [b.csrf, "", null, undefined, a.csrf.slice(1), `${a.csrf} `, a.id])
    assert.not.ok(csrfMatches(a, given), String(given));
});

test.run();
