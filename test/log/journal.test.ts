// The agent's events in the journal: the native protocol's bytes, then a real systemd-journald (private, in its own
// mount namespace: this host runs no systemd) receiving the events of the agent's logger, queried with journalctl
// as the README does. kmsg is a plain file there, so what reaches it is seen too.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { LogEvent } from "../../src/log/event.ts";
import { fieldName, journalConnected, journalDatagram, journalSink } from "../../src/log/journal.ts";

const REPO = resolve(import.meta.dir, "../..");
const BUN = join(REPO, "node_modules/.bin/bun");
const dir = mkdtempSync(join(tmpdir(), "cg-journal-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const event = (over: Partial<LogEvent> = {}): LogEvent => ({
  ts: "2026-01-01T00:00:00.000Z",
  node: "a",
  level: "warning",
  event: "link-down",
  message: "udp: silent",
  ...over,
});

test("the datagram: KEY=value lines, the priority of the level, the event's fields in capitals", () => {
  const text = new TextDecoder().decode(journalDatagram(event({ role: "ACTIVE", link: "udp", lastSeenMs: 2000 })));
  assert.is(
    text,
    "MESSAGE=a link-down [ACTIVE]: udp: silent\nPRIORITY=4\nSYSLOG_IDENTIFIER=clusterguard\nCLUSTERGUARD_EVENT=link-down\n" +
      "CLUSTERGUARD_NODE=a\nCLUSTERGUARD_ROLE=ACTIVE\nCLUSTERGUARD_LINK=udp\nCLUSTERGUARD_LAST_SEEN_MS=2000\n",
  );
  assert.is(fieldName("fence-level"), "CLUSTERGUARD_FENCE_LEVEL");
  assert.is(fieldName("x".repeat(80)).length, 64);
});

test("a value with a newline is framed by its length (64-bit little-endian), as the protocol wants", () => {
  const d = journalDatagram(event({ level: "critical", event: "e", message: "one\ntwo" }));
  const head = new TextEncoder().encode("MESSAGE\n");
  assert.equal([...d.slice(0, head.length)], [...head]);
  const len = new DataView(d.buffer, d.byteOffset + head.length, 8).getBigUint64(0, true);
  assert.is(len, BigInt("a e: one\ntwo".length));
  assert.is(new TextDecoder().decode(d.slice(head.length + 8, head.length + 8 + Number(len) + 1)), "a e: one\ntwo\n");
  assert.match(new TextDecoder().decode(d), /\nPRIORITY=2\n/);
});

test("an event journald does not take goes to the fallback (kmsg)", () => {
  const missed: string[] = [];
  const sink = journalSink((e) => void missed.push(e.event), join(dir, "no-journald-here"));
  assert.ok(sink);
  sink?.(event());
  assert.equal(missed, ["link-down"]);
});

test("connected only when stdout or stderr is the stream JOURNAL_STREAM names", () => {
  const out = join(dir, "stream");
  const probe = (env: Record<string, string>) => {
    writeFileSync(out, "");
    const r = Bun.spawnSync(
      [BUN, "-e", `import { journalConnected } from "${REPO}/src/log/journal.ts"; console.error(journalConnected());`],
      { env: { PATH: process.env.PATH ?? "", ...env }, stdout: Bun.file(out), stderr: "pipe" },
    );
    return r.stderr.toString().trim();
  };
  writeFileSync(out, "");
  const id = Bun.spawnSync(["stat", "-c", "%d:%i", out]).stdout.toString().trim();
  assert.match(id, /^\d+:\d+$/);
  assert.is(probe({ JOURNAL_STREAM: id }), "true");
  assert.is(probe({ JOURNAL_STREAM: `${id}1` }), "false");
  assert.is(probe({}), "false");
  assert.is(journalConnected(undefined), false);
});

// A real journald: root, unshare and systemd-journald are needed.
const JOURNALD = "/lib/systemd/systemd-journald";
const skip =
  process.getuid?.() !== 0
    ? "not root"
    : !existsSync(JOURNALD)
      ? `no ${JOURNALD} (apt-get install systemd)`
      : Bun.which("unshare") === null
        ? "no unshare"
        : null;
if (skip !== null) console.log(`  (journal: the journald tests are skipped: ${skip})`);
const real = (name: string, fn: () => void) => test(name, () => (skip === null ? fn() : undefined));

