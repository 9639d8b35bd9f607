// Console sessions and their CSRF tokens, on a fake clock.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { csrfMatches, Sessions } from "../../src/web/session.ts";
import { opened } from "./opened.ts";

function clock() {
  let t = 1000;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

test("a session lives exactly web.session_timeout after its login, then is forgotten", () => {
  const c = clock();
  const s = new Sessions(20_000, c.now);
  const a = opened(s.open(false, "10.0.0.9"));
  assert.is(a.expiresAt - a.createdAt, 20_000);
  c.advance(19_999);
  assert.is(s.get(a.id)?.id, a.id);
  c.advance(1);
  assert.is(s.get(a.id), null);
  assert.is(s.size, 0);
});

test("ids and CSRF tokens are 32 random bytes each, different per session and from each other", () => {
  const s = new Sessions(60_000, () => 0);
  const a = opened(s.open(false, "x"));
  const b = opened(s.open(true, "x"));
  for (const v of [a.id, a.csrf, b.id, b.csrf]) assert.match(v, /^[0-9a-f]{64}$/);
  assert.is(new Set([a.id, a.csrf, b.id, b.csrf]).size, 4);
  assert.is(b.readOnly, true);
});

test("unknown, empty and closed ids find no session", () => {
  const s = new Sessions(60_000, () => 0);
  const a = opened(s.open(false, "x"));
  for (const id of [null, undefined, "", "nope", `${a.id}0`]) assert.is(s.get(id), null, String(id));
  s.close(a.id);
  assert.is(s.get(a.id), null);
});

test("session limits: a login beyond one is refused; a read-only login never ends another session", () => {
  let n = 0;
  const s = new Sessions(
    60_000,
    () => 0,
    () => `t${n++}`,
    { total: 4, readOnly: 3, perRemote: 2 },
  );
  const admin = opened(s.open(false, "10.0.0.1"));
  const ro = [1, 2, 3].map((i) => opened(s.open(true, `10.0.1.${i}`)));
  assert.match((s.open(true, "10.0.1.9") as { refused: string }).refused, /read-only sessions are open already/);
  assert.is(s.get(admin.id)?.id, admin.id, "the administrator's session survives read-only logins");
  const admin2 = opened(s.open(false, "10.0.0.2"));
  assert.is(
    s.get(ro[0]?.id)?.id,
    undefined,
    "a full-access login ends the oldest read-only session when all are taken",
  );
  assert.is(s.size, 4);
  opened(s.open(false, "2001:db8::1"));
  assert.is(s.get(admin2.id)?.id, admin2.id);
  opened(s.open(false, "2001:db8::2"));
  assert.match((s.open(false, "2001:db8::3") as { refused: string }).refused, /from this address/);
});

test("when every session is full-access, a new login is refused rather than ending one", () => {
  const s = new Sessions(60_000, () => 0, randomish(), { total: 2, readOnly: 2, perRemote: 2 });
  const a = opened(s.open(false, "a"));
  opened(s.open(false, "b"));
  assert.ok("refused" in s.open(false, "c"));
  assert.ok("refused" in s.open(true, "c"));
  assert.is(s.get(a.id)?.id, a.id);
});

function randomish() {
  let n = 0;
  return () => `id${n++}`;
}

test("the CSRF check takes only the session's own token", () => {
  const s = new Sessions(60_000, () => 0);
  const a = opened(s.open(false, "x"));
  const b = opened(s.open(false, "x"));
  assert.ok(csrfMatches(a, a.csrf));
  for (const given of [b.csrf, "", null, undefined, a.csrf.slice(1), `${a.csrf} `, a.id])
    assert.not.ok(csrfMatches(a, given), String(given));
});

test.run();
