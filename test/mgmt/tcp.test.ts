// The TCP endpoint: TLS with a self-signed certificate, and a token on every request; its retry pacing and which
// failures get a log line, pure, by table.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { shouldLogFailure } from "../../src/log/limit.ts";
import { tcpRetryDelay } from "../../src/mgmt/tcp.ts";
import { ask, LineClient, type Running, selfSignedCert, serve, tempDir } from "./helpers.ts";

const dir = tempDir();
const TOKEN = "tok-3f9a1c0b7e5d42a8";
const tokenFile = join(dir, "token");
writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
const pem = selfSignedCert(dir);
let running: Running;
let tls: { hostname: string; port: number; tls: { ca: string } };

test.before(async () => {
  running = await serve({
    socket: join(dir, "cg.sock"),
    tcp_listen: "127.0.0.1:0",
    token_file: tokenFile,
    tls_cert: pem.cert,
    tls_key: pem.key,
  });
  tls = { hostname: "localhost", port: running.server.tcpPort ?? 0, tls: { ca: readFileSync(pem.cert, "utf8") } };
});
test.after(() => running.server.stop());
test.after(() => rmSync(dir, { recursive: true, force: true }));

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
  assert.equal(
    await ask(tls, JSON.stringify({ op: "fence", target: "b", confirm: true, token: "tok-3f9a1c0b7e5d42a9" })),
    { ok: false, error: "unauthorized" },
  );
  assert.equal(await ask(tls, JSON.stringify({ op: "fence", target: "b", confirm: true })), {
    ok: false,
    error: "unauthorized",
  });
  assert.equal(
    await ask(tls, JSON.stringify({ op: "reboot", token: 12 })),
    { ok: false, error: "unauthorized" },
    "no hint about ops before the token",
  );
  assert.equal(running.handler.calls, []);
  assert.is(running.server.stats().unauthorized, before + 3);
  const logged = running.events.filter((e) => e.event === "mgmt-unauthorized");
  assert.is(logged.length, 1, "rate-limited to one line a minute");
  assert.match(String(logged[0]?.message), "127.0.0.1");
});

test("with the token, bad requests still get precise errors", async () => {
  const r = await ask(tls, JSON.stringify({ op: "monitors", action: "pause", token: TOKEN }));
  assert.match(r.error ?? "", 'monitors pause needs "name"');
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

test("a TCP endpoint that cannot start leaves the Unix socket serving, and says why", async () => {
  const sock = join(dir, "other.sock");
  const cfg = {
    socket: sock,
    tcp_listen: "127.0.0.1:0",
    token_file: tokenFile,
    tls_cert: pem.cert,
    tls_key: join(dir, "missing-key.pem"),
  };
  const noKey = await serve(cfg, { tcpRetryMs: () => 60_000 });
  try {
    assert.is(noKey.server.tcpPort, null);
    assert.ok((await ask({ unix: sock }, '{"op":"status"}')).ok, "the local admin keeps the socket");
    const warned = noKey.events.find((e) => e.event === "mgmt-tcp");
    assert.match(
      String(warned?.message),
      /^TCP management not available: management\.tls_key .*ENOENT.*; the Unix socket .*other\.sock serves meanwhile, retrying \(next in 60000 ms, 1 failure\(s\) so far\)$/,
    );
    assert.match(
      String(noKey.events.find((e) => e.event === "mgmt-listening")?.message),
      /\(TCP 127\.0\.0\.1:0 not yet: retrying\)/,
    );
  } finally {
    noKey.server.stop();
  }
  const loose = join(dir, "loose-token");
  writeFileSync(loose, `${TOKEN}\n`, { mode: 0o644 });
  const looseToken = await serve({ ...cfg, tls_key: pem.key, token_file: loose }, { tcpRetryMs: () => 60_000 });
  looseToken.server.stop();
  assert.is(looseToken.server.tcpPort, null, "never listened with a world-readable token");
  assert.match(
    String(looseToken.events.find((e) => e.event === "mgmt-tcp")?.message),
    /expected mode 0600 or stricter/,
  );
  assert.not.ok(await Bun.file(sock).exists(), "stop removes the socket");
});

test("an address that is taken (or not up yet) is retried in the background until it binds; the same failure is logged once", async () => {
  const sock = join(dir, "retry.sock");
  const blocker = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = blocker.port;
  const later = await serve(
    { socket: sock, tcp_listen: `127.0.0.1:${port}`, token_file: tokenFile, tls_cert: pem.cert, tls_key: pem.key },
    { tcpRetryMs: () => 40 },
  );
  try {
    assert.is(later.server.tcpPort, null);
    assert.ok((await ask({ unix: sock }, '{"op":"status"}')).ok);
    await Bun.sleep(300);
    assert.is(later.server.tcpPort, null, "still taken");
    const warnings = later.events.filter((e) => e.event === "mgmt-tcp");
    assert.is(warnings.length, 1, "one line for the same reason, not one per retry");
    assert.match(String(warnings[0]?.message), new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`));
    blocker.stop(true);
    for (let i = 0; i < 100 && later.server.tcpPort === null; i++) await Bun.sleep(20);
    assert.is(later.server.tcpPort, port, "bound once the address was free");
    const r = await ask({ ...tls, port }, JSON.stringify({ op: "status", token: TOKEN }));
    assert.is(r.ok, true, r.error);
    assert.match(
      String(later.events.filter((e) => e.event === "mgmt-tcp").at(-1)?.message),
      new RegExp(`^management now also on 127\\.0\\.0\\.1:${port} \\(TLS, token\\), after \\d+ failed attempt\\(s\\)$`),
    );
  } finally {
    blocker.stop(true);
    later.server.stop();
  }
});

test("retries start at a second and double up to 30 s", () => {
  assert.equal(
    [1, 2, 3, 4, 5, 6, 7, 50, 1e9].map((n) => tcpRetryDelay(n)),
    [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000],
  );
  assert.is(tcpRetryDelay(0), 1000);
});

test("a failure is logged the first time, when its reason changes, and again only every 10 minutes", () => {
  const last = { reason: "EADDRNOTAVAIL", at: 1000 };
  const rows: [typeof last | null, string, number, boolean][] = [
    [null, "EADDRNOTAVAIL", 0, true],
    [last, "EADDRNOTAVAIL", 2000, false],
    [last, "EADDRNOTAVAIL", 600_999, false],
    [last, "EADDRNOTAVAIL", 601_000, true],
    [last, "EADDRINUSE", 2000, true],
  ];
  for (const [l, reason, now, want] of rows)
    assert.is(shouldLogFailure(l, reason, now), want, `${JSON.stringify(l)} ${reason} at ${now}`);
});

test.run();
