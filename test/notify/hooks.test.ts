// The hooks run for real: shell scripts that write what they were given to files; a hook that hangs is killed with
// its whole process group at its timeout; a hook never runs at the agent's real-time priority or negative nice.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ptr } from "bun:ffi";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NotifyConfig } from "../../src/config/types.ts";
import type { LogEvent } from "../../src/log/event.ts";
import type { ProcessResult } from "../../src/monitor/api.ts";
import { isAlive } from "../../src/monitor/run-process.ts";
import { hookFileProblem, MAX_QUEUED, MAX_RUNNING, NotifyHooks, type NotifyOptions } from "../../src/notify/hooks.ts";
import { libc } from "../../src/sys/libc.ts";

const dir = mkdtempSync(join(tmpdir(), "cg-notify-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** An executable shell script in the test directory. */
function script(name: string, body: string): string {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}

interface Logged {
  level: string;
  event: string;
  message: string;
  fields: Record<string, unknown>;
}

function hooks(configs: NotifyConfig[], extra: Partial<NotifyOptions> = {}): { h: NotifyHooks; logged: Logged[] } {
  const logged: Logged[] = [];
  const h = new NotifyHooks(configs, {
    context: () => ({ cluster: "pair1", node: "a", peer: "b", role: "ACTIVE", peerRole: "STANDBY" }),
    emit: (level, event, message, fields = {}) => void logged.push({ level, event, message, fields }),
    ...extra,
  });
  return { h, logged };
}

function event(name: string, fields: Record<string, unknown> = {}): LogEvent {
  return {
    ts: new Date().toISOString(),
    node: "a",
    level: "warning",
    event: name,
    message: `${name} happened`,
    ...fields,
  };
}

const recorder = (out: string) => script(`record-${out}`, `env > ${dir}/${out}.env\ncat > ${dir}/${out}.json`);

test("a hook script gets the event as CLUSTERGUARD_* variables (and PATH, nothing else) and as JSON on stdin", async () => {
  const { h, logged } = hooks([
    { command: `${recorder("r1")} --flag 'two words'`, events: ["link-down"], timeout: 5000 },
  ]);
  h.notify(event("link-down", { channel: "serial" }));
  await h.idle();
  const env = Object.fromEntries(
    readFileSync(join(dir, "r1.env"), "utf8")
      .trim()
      .split("\n")
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  assert.is(env.CLUSTERGUARD_EVENT, "link-down");
  assert.is(env.CLUSTERGUARD_CHANNEL, "serial");
  assert.is(env.CLUSTERGUARD_ROLE, "ACTIVE");
  assert.is(env.CLUSTERGUARD_PEER, "b");
  assert.is(env.CLUSTERGUARD_PEER_ROLE, "STANDBY");
  assert.is(env.CLUSTERGUARD_SEQUENCE, "1");
  assert.not.ok("HOME" in env || "NOTIFY_SOCKET" in env, "the agent's own environment stays out");
  const doc = JSON.parse(readFileSync(join(dir, "r1.json"), "utf8"));
  assert.is(doc.event, "link-down");
  assert.equal(doc.fields, { channel: "serial" });
  assert.equal(
    logged.map((l) => [l.level, l.event]),
    [["info", "notify-done"]],
  );
});

test("the command's arguments reach the hook as words, never through a shell", async () => {
  const args = script("args", `printf '%s\\n' "$@" > ${dir}/args.out`);
  const { h } = hooks([{ command: `${args} 'a b' "c;d" $HOME`, events: ["role"], timeout: 5000 }]);
  h.notify(event("role", { role: "STANDBY" }));
  await h.idle();
  assert.equal(readFileSync(join(dir, "args.out"), "utf8").split("\n"), ["a b", "c;d", "$HOME", ""]);
});

test("only the events a hook lists run it; other events and not notifiable ones run nothing", async () => {
  const { h, logged } = hooks([{ command: recorder("r2"), events: ["fence-failed"], timeout: 5000 }]);
  for (const e of ["role", "stats", "fence-attempt", "notify-failed"]) h.notify(event(e));
  assert.is(h.busy(), 0);
  await h.idle();
  assert.not.ok(existsSync(join(dir, "r2.env")));
  assert.equal(logged, []);
});

test("a hook that hangs is killed with its process group at its timeout; the sink returned long before", async () => {
  const hang = script("hang", `sleep 600 &\necho $! > ${dir}/hang.child\nwait`);
  const { h, logged } = hooks([{ command: hang, events: ["role"], timeout: 300 }]);
  h.sink()(event("role", { role: "STANDBY" }));
  assert.is(h.busy(), 1, "the sink only queued the run");
  assert.equal(logged, [], "nothing is known about the run when the sink returns");
  await h.idle();
  const [l] = logged;
  assert.is(l?.event, "notify-failed");
  assert.is(l?.level, "warning");
  assert.match(l?.message ?? "", /notify\[0\] .*hang on role: timed out after 300 ms; its process group was killed/);
  assert.is(l?.fields.timedOut, true);
  const child = Number(readFileSync(join(dir, "hang.child"), "utf8"));
  assert.ok(child > 0);
  assert.not.ok(isAlive(child), "the hook's own child (in its process group) was killed too");
});

test("a failing hook and a missing one are logged as notify-failed with the reason", async () => {
  const bad = script("bad", "echo 'smtp: connection refused' >&2\nexit 3");
  const { h, logged } = hooks([
    { command: bad, events: ["fence-failed"], timeout: 5000 },
    { command: `${dir}/no-such-hook`, events: ["fence-failed"], timeout: 5000 },
  ]);
  h.notify(event("fence-failed"));
  await h.idle();
  const byHook = logged.sort((x, y) => Number(x.fields.hook) - Number(y.fields.hook));
  assert.equal(
    byHook.map((l) => l.event),
    ["notify-failed", "notify-failed"],
  );
  assert.match(byHook[0]?.message ?? "", /on fence-failed: exit 3: smtp: connection refused/);
  assert.match(byHook[1]?.message ?? "", /cannot run: .*no-such-hook: no such file \(ENOENT\)/);
});

// The test thread runs SCHED_RR (without SCHED_RESET_ON_FORK) at nice -5 while it starts a hook; the hook reads its
// own /proc/self/stat: field 19 is nice, field 41 the policy (0 SCHED_OTHER, 1 FIFO, 2 RR).
async function policyAndNiceOfHook(extra: Partial<NotifyOptions>): Promise<{ policy: number; nice: number }> {
  const out = join(dir, `stat-${Math.random()}`);
  const stat = script("stat", `cat /proc/self/stat > ${out}.tmp\nmv ${out}.tmp ${out}`);
  const { h } = hooks([{ command: stat, events: ["role"], timeout: 5000 }], extra);
  const param = new Int32Array([1]);
  assert.is(libc().sched_setscheduler(0, 2, ptr(param)), 0, "the test needs CAP_SYS_NICE");
  libc().setpriority(0, 0, -5);
  try {
    h.notify(event("role", { role: "ACTIVE" }));
  } finally {
    param[0] = 0;
    libc().sched_setscheduler(0, 0, ptr(param));
    libc().setpriority(0, 0, 0);
  }
  await h.idle();
  const text = readFileSync(out, "utf8");
  const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // rest[0] is field 3 (state): field N is rest[N - 3]
  return { policy: Number(rest[41 - 3]), nice: Number(rest[19 - 3]) };
}

test("a hook started by a real-time, negative-nice thread runs SCHED_OTHER at nice 0", async () => {
  assert.equal(await policyAndNiceOfHook({}), { policy: 0, nice: 0 });
  // The same start without the reset inherits both: the check above can fail.
  assert.equal(await policyAndNiceOfHook({ normalize: () => null }), { policy: 2, nice: -5 });
});

test("when the child cannot be put at normal priority it is killed before the gate lets the hook run", async () => {
  const { h, logged } = hooks([{ command: recorder("r3"), events: ["role"], timeout: 5000 }], {
    normalize: () => "EPERM",
  });
  h.notify(event("role"));
  await h.idle();
  assert.not.ok(existsSync(join(dir, "r3.env")), "the hook never ran");
  assert.match(logged[0]?.message ?? "", /not run: cannot drop it to normal priority \(EPERM\)/);
});

test(`per hook at most ${MAX_RUNNING} runs at once and ${MAX_QUEUED} waiting: the oldest waiting is dropped, once logged`, async () => {
  const release: (() => void)[] = [];
  const started: number[] = [];
  const run = (_argv: string[], o: { input?: string }): Promise<ProcessResult> => {
    started.push(JSON.parse(o.input?.split("\n")[1] ?? "{}").sequence);
    return new Promise((resolve) =>
      release.push(() =>
        resolve({
          exitCode: 0,
          signal: null,
          stdout: "",
          stderr: "",
          truncated: false,
          killed: false,
          timedOut: false,
          ms: 1,
        }),
      ),
    );
  };
  const { h, logged } = hooks([{ command: "/bin/true", events: ["link-up"], timeout: 5000 }], {
    run,
    normalize: () => null,
  });
  for (let i = 0; i < MAX_RUNNING + MAX_QUEUED + 3; i++) h.notify(event("link-up"));
  assert.equal(started, [1, 2]);
  assert.is(h.busy(), MAX_RUNNING + MAX_QUEUED);
  assert.equal(
    logged.map((l) => l.event),
    ["notify-dropped"],
  );
  assert.match(logged[0]?.message ?? "", /dropped the oldest \(link-up\), 1 dropped so far/);
  while (release.length > 0) {
    (release.shift() as () => void)();
    await Bun.sleep(0);
  }
  await h.idle();
  assert.equal(started.slice(0, 3), [1, 2, 6], "events 3, 4 and 5 were the oldest waiting: dropped");
  assert.is(started.length, MAX_RUNNING + MAX_QUEUED);
});

test("a background child the hook leaves in its group ends when the hook exits, not later", async () => {
  const pids = join(dir, "left.pid");
  const p = script("leaves-child", `sleep 300 </dev/null >/dev/null 2>&1 &\necho $! >> ${pids}\nexit 0`);
  const { h, logged } = hooks([{ command: p, events: ["link-down"], timeout: 5000 }]);
  h.notify(event("link-down"));
  await h.idle();
  const child = Number(readFileSync(pids, "utf8").trim());
  const alive = isAlive(child);
  if (alive) process.kill(child, "SIGKILL");
  assert.not.ok(alive, "the hook's background child outlived its run");
  assert.ok(
    logged.some((l) => l.event === "notify-done"),
    JSON.stringify(logged),
  );
});

test("a hook file others could rewrite is not run: writable by others, owned by another user, in an open directory", async () => {
  const ran = join(dir, "ran");
  const writable = script("open-hook", `touch ${ran}`);
  chmodSync(writable, 0o777);
  const foreign = script("foreign-hook", `touch ${ran}`);
  chownSync(foreign, 65534, 65534);
  const openDir = join(dir, "open-dir");
  mkdirSync(openDir);
  chmodSync(openDir, 0o777);
  const inOpenDir = join(openDir, "hook");
  writeFileSync(
    inOpenDir,
    `#!/bin/sh
touch ${ran}
`,
    { mode: 0o755 },
  );
  const table: [string, RegExp][] = [
    [writable, /mode is 0777, writable by others/],
    [foreign, /owned by uid 65534/],
    [inOpenDir, /its directory .*open-dir has mode 0777/],
  ];
  for (const [command, why] of table) {
    assert.match(hookFileProblem(command) ?? "", why, command);
    const { h, logged } = hooks([{ command, events: ["role"], timeout: 2000 }]);
    h.notify(event("role"));
    await h.idle();
    assert.ok(
      logged.some((l) => l.event === "notify-failed" && why.test(l.message)),
      JSON.stringify(logged),
    );
  }
  assert.not.ok(existsSync(ran), "an unsafe hook ran");
  assert.is(hookFileProblem(recorder("safe")), null, "a root-owned 0755 hook in a private directory is fine");
});

test.run();
