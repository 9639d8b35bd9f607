// The client commands end to end: dist/clusterguard against a real management server with a fake handler.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runExeAsync } from "../helpers/exe.ts";
import { sampleReport } from "../mgmt/fake.ts";
import { type Running, selfSignedCert, serve, tempDir } from "../mgmt/helpers.ts";

const dir = tempDir("cg-client-");
const socket = join(dir, "cg.sock");
const TOKEN = "client-token-5e1d0c9a77";
const tokenFile = join(dir, "token");
writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
const pem = selfSignedCert(dir);
let running: Running;
const cg = (...args: string[]) => runExeAsync([...args, "--socket", socket]);

test.before(async () => {
  running = await serve({
    socket,
    tcp_listen: "127.0.0.1:0",
    token_file: tokenFile,
    tls_cert: pem.cert,
    tls_key: pem.key,
  });
});
test.after(() => running.server.stop());
test.after(() => rmSync(dir, { recursive: true, force: true }));

test("status prints the human report: roles, links, fence, monitors, resources; degraded, it exits 4", async () => {
  const r = await cg("status");
  assert.is(r.code, 4, r.stderr);
  assert.match(r.stdout.trimEnd(), /\n {2}health {5}DEGRADED: link disk down; monitor db paused \(exit 4\)$/);
  assert.match(r.stdout, "cluster lab, report of 2025-06-01T10:15:02.114Z");
  assert.match(r.stdout, /this node\s+a\s+ACTIVE\s+incarnation 7/);
  assert.match(r.stdout, /peer\s+b\s+STANDBY\s+last heard 0\.2s ago/);
  assert.match(r.stdout, /disk\s+DOWN\s+1m12s ago\s+DEAD/);
  assert.match(r.stdout, /web\s+systemd\s+running\s+up\s+42/);
  assert.match(r.stdout, /cluster-ip\s+ip\s+up\s+192\.168\.100\.10\/24 on eth1/);
});

test("status --json prints the report exactly as the agent sent it, with the same exit status", async () => {
  const r = await cg("status", "--json");
  assert.is(r.code, 4, r.stderr);
  assert.equal(JSON.parse(r.stdout), sampleReport());
});

test("status exits 0 on a healthy pair and 5 when nobody serves, --json or not", async () => {
  const fine = sampleReport();
  fine.links = fine.links.map((l) => ({ ...l, up: true, dead: false, lastError: null }));
  fine.monitors = fine.monitors.map((m) => ({ ...m, state: "running", health: "up" }));
  running.handler.report = fine;
  try {
    const ok = await cg("status");
    assert.is(ok.code, 0, ok.stderr);
    assert.match(ok.stdout.trimEnd(), /\n {2}health {5}healthy \(exit 0\)$/);
    assert.is((await cg("status", "--json")).code, 0);
    running.handler.report = { ...fine, role: "STANDBY", peer: { ...fine.peer, role: "STANDBY" } };
    const none = await cg("status");
    assert.is(none.code, 5, none.stderr);
    assert.match(none.stdout, /health {5}NOT SERVING: peer b is STANDBY, not ACTIVE \(exit 5\)/);
    assert.is((await cg("status", "--json")).code, 5);
  } finally {
    running.handler.report = sampleReport();
  }
});

test("a status reply of another shape is reported (exit 1), not a crash", async () => {
  running.handler.report = { cluster: "lab" } as unknown as typeof running.handler.report;
  try {
    const r = await cg("status");
    assert.is(r.code, 1);
    assert.match(
      r.stderr,
      'clusterguard status: the status reply has no "node" string: is the agent a different clusterguard version?',
    );
    const w = await cg("watch", "--once");
    assert.is(w.code, 1);
    assert.match(w.stdout, '! the status reply has no "node" string');
  } finally {
    running.handler.report = sampleReport();
  }
});

test("takeover prints the agent's refusal and exits 1; standby succeeds with exit 0", async () => {
  const t = await cg("takeover");
  assert.is(t.code, 1);
  assert.match(t.stderr, "clusterguard takeover: refused: this node is already ACTIVE");
  const s = await cg("standby");
  assert.is(s.code, 0, s.stderr);
  assert.is(s.stdout.trim(), "standby: handing over to b");
});

