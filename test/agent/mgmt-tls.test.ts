// The TCP endpoint: TLS with a self-signed certificate, and a token on every request.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ask, LineClient, type Running, selfSignedCert, serve, tempDir } from "./mgmt-helpers.ts";

const dir = tempDir();
const TOKEN = "tok-3f9a1c0b7e5d42a8";
const tokenFile = join(dir, "token");
writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
const pem = selfSignedCert(dir);
let running: Running;
let tls: { hostname: string; port: number; tls: { ca: string } };

test.before(async () => {
  running = await serve({ socket: join(dir, "cg.sock"), tcp_listen: "127.0.0.1:0", token_file: tokenFile, tls_cert: pem.cert, tls_key: pem.key });
  tls = { hostname: "localhost", port: running.server.tcpPort ?? 0, tls: { ca: readFileSync(pem.cert, "utf8") } };
});
test.after(() => running.server.stop());

test("the right token gets the status over TLS, verified against the self-signed certificate", async () => {
  assert.ok((running.server.tcpPort ?? 0) > 0);
  const r = await ask(tls, JSON.stringify({ op: "status", token: TOKEN }));
  assert.is(r.ok, true, r.error);
  assert.is((r.result as { cluster: string }).cluster, "lab");
});

test("every TCP request needs the token, not just the first one on a connection", async () => {
  const c = await LineClient.open(tls);
  c.send(`${JSON.stringify({ op: "standby", token: TOKEN })}\n`);
  assert.equal(await c.next(), { ok: true, result: "handing over to b" });
  c.send('{"op":"standby"}\n');
  assert.equal(await c.next(), { ok: false, error: "unauthorized" });
  assert.ok(await c.waitClosed(), "an unauthorized request ends the connection");
});

test("a wrong or missing token is unauthorized, counted, logged, and reaches no handler", async () => {
  running.handler.calls = [];
  const before = running.server.stats().unauthorized;
  assert.equal(await ask(tls, JSON.stringify({ op: "fence", target: "b", confirm: true, token: "tok-3f9a1c0b7e5d42a9" })), { ok: false, error: "unauthorized" });
  assert.equal(await ask(tls, JSON.stringify({ op: "fence", target: "b", confirm: true })), { ok: false, error: "unauthorized" });
  assert.equal(await ask(tls, JSON.stringify({ op: "reboot", token: 12 })), { ok: false, error: "unauthorized" }, "no hint about ops before the token");
  assert.equal(running.handler.calls, []);
  assert.is(running.server.stats().unauthorized, before + 3);
  const logged = running.events.filter((e) => e.event === "mgmt-unauthorized");
  assert.is(logged.length, 1, "rate-limited to one line a minute");
  assert.match(String(logged[0]?.message), "127.0.0.1");
});

test("with the token, bad requests still get precise errors", async () => {
  const r = await ask(tls, JSON.stringify({ op: "agents", action: "pause", token: TOKEN }));
  assert.match(r.error ?? "", 'agents pause needs "name"');
});

test("plain TCP without TLS gets nothing useful and is closed", async () => {
  const c = await LineClient.open({ hostname: "127.0.0.1", port: tls.port, tls: false });
  c.send(`${JSON.stringify({ op: "status", token: TOKEN })}\n`);
  assert.ok(await c.waitClosed(), "the server closes a non-TLS client");
  assert.not.match(c.raw, '"ok"');
  assert.not.match(c.raw, "lab");
});

test("the Unix socket of the same server needs no token", async () => {
  assert.ok((await ask({ unix: join(dir, "cg.sock") }, '{"op":"status"}')).ok);
});

test("a TCP endpoint that cannot start leaves no Unix socket behind, and says why", async () => {
  const sock = join(dir, "other.sock");
  const cfg = { socket: sock, tcp_listen: "127.0.0.1:0", token_file: tokenFile, tls_cert: pem.cert, tls_key: join(dir, "missing-key.pem") };
  try {
    (await serve(cfg)).server.stop();
    assert.unreachable("started without a key");
  } catch (e) {
    assert.match((e as Error).message, "management.tls_key");
    assert.match((e as Error).message, "ENOENT");
  }
  const loose = join(dir, "loose-token");
  writeFileSync(loose, `${TOKEN}\n`, { mode: 0o644 });
  try {
    (await serve({ ...cfg, tls_key: pem.key, token_file: loose })).server.stop();
    assert.unreachable("started with a world-readable token");
  } catch (e) {
    assert.match((e as Error).message, "expected mode 0600 or stricter");
  }
  const port = tls.port;
  try {
    (await serve({ ...cfg, tls_key: pem.key, tcp_listen: `127.0.0.1:${port}` })).server.stop();
    assert.unreachable("two servers on one port");
  } catch (e) {
    assert.match((e as Error).message, `cannot listen on 127.0.0.1:${port}`);
  }
  assert.not.ok(await Bun.file(sock).exists(), "the Unix socket was cleaned up");
});

test.run();