type Entry = Record<string, string>;
/** Run the agent's logger (test/fixtures/log/journal-emit.ts) beside a private journald; what each place received. */
function emit(kmsgEvents: "all" | "critical", connected = true) {
  const out = mkdtempSync(join(dir, "run-"));
  const cmd = [BUN, join(REPO, "test/fixtures/log/journal-emit.ts"), kmsgEvents];
  const r = Bun.spawnSync(
    [
      "unshare",
      "--mount",
      "--propagation",
      "private",
      "bash",
      join(REPO, "test/helpers/with-journald.sh"),
      out,
      ...(connected ? cmd : ["env", "-u", "JOURNAL_STREAM", ...cmd]),
    ],
    { stdout: "pipe", stderr: "pipe" },
  );
  assert.is(r.exitCode, 0, r.stderr.toString());
  const json = (f: string): Entry[] =>
    readFileSync(join(out, f), "utf8")
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l) as Entry);
  const text = (f: string) => readFileSync(join(out, f), "utf8");
  return {
    all: json("all.json"),
    warning: json("warning.json"),
    role: json("role.json"),
    kmsg: text("kmsg"),
    stdout: text("stdout"),
    stderr: text("stderr"),
  };
}

const KMSG_ALL = [
  "<5>clusterguard: a role [ACTIVE]: STANDBY -> ACTIVE: peer b fenced",
  "<4>clusterguard: a link-down: udp: no heartbeat for 2000 ms",
  "<6>clusterguard: a stats: every link up",
  "<3>clusterguard: a fence: qmp: no answer\nnext level: poison-pill",
  "<7>clusterguard: a tick: a debug line",
  "<2>clusterguard: a self-fence: self-fencing (reset): poison pill",
];

real("journalctl -t clusterguard: one entry per event, with its priority, identifier and fields", () => {
  const r = emit("critical");
  assert.equal(
    r.all.map((e) => [e.CLUSTERGUARD_EVENT, e.PRIORITY, e.SYSLOG_IDENTIFIER, e._TRANSPORT]),
    [
      ["role", "5", "clusterguard", "journal"],
      ["link-down", "4", "clusterguard", "journal"],
      ["stats", "6", "clusterguard", "journal"],
      ["fence", "3", "clusterguard", "journal"],
      ["tick", "7", "clusterguard", "journal"],
      ["self-fence", "2", "clusterguard", "journal"],
    ],
  );
  const role = r.all[0] ?? {};
  assert.is(role.MESSAGE, "a role [ACTIVE]: STANDBY -> ACTIVE: peer b fenced");
  assert.is(role.CLUSTERGUARD_NODE, "a");
  assert.is(role.CLUSTERGUARD_ROLE, "ACTIVE");
  assert.is(role.CLUSTERGUARD_FROM, "STANDBY");
  assert.is(role.CLUSTERGUARD_FENCE_LEVEL, "qmp");
  assert.is(r.all[2]?.CLUSTERGUARD_LINKS, '{"udp":"up","serial":"up"}');
  assert.is(r.all[3]?.MESSAGE, "a fence: qmp: no answer\nnext level: poison-pill");
  assert.is(r.stdout + r.stderr, "", "nothing on stdout (the journal stream) besides");
});

real("journalctl -p warning -t clusterguard and CLUSTERGUARD_EVENT=role select what they say", () => {
  const r = emit("critical");
  assert.equal(
    r.warning.map((e) => e.CLUSTERGUARD_EVENT),
    ["link-down", "fence", "self-fence"],
  );
  assert.equal(
    r.role.map((e) => e.MESSAGE),
    ["a role [ACTIVE]: STANDBY -> ACTIVE: peer b fenced"],
  );
});

real("kmsg (the console) gets the critical events only, or every one with --kmsg-events all", () => {
  assert.is(emit("critical").kmsg, `${KMSG_ALL[5]}\n`);
  const all = emit("all");
  assert.is(all.kmsg, `${KMSG_ALL.join("\n")}\n`);
  assert.is(all.all.length, 6);
});

real("not started by systemd (no JOURNAL_STREAM): every event goes to kmsg, none to the journal socket", () => {
  const r = emit("critical", false);
  assert.equal(r.all, []);
  assert.is(r.kmsg, `${KMSG_ALL.join("\n")}\n`);
});

test.run();