test("fence --manual (the peer is off, checked by hand) warns and does nothing without --confirm; with it the guard is told", async () => {
  running.handler.calls = [];
  const no = await cg("fence", "b", "--manual");
  assert.is(no.code, 2);
  assert.match(no.stderr, "if b still runs, both write the shared disk; nothing was done");
  assert.equal(running.handler.calls, []);
  const yes = await cg("fence", "b", "--manual", "--confirm");
  assert.is(yes.code, 0, yes.stderr);
  assert.match(yes.stdout, "fence b: b counted as fenced");
  assert.equal(running.handler.calls, ["fence b manual"]);
});

test("fence without --confirm does nothing and exits 2; with it the handler fences the named peer", async () => {
  running.handler.calls = [];
  const no = await cg("fence", "b");
  assert.is(no.code, 2);
  assert.match(no.stderr, "Add --confirm");
  assert.equal(running.handler.calls, []);
  const yes = await cg("fence", "b", "--confirm");
  assert.is(yes.code, 0, yes.stderr);
  assert.match(yes.stdout, "fence b: b reset via qmp: confirmed");
  assert.equal(running.handler.calls, ["fence b"]);
});

test("monitors lists, pauses by name (--json too), and a missing NAME is a usage error", async () => {
  running.handler.calls = [];
  const list = await cg("monitors");
  assert.is(list.code, 0, list.stderr);
  assert.match(list.stdout, /MONITOR\s+PLUGIN\s+STATE/);
  assert.match(list.stdout, /db\s+command\s+paused/);
  assert.is((await cg("monitors", "list")).stdout, list.stdout);
  const pause = await cg("monitors", "pause", "web");
  assert.is(pause.code, 0, pause.stderr);
  assert.match(pause.stdout, /^paused web\n/);
  assert.match(pause.stdout, /web\s+systemd\s+paused/);
  const json = await cg("monitors", "resume", "db", "--json");
  assert.is(JSON.parse(json.stdout)[1].state, "running");
  assert.equal(running.handler.calls, ["monitors list", "monitors list", "monitors pause web", "monitors resume db"]);
  assert.is((await cg("monitors", "pause")).code, 2);
  assert.is((await cg("monitors", "kill", "web")).code, 2);
  assert.is((await cg("monitors", "list", "--start-stop")).code, 2, "test's options belong to test");
  assert.equal(running.handler.calls.length, 4, "no usage error sent a request");
});

test("the old agents command says what it is called now, exit 2, and sends nothing", async () => {
  running.handler.calls = [];
  const r = await cg("agents", "pause", "web", "--json");
  assert.is(r.code, 2);
  assert.is(r.stderr.trim(), "clusterguard agents: renamed: use 'clusterguard monitors pause web'");
  assert.match((await cg("agents")).stderr, "renamed: use 'clusterguard monitors'");
  assert.equal(running.handler.calls, []);
});

test("no server: exit 1 naming the socket and the errno", async () => {
  const missing = join(dir, "nobody.sock");
  const r = await runExeAsync(["status", "--socket", missing]);
  assert.is(r.code, 1);
  assert.is(
    r.stderr.trim(),
    `clusterguard status: no agent is listening on ${missing} (ENOENT): is clusterguard-agent running?`,
  );
  const t = await runExeAsync(["takeover", "--socket", missing]);
  assert.is(t.code, 1);
});

test("without --socket the socket comes from the config file, and no authkey is needed", async () => {
  const conf = join(dir, "cg.toml");
  writeFileSync(
    conf,
    `[cluster]\nname = "lab"\n[[node]]\nname = "a"\naddress = "192.168.100.1"\n[[node]]\nname = "b"\naddress = "192.168.100.2"\n[management]\nsocket = "${socket}"\n`,
  );
  const r = await runExeAsync(["status", "--json", "--config", conf, "--authkey", join(dir, "no-such-authkey")]);
  assert.is(r.code, 4, `the sample report is degraded: ${r.stderr}`);
  assert.is(JSON.parse(r.stdout).cluster, "lab");
});

test("--connect over TLS with the token and --ca works; a wrong token is refused with exit 1", async () => {
  const at = `localhost:${running.server.tcpPort}`;
  const ok = await runExeAsync(["status", "--json", "--connect", at, "--token-file", tokenFile, "--ca", pem.cert]);
  assert.is(ok.code, 4, `the sample report is degraded: ${ok.stderr}`);
  assert.is(JSON.parse(ok.stdout).node, "a");
  const insecure = await runExeAsync([
    "standby",
    "--connect",
    `127.0.0.1:${running.server.tcpPort}`,
    "--token-file",
    tokenFile,
    "--insecure",
  ]);
  assert.is(insecure.code, 0, insecure.stderr);
  const wrong = join(dir, "wrong");
  writeFileSync(wrong, "not-the-token-at-all\n");
  const bad = await runExeAsync(["status", "--connect", at, "--token-file", wrong, "--ca", pem.cert]);
  assert.is(bad.code, 1);
  assert.match(bad.stderr, "unauthorized");
});

