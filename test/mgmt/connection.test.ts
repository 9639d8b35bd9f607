// Admission on the TCP endpoint: the first line authenticates or the connection closes, and one deadline from accept
// bounds the TLS handshake plus that first line; the Unix socket is not affected. Last, the backpressure writer,
// without sockets.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MAX_CONNECTIONS, SocketWriter } from "../../src/mgmt/connection.ts";
import { ask, LineClient, type Running, selfSignedCert, serve, tempDir } from "./helpers.ts";

const dir = tempDir();
const TOKEN = "tok-7c41d0e9a2b35f68";
const tokenFile = join(dir, "token");
writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
const pem = selfSignedCert(dir);
const socket = join(dir, "cg.sock");
const DEADLINE_MS = 1500;
let running: Running;
let tls: { hostname: string; port: number; tls: { ca: string } };

test.before(async () => {
  running = await serve(
    { socket, tcp_listen: "127.0.0.1:0", token_file: tokenFile, tls_cert: pem.cert, tls_key: pem.key },
    { authDeadlineMs: DEADLINE_MS },
  );
  tls = { hostname: "localhost", port: running.server.tcpPort ?? 0, tls: { ca: readFileSync(pem.cert, "utf8") } };
});
test.after(() => running.server.stop());
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** Everything the server sent must be at most one "unauthorized" reply: nothing about the request itself. */
function atMostUnauthorized(raw: string): void {
  const lines = raw.split("\n").filter((l) => l !== "");
  assert.ok(lines.length <= 1, `at most one reply line; got ${JSON.stringify(raw)}`);
  if (lines.length === 1) assert.equal(JSON.parse(lines[0] as string), { ok: false, error: "unauthorized" });
}

test("a malformed JSON first line over TLS is not answered beyond 'unauthorized' and the connection is closed", async () => {
  running.handler.calls = [];
  const before = running.server.stats().unauthorized;
  for (const line of ["this is not json", '{"op":"status","token":', "\u0000\u00ff\u001b[2J"]) {
    const c = await LineClient.open(tls);
    c.send(`${line}\n{"op":"standby","token":"${TOKEN}"}\n`);
    assert.ok(await c.waitClosed(), `closed after ${JSON.stringify(line)}`);
    atMostUnauthorized(c.raw);
    assert.not.match(c.raw, "malformed");
  }
  assert.equal(running.handler.calls, [], "the valid request pipelined behind it never ran");
  assert.is(running.server.stats().unauthorized, before + 3);
});

test("a first request without a valid token is closed, whatever shape it has", async () => {
  running.handler.calls = [];
  const lines = [
    JSON.stringify({ op: "status", token: "tok-7c41d0e9a2b35f69" }),
    JSON.stringify({ op: "fence", target: "b", confirm: true }),
    JSON.stringify([{ op: "status", token: TOKEN }]),
    JSON.stringify("status"),
    "null",
    JSON.stringify({ op: "reboot", token: 12 }),
  ];
  for (const line of lines) {
    const c = await LineClient.open(tls);
    c.send(`${line}\n`);
    assert.ok(await c.waitClosed(), `closed after ${line}`);
    atMostUnauthorized(c.raw);
    assert.not.match(c.raw, "expected", `no hint about the request shape for ${line}`);
  }
  assert.equal(running.handler.calls, []);
});

test("after a good first line, a later line that is not an authenticated request also closes the connection", async () => {
  const c = await LineClient.open(tls);
  c.send(`${JSON.stringify({ op: "status", token: TOKEN })}\n`);
  assert.ok((await c.next()).ok);
  c.send("not json either\n");
  assert.equal(await c.next(), { ok: false, error: "unauthorized" });
  assert.ok(await c.waitClosed());
});

