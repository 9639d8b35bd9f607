// The management server on a real Unix socket with a recording fake handler.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { newStats } from "../../src/mgmt/connection.ts";
import { MAX_LINE_BYTES } from "../../src/mgmt/protocol.ts";
import type { ManagementServer } from "../../src/mgmt/server.ts";
import { bindUnix, closeUnix, listenUnix } from "../../src/mgmt/unix.ts";
import { sampleMonitors, sampleReport } from "./fake.ts";
import { ask, LineClient, type Running, serve, tempDir } from "./helpers.ts";

const dir = tempDir();
const socket = join(dir, "run", "clusterguard.sock");
const where = { unix: socket };
let running: Running;

test.before(async () => {
  running = await serve({ socket });
});
test.after(() => running.server.stop());
test.after(() => rmSync(dir, { recursive: true, force: true }));

test("the socket is created mode 0600 in a new 0700 directory, and the start is logged", () => {
  const st = statSync(socket);
  assert.ok(st.isSocket());
  assert.is(st.mode & 0o777, 0o600);
  assert.is(statSync(join(dir, "run")).mode & 0o777, 0o700);
  assert.ok(running.events.some((e) => e.event === "mgmt-listening" && String(e.message).includes(socket)));
});

test("in a directory others can enter (/run/clusterguard is 0755), the socket is 0600 from the moment it exists", () => {
  const open = join(dir, "open");
  mkdirSync(open, { mode: 0o755 });
  const path = join(open, "cg.sock");
  const seen: number[] = [];
  const ctx = {
    transport: "unix" as const,
    handler: running.handler,
    gate: null,
    stats: newStats(),
    log: { emit() {} },
    unauthorized() {},
  };
  const before = process.umask(0o022);
  try {
    const ep = listenUnix(path, ctx, (p, c) => {
      const l = bindUnix(p, c);
      seen.push(statSync(p).mode & 0o777);
      return l;
    });
    closeUnix(path, ep);
  } finally {
    process.umask(before);
  }
  assert.equal(seen, [0o600], "bound under umask 0177, before any chmod");
  assert.is(process.umask(), 0o022, "the process umask is restored");
});

test("status replies with the handler's report", async () => {
  assert.equal(await ask(where, '{"op":"status"}'), { ok: true, result: sampleReport() });
});

test("takeover, standby, fence and monitors reach the handler and return its reply", async () => {
  running.handler.calls = [];
  assert.equal(await ask(where, '{"op":"takeover"}'), { ok: false, error: "this node is already ACTIVE" });
  assert.equal(await ask(where, '{"op":"standby"}'), { ok: true, result: "handing over to b" });
  assert.equal(await ask(where, '{"op":"fence","target":"b","confirm":true}'), {
    ok: true,
    result: "b reset via qmp: confirmed",
  });
  assert.equal(await ask(where, '{"op":"monitors","action":"list"}'), { ok: true, result: sampleMonitors() });
  const paused = await ask(where, '{"op":"monitors","action":"pause","name":"web"}');
  assert.is((paused.result as { state: string }[])[0]?.state, "paused");
  assert.ok((await ask(where, '{"op":"monitors","action":"resume","name":"db"}')).ok);
  assert.equal(running.handler.calls, [
    "takeover",
    "standby",
    "fence b",
    "monitors list",
    "monitors pause web",
    "monitors resume db",
  ]);
});

test("actions are logged with their outcome; reads are not", async () => {
  running.events.length = 0;
  await ask(where, '{"op":"status"}');
  await ask(where, '{"op":"takeover"}');
  await ask(where, '{"op":"fence","target":"b","confirm":true}');
  const lines = running.events.filter((e) => e.event === "mgmt-request").map((e) => `${e.level} ${e.message}`);
  assert.equal(lines, [
    "warning takeover via unix: refused: this node is already ACTIVE",
    "notice fence b via unix: done",
  ]);
});

test("the Unix socket ignores a token (root-only by mode)", async () => {
  assert.ok((await ask(where, '{"op":"status","token":"anything"}')).ok);
});

test("malformed JSON, unknown ops and bad fields get an error reply on the same connection, which keeps answering", async () => {
  const c = await LineClient.open(where);
  c.send("this is not json\n");
  assert.match((await c.next()).error ?? "", /^malformed JSON/);
  c.send('{"op":"reboot"}\n');
  assert.match((await c.next()).error ?? "", 'unknown op "reboot"');
  c.send('{"op":"fence","target":"b"}\n');
  assert.match((await c.next()).error ?? "", 'fence needs "confirm": true');
  c.send("\n   \n");
  c.send('{"op":"status"}\n');
  assert.ok((await c.next()).ok, "blank lines are skipped, the next request is answered");
  c.end();
});

