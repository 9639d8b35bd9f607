// The console's request handling without a socket (ConsoleApp with a fake agent): the login's limits hold for
// concurrent guesses and never lock out the administrator's clean address, bodies are bounded before they are read,
// an exception is a plain JSON 500, read-only sessions neither check edits (which open files as root) nor see the
// raw file, live streams and checks are bounded, and Apply waits for no switchover.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChangeGate } from "../../src/agent/change-gate.ts";
import { loadConfigText, writeAuthkey } from "../../src/config/index.ts";
import { TokenGate } from "../../src/mgmt/auth.ts";
import { MAX_LOGIN_BODY } from "../../src/web/body.ts";
import { ConsoleRecord } from "../../src/web/record.ts";
import { type ConsoleDeps, ConsoleApp, MAX_IN_FLIGHT } from "../../src/web/server.ts";
import { CHECKS_PER_WINDOW, STREAMS_PER_SESSION } from "../../src/web/session.ts";
import { BASE } from "../config/helpers.ts";
import { sampleStatus } from "./helpers.ts";

const TOKEN = "server-full-token-0123456789";
const RO = "server-read-only-token-98765";
const HOST = "127.0.0.1:8443";
const dir = mkdtempSync(join(tmpdir(), "cg-server-"));
const cfgPath = join(dir, "clusterguard.toml");
const SECRET_PARAM = "s3cr3t-monitor-password";
const TEXT = `${BASE}
[[monitor]]
name = "db"
plugin = "command"
params = { path = "/bin/true", password = "${SECRET_PARAM}" }
`;
writeFileSync(cfgPath, TEXT, { mode: 0o640 });
const authkeyPath = join(dir, "authkey");
writeAuthkey(authkeyPath, { force: true });
const config = (() => {
  const r = loadConfigText(TEXT, cfgPath);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
})();
test.after(() => rmSync(dir, { recursive: true, force: true }));

const status = sampleStatus;

function app(o: Partial<ConsoleDeps> = {}) {
  let t = 1_000_000;
  const logged: string[] = [];
  const deps: ConsoleDeps = {
    config,
    files: { path: cfgPath, authkeyPath },
    handler: {
      status,
      takeover: async () => ({ ok: true, result: "x" }),
      standby: async () => ({ ok: true, result: "x" }),
      fence: async () => ({ ok: true, result: "x" }),
      monitors: async () => ({ ok: true, result: [] }),
    },
    log: { emit: (_l: string, e: string, m: string) => void logged.push(`${e}: ${m}`) } as never,
    record: new ConsoleRecord(),
    role: () => "ACTIVE",
    regenerate: async () => ({ ok: true, detail: "fake" }),
    gate: new ChangeGate(),
    now: () => t,
    ...o,
  };
  const a = new ConsoleApp({ session_timeout: 600 } as never, new TokenGate(TOKEN), new TokenGate(RO), deps);
  return { a, deps, logged, advance: (ms: number) => void (t += ms) };
}

type Body = string | ReadableStream<Uint8Array>;

function post(path: string, body: Body, headers: Record<string, string> = {}): Request {
  return new Request(`https://${HOST}${path}`, {
    method: "POST",
    headers: { Host: HOST, "Content-Type": "application/json", Origin: `https://${HOST}`, ...headers },
    body,
  });
}

/** A body that arrives only when `release` is called. */
function heldBody(text: string): { body: ReadableStream<Uint8Array>; release: () => void } {
  let release = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(ctrl) {
      release = () => {
        ctrl.enqueue(new TextEncoder().encode(text));
        ctrl.close();
      };
    },
  });
  return { body, release: () => release() };
}