test(`more slow unauthenticated clients than the ${MAX_CONNECTIONS} slots are all cut at the deadline, then a real client is served`, async () => {
  const slow: LineClient[] = [];
  const t0 = Date.now();
  // Silent ones never start the TLS handshake; the others finish it and then send a byte every 250 ms, never a newline.
  for (const c of await Promise.all(
    Array.from({ length: 4 }, () => LineClient.open({ hostname: "127.0.0.1", port: tls.port, tls: false })),
  ))
    slow.push(c);
  for (const c of await Promise.all(Array.from({ length: 36 }, () => LineClient.open(tls)))) slow.push(c);
  assert.is(slow.length, 40);
  assert.ok(40 > MAX_CONNECTIONS);
  let n = 0;
  const dribble = setInterval(() => {
    for (const c of slow) if (!c.closed) c.send('{"op":"status","pad":"'.charAt(n % 21));
    n++;
  }, 250);
  try {
    await Bun.sleep(500);
    const early = await ask(tls, JSON.stringify({ op: "status", token: TOKEN })).catch((e: Error) => ({
      ok: false,
      error: e.message,
    }));
    assert.is(early.ok, false, "the slots really were full");
    for (const c of slow)
      assert.ok(
        await c.waitClosed(DEADLINE_MS + 3000 - (Date.now() - t0)),
        "closed at the deadline although it kept sending",
      );
    const elapsed = Date.now() - t0;
    assert.ok(elapsed < DEADLINE_MS + 3000, `all closed ${elapsed} ms after connecting`);
    const r = await ask(tls, JSON.stringify({ op: "status", token: TOKEN })).catch((e: Error) => ({
      ok: false,
      error: e.message,
    }));
    assert.is(r.ok, true, r.error);
  } finally {
    clearInterval(dribble);
    for (const c of slow) c.end();
  }
});

test("an authenticated connection outlives the deadline (the idle timer governs it from then on)", async () => {
  const c = await LineClient.open(tls);
  c.send(`${JSON.stringify({ op: "status", token: TOKEN })}\n`);
  assert.ok((await c.next()).ok);
  await Bun.sleep(DEADLINE_MS + 300);
  assert.not.ok(c.closed);
  c.send(`${JSON.stringify({ op: "status", token: TOKEN })}\n`);
  assert.ok((await c.next()).ok);
  c.end();
});

test("the Unix socket keeps its behaviour: no deadline, no token, malformed lines answered on a connection that stays open", async () => {
  const c = await LineClient.open({ unix: socket });
  await Bun.sleep(DEADLINE_MS + 300);
  assert.not.ok(c.closed, "a quiet local client is not cut at the TCP deadline");
  c.send("this is not json\n");
  assert.match((await c.next()).error ?? "", /^malformed JSON/);
  c.send('{"op":"reboot"}\n');
  assert.match((await c.next()).error ?? "", 'unknown op "reboot"');
  c.send('{"op":"status"}\n');
  assert.ok((await c.next()).ok);
  c.end();
});

test("the writer keeps what the socket did not take and sends it, in order, on drain; close waits for the queue", () => {
  const sent: string[] = [];
  let room = 3;
  let ended = false;
  const sock = {
    write: (d: Uint8Array) => {
      const n = Math.min(room, d.length);
      sent.push(Buffer.from(d.subarray(0, n)).toString());
      room -= n;
      return n;
    },
    end: () => {
      ended = true;
    },
    terminate: () => assert.unreachable("no termination expected"),
  };
  const w = new SocketWriter(sock);
  w.write("hello\n");
  w.write("world\n");
  w.endAfterFlush();
  assert.is(ended, false, "not closed while bytes are queued");
  room = 100;
  w.drain();
  assert.is(sent.join(""), "hello\nworld\n");
  assert.ok(ended);
});

test("a client that never reads is dropped once the backlog passes the limit", () => {
  let terminated = false;
  const w = new SocketWriter({ write: () => 0, end: () => {}, terminate: () => (terminated = true) }, 10);
  w.write("12345");
  assert.is(terminated, false);
  w.write("1234567");
  assert.ok(terminated);
});

test.run();
