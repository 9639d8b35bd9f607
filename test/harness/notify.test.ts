// [[notify]] hooks in a real agent (dist/clusterguard, host mode) beside a real guard: a recording hook gets each
// event's variables and JSON; a hook that hangs is killed at its timeout, and while one hangs the node still
// changes role and hands over (the decision never waits for a hook).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isAlive } from "../../src/monitor/run-process.ts";
import { runExe } from "../helpers/exe.ts";
import type { GuardEvent } from "./guard-process.ts";
import { Pair } from "./pair.ts";

const hooks = mkdtempSync(join(tmpdir(), "cg-hooks-"));
const rec = join(hooks, "rec");
mkdirSync(rec);
const HANG_TIMEOUT = 3000;

function script(name: string, body: string): string {
  const p = join(hooks, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}

// Writes what it was given, named by the event's sequence number and name.
const record = script(
  "record",
  `f=${rec}/$CLUSTERGUARD_SEQUENCE-$CLUSTERGUARD_EVENT\nenv > "$f.env.tmp"\ncat > "$f.json"\nmv "$f.env.tmp" "$f.env"`,
);
// Records that it started (its pid and its child's), then waits for a child that sleeps for ten minutes.
const hang = script(
  "hang",
  `sleep 600 &\necho "$$ $!" > ${hooks}/hang-$CLUSTERGUARD_SEQUENCE-$CLUSTERGUARD_EVENT-$CLUSTERGUARD_ROLE\nwait`,
);

const pair = new Pair(
  18300,
  undefined,
  true,
  `\n[[notify]]\ncommand = "${record}"\n\n[[notify]]\ncommand = "${hang}"\nevents = ["role", "link-dead"]\ntimeout = ${HANG_TIMEOUT}\n`,
);
test.before(() => pair.setup());
test.after(async () => {
  await pair.teardown();
  for (const f of readdirSync(hooks).filter((n) => n.startsWith("hang-")))
    for (const pid of readFileSync(join(hooks, f), "utf8").trim().split(" ").map(Number))
      if (pid > 0 && isAlive(pid)) process.kill(pid, "SIGKILL");
  rmSync(hooks, { recursive: true, force: true });
});

/** The recorded environment of the event `name` whose role is `role`, as a map; null until it is complete. */
function recorded(name: string, role?: string): { env: Record<string, string>; json: Record<string, unknown> } | null {
  for (const f of readdirSync(rec).filter((n) => n.endsWith(`-${name}.env`))) {
    const env = Object.fromEntries(
      readFileSync(join(rec, f), "utf8")
        .trim()
        .split("\n")
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    if (role !== undefined && env.CLUSTERGUARD_ROLE !== role) continue;
    return { env, json: JSON.parse(readFileSync(join(rec, f.replace(/\.env$/, ".json")), "utf8")) };
  }
  return null;
}

/** The pids (hook, its child) the hang hook wrote when it started for `event` with this node's role `role`. */
function hangPids(event: string, role: string): [number, number] | null {
  const f = readdirSync(hooks).find((n) => n.startsWith("hang-") && n.endsWith(`-${event}-${role}`));
  if (!f) return null;
  const [p, c] = readFileSync(join(hooks, f), "utf8").trim().split(" ").map(Number);
  return p && c ? [p, c] : null;
}

const index = (events: GuardEvent[], pred: (e: GuardEvent) => boolean) => events.findIndex(pred);

test("hooks run from a real agent: recorded with their variables, a hanging one killed at its timeout, roles change meanwhile", async () => {
  const mgmt = join(pair.dir, "mgmt.sock");
  const a = pair.start(
    "a",
    [
      "--handover-socket",
      join(pair.dir, "no-guard.sock"),
      "--handover-file",
      join(pair.dir, "h.json"),
      "--management-socket",
      mgmt,
    ],
    "agent",
  );
  await pair.until(() => a.find("start")?.role === "ACTIVE", 10000, "the agent ACTIVE (no guard to take over from)");
  await pair.until(() => recorded("start") !== null, 10000, "the recording hook saw the agent start");
  assert.is(recorded("start")?.env.CLUSTERGUARD_ROLE, "ACTIVE", "the role the agent started in");
  assert.is(recorded("start")?.env.CLUSTERGUARD_SEQUENCE, "1");
  const b = pair.start("b");
  await pair.until(() => b.role === "STANDBY", 10000, "b STANDBY beside a");

  // The UDP cable pulled: a's udp link goes dead. The recording hook has it; the other one hangs on it.
  pair.relay.cut = true;
  await pair.until(() => recorded("link-dead") !== null, 10000, "the recording hook saw the dead udp link");
  pair.relay.cut = false;
  const dead = recorded("link-dead");
  assert.is(dead?.env.CLUSTERGUARD_CHANNEL, "udp");
  assert.is(dead?.env.CLUSTERGUARD_NODE, "a");
  assert.is(dead?.env.CLUSTERGUARD_CLUSTER, "harness");
  assert.is(dead?.env.CLUSTERGUARD_ROLE, "ACTIVE");
  assert.is(dead?.env.CLUSTERGUARD_PEER, "b");
  assert.is(dead?.env.CLUSTERGUARD_PEER_ROLE, "STANDBY");
  assert.match(dead?.env.CLUSTERGUARD_MESSAGE ?? "", /link udp silent for \d+ ms/);
  assert.is(dead?.json.event, "link-dead");
  assert.is((dead?.json.fields as { channel?: string } | undefined)?.channel, "udp");
  await pair.until(() => hangPids("link-dead", "ACTIVE") !== null, 5000, "the hanging hook started on it");
  const first = hangPids("link-dead", "ACTIVE") as [number, number];

  // It is killed at its timeout, its child with it; the agent says so.
  await pair.until(
    () => a.find("notify-failed", (e) => e.timedOut === true && e.hookEvent === "link-dead") !== undefined,
    HANG_TIMEOUT + 10000,
    "the hanging hook killed at its timeout",
  );
  assert.ok(!isAlive(first[0]) && !isAlive(first[1]), "the hook and its child are gone");
  assert.match(
    a.find("notify-failed", (e) => e.timedOut === true)?.message ?? "",
    new RegExp(`notify\\[1\\] .*hang on link-dead: timed out after ${HANG_TIMEOUT} ms; its process group was killed`),
  );
  await pair.until(() => recorded("link-restored") !== null, 10000, "the udp link back, recorded");

  // A role change while the hook hangs again: a hands over to b and "reboots"; nothing waited for the hook.
  const sw = runExe(["standby", "--socket", mgmt]);
  assert.is(sw.code, 0, sw.stderr);
  await pair.until(() => b.role === "ACTIVE", 10000, "b ACTIVE after the switchover");
  await Promise.race([a.proc.exited, Bun.sleep(10000)]);
  assert.is(a.proc.exitCode, 3, "host mode: the reboot after handing over ends the agent");
  const stoppedAt = index(a.events, (e) => e.event === "role" && e.role === "STOPPED");
  const handedAt = index(
    a.events,
    (e) => e.event === "switchover" && /peer ACTIVE \d+ ms after the request/.test(e.message),
  );
  const hookEndedAt = index(
    a.events,
    (e) => (e.event === "notify-failed" || e.event === "notify-done") && e.hookEvent === "role" && e.hook === 1,
  );
  assert.ok(stoppedAt >= 0 && handedAt > stoppedAt, a.describe());
  assert.ok(hangPids("role", "STOPPED"), "the hanging hook started on the role change to STOPPED");
  assert.is(hookEndedAt, -1, `a handed over while the hook hung on its role change\n${a.describe()}`);
  const second = hangPids("role", "STOPPED") as [number, number];
  await pair.until(
    () => !isAlive(second[0]) && !isAlive(second[1]),
    5000,
    "the agent's exit killing the hook still running",
  );

  await pair.until(() => recorded("role", "STOPPED") !== null, 5000, "the recording hook saw STOPPED");
  const stopped = recorded("role", "STOPPED");
  assert.is(stopped?.env.CLUSTERGUARD_FROM, "ACTIVE");
  assert.is(stopped?.env.CLUSTERGUARD_PEER_ROLE, "STANDBY");
  assert.is(stopped?.json.role, "STOPPED");
  assert.ok(Number(stopped?.env.CLUSTERGUARD_SEQUENCE) > Number(dead?.env.CLUSTERGUARD_SEQUENCE));
});

test.run();
