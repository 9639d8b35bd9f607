// The console's HTTP rules: headers, the cookie, which requests may change anything.
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  COOKIE,
  CSP,
  crossSiteRefusal,
  readCookie,
  type RequestFacts,
  SECURITY_HEADERS,
  sessionCookie,
  stateChangeRefusal,
} from "../../src/web/http-security.ts";
import { Sessions } from "../../src/web/session.ts";
import { opened } from "./opened.ts";

const session = opened(new Sessions(1_800_000, () => 0).open(false, "x"));
const good: RequestFacts = {
  method: "POST",
  host: "node-a:7443",
  origin: "https://node-a:7443",
  fetchSite: "same-origin",
  csrf: session.csrf,
  contentType: "application/json",
};

test("the CSP allows scripts and styles from the console only: nothing inline, nothing elsewhere, no framing", () => {
  assert.match(CSP, /default-src 'none'/);
  assert.match(CSP, /script-src 'self'(;|$)/);
  assert.match(CSP, /style-src 'self'(;|$)/);
  assert.match(CSP, /frame-ancestors 'none'/);
  assert.not.match(CSP, /unsafe|\*|https?:/);
  assert.is(SECURITY_HEADERS["Content-Security-Policy"], CSP);
  assert.is(SECURITY_HEADERS["X-Content-Type-Options"], "nosniff");
});

test("the session cookie is __Host-, HttpOnly, Secure, SameSite=Strict and lives as long as the session", () => {
  const c = sessionCookie(session);
  assert.ok(c.startsWith(`${COOKIE}=${session.id}; `), c);
  for (const attr of ["Path=/", "HttpOnly", "Secure", "SameSite=Strict", "Max-Age=1800"])
    assert.ok(c.split("; ").includes(attr), `${attr} in ${c}`);
  assert.not.match(c, /Domain=/);
});

test("the cookie is read by its exact name among others", () => {
  assert.is(readCookie(`a=1; ${COOKIE}=abc; b=2`), "abc");
  assert.is(readCookie(`x${COOKIE}=abc`), null);
  assert.is(readCookie(`${COOKIE}=`), null);
  assert.is(readCookie(null), null);
});

const cases: [string, Partial<RequestFacts>, RegExp | null][] = [
  ["a same-origin POST with the token", {}, null],
  ["without the CSRF token", { csrf: null }, /CSRF/],
  ["with another session's token", { csrf: "f".repeat(64) }, /CSRF/],
  ["a cross-site request (Sec-Fetch-Site)", { fetchSite: "cross-site" }, /cross-site/],
  ["a same-site but other-origin request", { fetchSite: "same-site" }, /same-site/],
  ["from another Origin", { origin: "https://evil.example" }, /Origin https:\/\/evil.example/],
  ["plain http Origin of the same host", { origin: "http://node-a:7443" }, /Origin/],
  ["a form's body type", { contentType: "text/plain" }, /application\/json/],
  ["a GET", { method: "GET" }, /expected POST/],
  ["an old browser without Sec-Fetch-Site or Origin, with the token", { fetchSite: null, origin: null }, null],
];

for (const [what, change, refused] of cases)
  test(`state-changing request: ${what} is ${refused ? "refused" : "accepted"}`, () => {
    const r = stateChangeRefusal({ ...good, ...change }, session);
    if (refused === null) assert.is(r, null);
    else assert.match(r ?? "", refused);
  });

test("the login (no session yet) is refused from another site too", () => {
  assert.is(crossSiteRefusal(good), null);
  assert.match(crossSiteRefusal({ ...good, fetchSite: "cross-site" }) ?? "", /refused/);
});

test.run();