test("many garbage lines (binary too) are each refused and the server keeps answering", async () => {
  const c = await LineClient.open(where);
  const garbage: string[] = [];
  for (let i = 0; i < 500; i++)
    garbage.push(
      i % 3 === 0
        ? `{"op":${i}}`
        : i % 3 === 1
          ? `\u0000\u00ff\u001b[2J${i}`
          : `{"op":"monitors","action":"pause","name":"../${"x".repeat(i)}"}`,
    );
  c.send(`${garbage.join("\n")}\n`);
  for (let i = 0; i < 500; i++) assert.is((await c.next()).ok, false, `line ${i}`);
  c.send(Uint8Array.from([0xc3, 0x28, 0x0a]));
  assert.is((await c.next()).ok, false);
  c.end();
  assert.ok((await ask(where, '{"op":"status"}')).ok);
  assert.ok(running.server.stats().malformed >= 501);
});

test("an oversize line gets an error reply and the connection is closed; the server keeps answering", async () => {
  const c = await LineClient.open(where);
  c.send(`{"op":"status","pad":"${"x".repeat(MAX_LINE_BYTES)}"}\n`);
  assert.match((await c.next()).error ?? "", `request line longer than ${MAX_LINE_BYTES} bytes`);
  assert.ok(await c.waitClosed(), "closed after the error");
  const d = await LineClient.open(where);
  d.send("y".repeat(MAX_LINE_BYTES + 10));
  assert.match((await d.next()).error ?? "", "longer than");
  assert.ok(await d.waitClosed());
  assert.ok((await ask(where, '{"op":"status"}')).ok);
});

test("a handler that throws becomes an error reply naming the request", async () => {
  running.handler.fail = "disk on fire";
  assert.equal(await ask(where, '{"op":"standby"}'), { ok: false, error: "standby failed: disk on fire" });
  running.handler.fail = "no report";
  assert.equal(await ask(where, '{"op":"status"}'), { ok: false, error: "status failed: no report" });
  assert.ok((await ask(where, '{"op":"status"}')).ok);
});

test("pipelined requests behind a slow action are answered in order", async () => {
  running.handler.delayMs = 200;
  const c = await LineClient.open(where);
  c.send('{"op":"fence","target":"b","confirm":true}\n{"op":"status"}\nbad\n');
  assert.equal(await c.next(), { ok: true, result: "b reset via qmp: confirmed" });
  assert.ok((await c.next()).ok);
  assert.is((await c.next()).ok, false);
  running.handler.delayMs = 0;
  c.end();
});

test("a second server on a live socket refuses to start and leaves the first one working", async () => {
  try {
    const second = await serve({ socket });
    second.server.stop();
    assert.unreachable("the second server started");
  } catch (e) {
    assert.match((e as Error).message, `another server is already answering on ${socket}`);
  }
  assert.ok((await ask(where, '{"op":"status"}')).ok);
});

test("a stale socket file (its server was killed) is replaced, and the replacement is logged", async () => {
  const stale = join(dir, "stale.sock");
  const child = Bun.spawn(
    [
      process.execPath,
      "-e",
      `Bun.listen({ unix: ${JSON.stringify(stale)}, socket: { data() {} } }); console.log("up"); setInterval(() => {}, 1000);`,
    ],
    { stdout: "pipe" },
  );
  const reader = child.stdout.getReader();
  await reader.read();
  child.kill("SIGKILL");
  await child.exited;
  assert.ok(statSync(stale).isSocket(), "the killed server left its socket file behind");
  const r = await serve({ socket: stale });
  try {
    assert.ok((await ask({ unix: stale }, '{"op":"status"}')).ok);
    assert.ok(r.events.some((e) => e.event === "mgmt-stale-socket"));
  } finally {
    r.server.stop();
  }
});

test("a regular file at the socket path is never removed", async () => {
  const f = join(dir, "not-a-socket");
  writeFileSync(f, "precious");
  try {
    (await serve({ socket: f })).server.stop();
    assert.unreachable("started over a regular file");
  } catch (e) {
    assert.match((e as Error).message, "exists and is not a socket");
  }
  assert.ok(existsSync(f));
});

test("stop closes the listener and removes the socket file", async () => {
  const p = join(dir, "sub", "x.sock");
  mkdirSync(join(dir, "sub"));
  const r = await serve({ socket: p });
  const c = await LineClient.open({ unix: p });
  const s: ManagementServer = r.server;
  s.stop();
  assert.not.ok(existsSync(p));
  assert.ok(await c.waitClosed(), "open connections are closed");
  s.stop();
});

test.run();