async function login(a: ConsoleApp, token: string, remote = "10.0.0.9"): Promise<{ cookie: string; csrf: string }> {
  const r = await a.handle(post("/api/login", JSON.stringify({ token })), remote);
  assert.is(r.status, 200, await r.clone().text());
  const cookie = (r.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const s = await a.handle(get("/api/session", cookie), remote);
  return { cookie, csrf: ((await s.json()) as { result: { csrf: string } }).result.csrf };
}

function get(path: string, cookie: string): Request {
  return new Request(`https://${HOST}${path}`, { headers: { Host: HOST, cookie } });
}

function api(path: string, s: { cookie: string; csrf: string }, body: unknown): Request {
  return post(path, JSON.stringify(body), { cookie: s.cookie, "X-CSRF-Token": s.csrf });
}

test("40 concurrent wrong logins from one address: at most 5 tokens are looked at, the rest limited", async () => {
  const { a } = app();
  const held = Array.from({ length: 40 }, (_, i) => heldBody(JSON.stringify({ token: `wrong-${i}` })));
  const answers = held.map((h) => a.handle(post("/api/login", h.body), "10.1.1.1"));
  for (const h of held) h.release();
  const codes = (await Promise.all(answers)).map((r) => r.status);
  assert.is(codes.filter((c) => c === 401).length, 5);
  assert.ok(
    codes.every((c) => c === 401 || c === 429 || c === 503),
    "the rest are limited (429) or over the in-flight bound (503)",
  );
});

test("20 wrong tokens from many addresses do not lock out the right token from a clean address", async () => {
  const { a } = app();
  for (let i = 0; i < 20; i++) {
    const r = await a.handle(post("/api/login", JSON.stringify({ token: `attacker-${i}` })), `10.2.0.${i}`);
    assert.is(r.status, 401);
  }
  const again = await a.handle(post("/api/login", JSON.stringify({ token: "attacker-x" })), "10.2.0.1");
  assert.is(again.status, 429, "an address that failed is held back by the overall limit");
  const admin = await a.handle(post("/api/login", JSON.stringify({ token: TOKEN })), "10.9.9.9");
  assert.is(admin.status, 200);
});

test("a login body over the cap is refused before it is read: declared, or streamed without a length", async () => {
  const { a } = app();
  const big = JSON.stringify({ token: "x".repeat(MAX_LOGIN_BODY) });
  const declared = await a.handle(post("/api/login", big), "10.3.0.1");
  assert.is(declared.status, 413);
  const chunked = new ReadableStream<Uint8Array>({
    start(ctrl) {
      for (let i = 0; i < 100; i++) ctrl.enqueue(new Uint8Array(1024).fill(0x20));
      ctrl.close();
    },
  });
  const streamed = await a.handle(post("/api/login", chunked), "10.3.0.2");
  assert.is(streamed.status, 413);
});

test("requests in flight are bounded: beyond MAX_IN_FLIGHT a request is answered 503 at once", async () => {
  const { a } = app();
  const held = Array.from({ length: MAX_IN_FLIGHT }, () => heldBody(JSON.stringify({ token: TOKEN })));
  const pending = held.map((h, i) => a.handle(post("/api/login", h.body), `10.4.${i}.1`));
  const extra = await a.handle(post("/api/login", JSON.stringify({ token: TOKEN })), "10.4.200.1");
  assert.is(extra.status, 503);
  for (const h of held) h.release();
  await Promise.all(pending);
  const after = await a.handle(post("/api/login", JSON.stringify({ token: "wrong" })), "10.4.201.1");
  assert.is(after.status, 401, "the slots are given back");
});

test("an exception in a handler is a JSON 500 with the security headers, logged, no stack", async () => {
  const { a, deps, logged } = app();
  const s = await login(a, TOKEN);
  deps.handler.status = () => {
    throw new Error("boom at /secret/source.ts:12");
  };
  const r = await a.handle(get("/api/session", s.cookie), "10.0.0.9");
  assert.is(r.status, 500);
  assert.ok(r.headers.get("content-security-policy"));
  assert.equal(await r.json(), { ok: false, error: "internal error (logged by the agent)" });
  assert.ok(logged.some((l) => l.startsWith("web-error:") && l.includes("boom")));
});

test("a read-only session cannot check an edit (the check opens the files the edit names, as root)", async () => {
  const { a } = app();
  const ro = await login(a, RO);
  const text = `${BASE}\n[management]\ntoken_file = "/dev/null"\n`;
  const r = await a.handle(api("/api/config/check", ro, { text }), "10.0.0.9");
  assert.is(r.status, 403);
  assert.match(((await r.json()) as { error: string }).error, /read-only/);
});

test("a read-only session gets the effective config with parameters hidden, not the raw file", async () => {
  const { a } = app();
  const ro = await login(a, RO);
  const r = (await (await a.handle(get("/api/config", ro.cookie), "10.0.0.9")).json()) as {
    result: { text: string; effective: string; canApply: boolean };
  };
  assert.is(r.result.text, "");
  assert.is(r.result.canApply, false);
  assert.not.match(r.result.effective, SECRET_PARAM);
  assert.match(r.result.effective, /# params: not shown to this session/);
  const full = await login(a, TOKEN);
  const f = (await (await a.handle(get("/api/config", full.cookie), "10.0.0.9")).json()) as {
    result: { text: string };
  };
  assert.match(f.result.text, SECRET_PARAM, "a full-access session edits the real file");
});

test("an edit over the size or line cap is refused before it is checked, as JSON", async () => {
  const { a } = app();
  const s = await login(a, TOKEN);
  const lines = await a.handle(api("/api/config/check", s, { text: `${BASE}${"#\n".repeat(30_000)}` }), "10.0.0.9");
  assert.is(lines.status, 413);
  assert.match(((await lines.json()) as { error: string }).error, /over 20000 lines/);
  const bytes = await a.handle(api("/api/config/check", s, { text: `#${"x".repeat(1024 * 1024)}` }), "10.0.0.9");
  assert.is(bytes.status, 413);
  assert.match(((await bytes.json()) as { error: string }).error, /bytes/);
});

test("config checks are rate-limited per session", async () => {
  const { a } = app();
  const s = await login(a, TOKEN);
  const codes: number[] = [];
  for (let i = 0; i <= CHECKS_PER_WINDOW; i++)
    codes.push((await a.handle(api("/api/config/check", s, { text: BASE }), "10.0.0.9")).status);
  assert.is(codes.filter((c) => c === 200).length, CHECKS_PER_WINDOW);
  assert.is(codes.at(-1), 429);
});

test("live streams are bounded per session, and a closed one gives its place back", async () => {
  const { a } = app();
  const s = await login(a, TOKEN);
  const open: Response[] = [];
  for (let i = 0; i < STREAMS_PER_SESSION; i++) open.push(await a.handle(get("/api/live", s.cookie), "10.0.0.9"));
  assert.ok(open.every((r) => r.status === 200));
  assert.is((await a.handle(get("/api/live", s.cookie), "10.0.0.9")).status, 429);
  await open[0]?.body?.cancel();
  const again = await a.handle(get("/api/live", s.cookie), "10.0.0.9");
  assert.is(again.status, 200);
  for (const r of [...open.slice(1), again]) await r.body?.cancel();
});

test("Apply is refused while a planned switchover runs", async () => {
  const { a, deps } = app();
  const s = await login(a, TOKEN);
  assert.is(deps.gate.begin("switchover"), null);
  const r = await a.handle(api("/api/config/apply", s, { text: `${TEXT}#\n`, base: "x" }), "10.0.0.9");
  assert.is(r.status, 409);
  assert.match(((await r.json()) as { error: string }).error, /switchover is running/);
  deps.gate.end("switchover");
});

test("a switchover is refused while an Apply runs, and allowed once it ended", async () => {
  const { a, deps } = app();
  let finish: ((r: { ok: boolean; detail: string }) => void) | null = null;
  deps.regenerate = () => new Promise((resolve) => (finish = resolve));
  const s = await login(a, TOKEN);
  const text = `${TEXT}# edited\n`;
  const run = await a.handle(
    api("/api/config/apply", s, { text, base: new Bun.CryptoHasher("sha256").update(TEXT).digest("hex") }),
    "10.0.0.9",
  );
  const reading = run.text();
  for (let i = 0; i < 500 && finish === null; i++) await Bun.sleep(10);
  assert.is(deps.gate.running, "apply");
  const standby = deps.gate.switchover(async () => ({ ok: true, detail: "switched" }));
  assert.match((await standby()).detail, /Apply is running/);
  (finish as unknown as (r: { ok: boolean; detail: string }) => void)({ ok: true, detail: "built" });
  assert.match(await reading, /"step":"done"/);
  assert.is((await standby()).detail, "switched");
  writeFileSync(cfgPath, TEXT, { mode: 0o640 });
});

test.run();