test("--connect without a trusted certificate fails with the TLS reason and the fix", async () => {
  const r = await runExeAsync([
    "status",
    "--connect",
    `localhost:${running.server.tcpPort}`,
    "--token-file",
    tokenFile,
  ]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /TLS to localhost:\d+ refused: .*certificate.*; pass --ca FILE/);
});

test("connection options are checked before anything is sent (exit 2)", async () => {
  assert.is((await runExeAsync(["status", "--connect", "localhost:1"])).code, 2, "no --token-file");
  assert.is((await runExeAsync(["status", "--connect", "nohostport", "--token-file", tokenFile])).code, 2);
  assert.is(
    (await runExeAsync(["status", "--socket", socket, "--connect", "localhost:1", "--token-file", tokenFile])).code,
    2,
  );
  assert.is((await runExeAsync(["status", "--socket", socket, "--insecure"])).code, 2);
  const r = await runExeAsync([
    "status",
    "--connect",
    "localhost:1",
    "--token-file",
    tokenFile,
    "--ca",
    pem.cert,
    "--insecure",
  ]);
  assert.is(r.code, 2);
  assert.match(r.stderr, "either --ca FILE or --insecure");
});

test("a remote address with nothing listening names the address and the errno", async () => {
  const r = await runExeAsync(["status", "--connect", "127.0.0.1:1", "--token-file", tokenFile, "--insecure"]);
  assert.is(r.code, 1);
  assert.match(r.stderr, "no agent is listening on 127.0.0.1:1 (ECONNREFUSED)");
});

test("watch --once prints one frame: header, status and the menu, ASCII within 80 columns", async () => {
  const r = await cg("watch", "--once");
  assert.is(r.code, 0, r.stderr);
  assert.not.match(r.stdout, "\x1b", "no screen clearing with --once");
  assert.match(r.stdout, `clusterguard watch  ${socket}`);
  assert.match(r.stdout, /this node\s+a\s+ACTIVE/);
  assert.match(r.stdout, "[t]akeover [s]tandby [f]ence peer [p]ause/[r]esume monitor [q]uit");
  for (const line of r.stdout.split("\r\n")) {
    assert.ok(line.length <= 80, `too wide: ${line}`);
    assert.ok(/^[\x20-\x7e]*$/.test(line), `not plain ASCII: ${JSON.stringify(line)}`);
  }
});

test("watch --once without a server shows why and exits 1", async () => {
  const r = await runExeAsync(["watch", "--once", "--socket", join(dir, "nobody.sock")]);
  assert.is(r.code, 1);
  assert.match(r.stdout, "! no agent is listening on");
  assert.match(r.stdout, "(no status yet)");
});

test("watch without a TTY keeps refreshing until it is stopped, clearing once and then sending only what changed", async () => {
  const p = Bun.spawn(
    [join(import.meta.dir, "../../dist/clusterguard"), "watch", "--interval", "150", "--socket", socket],
    { stdout: "pipe", stderr: "pipe", stdin: "ignore" },
  );
  await Bun.sleep(1300);
  p.kill("SIGTERM");
  const out = await new Response(p.stdout).text();
  assert.is(await p.exited, 0);
  const [before = "", first = "", ...rest] = out.split("\x1b[H\x1b[2J");
  assert.is(before, "");
  assert.equal(rest, [], "one clear, at the start");
  assert.ok(first.replace(/\r\n$/, "").split("\r\n").length <= 24, "24 rows at most without a terminal to ask");
  assert.match(
    first,
    /\x1b\[1;1Hclusterguard watch .* \d\d:\d\d:\d\d\x1b\[K/,
    "the clock line rewritten in place once a second",
  );
  assert.ok(first.length < 2 * 2048, `${first.length} bytes in 8 refreshes`);
});

test("every client command has --help", async () => {
  for (const cmd of ["status", "watch", "takeover", "standby", "fence", "monitors"]) {
    const r = await runExeAsync([cmd, "--help"]);
    assert.is(r.code, 0, `${cmd}: ${r.stderr}`);
    assert.match(r.stdout, "--socket");
  }
});

test.run();
