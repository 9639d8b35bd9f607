// The lab's web console forward (qemu/src/web-forward.ts) with real sockets on 127.0.0.1: each connection goes to the
// ACTIVE of the moment, bytes untouched; none is taken when there is no ACTIVE; a connection is cut once its node is
// no longer ACTIVE; and the listener is on loopback only.
import { randomBytes } from "node:crypto";
import { connect, createServer, type Server, type Socket } from "node:net";
import { networkInterfaces } from "node:os";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { FORWARD_HOST, type Forward, type ForwardTarget, startForward } from "../../qemu/src/web-forward.ts";
import { waitFor } from "../helpers/wait.ts";

/** A stand-in for one VM's console: says its name, then echoes every byte back. */
async function fakeConsole(name: string): Promise<{ server: Server; target: ForwardTarget }> {
  const server = createServer((s) => {
    s.write(`${name}:`);
    s.pipe(s);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return { server, target: { node: name, host: "127.0.0.1", port } };
}

/** Connect to `host`:`port`, send `out`, and collect what comes back until the connection ends (or `ms`). */
function exchange(
  port: number,
  out: Buffer,
  o: { host?: string; until?: (got: Buffer) => boolean; ms?: number } = {},
): Promise<{ got: Buffer; closed: boolean; error?: string; socket: Socket }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = connect({ host: o.host ?? "127.0.0.1", port });
    const done = (closed: boolean, error?: string) => {
      clearTimeout(timer);
      resolve({ got: Buffer.concat(chunks), closed, socket: s, ...(error ? { error } : {}) });
    };
    const timer = setTimeout(() => done(false), o.ms ?? 3000);
    s.on("connect", () => s.write(out));
    s.on("data", (c: Buffer) => {
      chunks.push(c);
      if (o.until?.(Buffer.concat(chunks))) done(false);
    });
    s.on("close", () => done(true));
    s.on("error", (e: NodeJS.ErrnoException) => done(true, e.code ?? e.message));
  });
}

let a: Awaited<ReturnType<typeof fakeConsole>>;
let b: Awaited<ReturnType<typeof fakeConsole>>;
let active: ForwardTarget | null = null;
let fwd: Forward;
const logged: string[] = [];

test.before(async () => {
  a = await fakeConsole("a");
  b = await fakeConsole("b");
  fwd = await startForward({ port: 0, target: () => active, recheckMs: 50, log: (m) => logged.push(m) });
});

test.after(async () => {
  await fwd.close();
  a.server.close();
  b.server.close();
});

test("each connection goes to the ACTIVE, every byte passed untouched both ways", async () => {
  active = a.target;
  const data = randomBytes(1 << 20);
  const want = Buffer.concat([Buffer.from("a:"), data]);
  const r = await exchange(fwd.port, data, { until: (g) => g.length >= want.length, ms: 10000 });
  assert.is(r.got.length, want.length);
  assert.ok(r.got.equals(want), "the same bytes came back, through a");
  r.socket.destroy();
  active = b.target;
  const r2 = await exchange(fwd.port, Buffer.from("hello"), { until: (g) => g.length >= 7 });
  assert.is(r2.got.toString(), "b:hello", "a new connection goes to the new ACTIVE");
  r2.socket.destroy();
});

test("no ACTIVE: the connection is closed at once, nothing forwarded", async () => {
  active = null;
  const r = await exchange(fwd.port, Buffer.from("hello"));
  assert.ok(r.closed, "closed by the forward");
  assert.is(r.got.length, 0);
  assert.ok(
    logged.some((m) => /no ACTIVE node/.test(m)),
    logged.join("\n"),
  );
});

test("a connection is cut once its node is no longer ACTIVE (a switchover, a power cut)", async () => {
  active = a.target;
  const s = connect({ host: "127.0.0.1", port: fwd.port });
  let got = "";
  let closed = false;
  s.on("data", (c) => (got += c.toString()));
  s.on("close", () => (closed = true));
  s.on("error", () => {});
  await waitFor(() => got === "a:", 3000, "a's greeting");
  assert.equal(fwd.open(), ["a"]);
  active = b.target;
  await waitFor(() => closed, 3000, "the connection to a cut");
  assert.equal(fwd.open(), []);
});

test("an ACTIVE whose console does not answer: the browser's connection is closed", async () => {
  const gone = await fakeConsole("gone");
  await new Promise((resolve) => gone.server.close(resolve));
  active = gone.target;
  const r = await exchange(fwd.port, Buffer.from("x"));
  assert.ok(r.closed);
  assert.is(r.got.length, 0);
});

test("it listens on 127.0.0.1 only: not on another loopback address, not on the host's other addresses", async () => {
  active = a.target;
  assert.is(FORWARD_HOST, "127.0.0.1");
  const other = await exchange(fwd.port, Buffer.from("x"), { host: "127.0.0.2" });
  assert.is(other.error, "ECONNREFUSED", "127.0.0.2 is refused: the listener is bound to 127.0.0.1, not to any");
  const external = Object.values(networkInterfaces())
    .flat()
    .filter((i) => i !== undefined && i.family === "IPv4" && !i.internal)
    .map((i) => i!.address);
  for (const host of external) {
    const r = await exchange(fwd.port, Buffer.from("x"), { host });
    assert.is(r.error, "ECONNREFUSED", `${host}:${fwd.port} refused`);
  }
  const ok = await exchange(fwd.port, Buffer.from("x"), { until: (g) => g.length >= 3 });
  assert.is(ok.got.toString(), "a:x");
  ok.socket.destroy();
});

test.run();
