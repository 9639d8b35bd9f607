// The ocf built-in against a real shell OCF agent (test/fixtures/monitor/ocf/resource.d/cgtest/Dummy) and its state file.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Params } from "../../src/monitor/api.ts";
import ocf from "../../src/monitor/builtin/ocf.ts";
import { ocfAgentPath, ocfEnv } from "../../src/monitor/builtin/ocf.ts";
import { makeContext } from "../../src/monitor/operation.ts";
import { withDefaults } from "../../src/monitor/contract.ts";
import type { Escalation } from "../../src/monitor/status.ts";
import { MonitorRunner } from "../../src/monitor/runner.ts";
import { monitorConfig, FIXTURES } from "./helpers.ts";

const ROOT = join(FIXTURES, "ocf");
const dir = mkdtempSync(join(tmpdir(), "cg-mon-ocf-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const state = join(dir, "state");
const log = join(dir, "calls.log");
const params: Params = withDefaults(ocf.meta, {
  agent: "cgtest/Dummy",
  ocf_root: ROOT,
  state,
  log,
  greeting: "hello world",
});
const ctx = (p: Params = params, timeout = 5000) => makeContext("web-dummy", p, new AbortController().signal, timeout);
const setState = (word: string | null) =>
  word === null ? rmSync(state, { force: true }) : writeFileSync(state, `${word}\n`);

test("the agent path and environment follow the OCF conventions", () => {
  assert.is(ocfAgentPath("/usr/lib/ocf/", "heartbeat/IPaddr2"), "/usr/lib/ocf/resource.d/heartbeat/IPaddr2");
  const env = ocfEnv(
    "/usr/lib/ocf",
    "heartbeat/IPaddr2",
    "vip",
    { agent: "heartbeat/IPaddr2", ocf_root: "/usr/lib/ocf", ip: "10.0.0.5", cidr_netmask: 24, lvs: false },
    20000,
  );
  assert.equal(env, {
    OCF_ROOT: "/usr/lib/ocf",
    OCF_RA_VERSION_MAJOR: "1",
    OCF_RA_VERSION_MINOR: "1",
    OCF_RESOURCE_INSTANCE: "vip",
    OCF_RESOURCE_PROVIDER: "heartbeat",
    OCF_RESOURCE_TYPE: "IPaddr2",
    OCF_RESKEY_CRM_meta_timeout: "20000",
    OCF_RESKEY_ip: "10.0.0.5",
    OCF_RESKEY_cidr_netmask: "24",
    OCF_RESKEY_lvs: "false",
  });
});

test("monitor exit codes 0, 7, 1, 5, 6 become running, not-running, soft, hard, fatal", async () => {
  const table: [string | null, string, RegExp][] = [
    ["running", "running", /cgtest\/Dummy monitor: OCF_SUCCESS/],
    ["stopped", "not-running", /OCF_NOT_RUNNING/],
    [null, "not-running", /OCF_NOT_RUNNING/],
    ["error", "soft-error", /OCF_ERR_GENERIC: the service answers garbage/],
    ["notinstalled", "hard-error", /OCF_ERR_INSTALLED: binary missing/],
    ["unconfigured", "fatal", /OCF_ERR_CONFIGURED: no config/],
  ];
  for (const [word, kind, reason] of table) {
    setState(word);
    const r = await ocf.monitor(ctx());
    assert.is(r.result, kind, `${word}: ${r.reason}`);
    assert.match(r.reason, reason);
  }
});

test("the agent sees OCF_ROOT, OCF_RESOURCE_INSTANCE, the timeout and OCF_RESKEY_* for every other param", async () => {
  rmSync(log, { force: true });
  setState("running");
  await ocf.monitor(ctx(params, 7000));
  assert.is(readFileSync(log, "utf8"), `monitor instance=web-dummy root=${ROOT} greeting=hello world timeout=7000\n`);
});

test("recover is stop then start, as Pacemaker does; a failed stop does not start", async () => {
  rmSync(log, { force: true });
  setState("error");
  const r = await ocf.recover!(ctx());
  assert.is(r.result, "running", r.reason);
  assert.equal(
    readFileSync(log, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split(" ")[0]),
    ["stop", "start"],
  );
  assert.is((await ocf.monitor(ctx())).result, "running");
  rmSync(log, { force: true });
  setState("stuck");
  const stuck = await ocf.recover!(ctx());
  assert.is(stuck.result, "hard-error");
  assert.match(stuck.reason, /stop failed, not starting again: .*cannot stop/);
  assert.equal(
    readFileSync(log, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split(" ")[0]),
    ["stop"],
  );
});

test("start and stop run the agent's own actions", async () => {
  setState("stopped");
  assert.is((await ocf.start!(ctx())).result, "running");
  assert.is(readFileSync(state, "utf8"), "running\n");
  assert.is((await ocf.stop!(ctx())).result, "running", "OCF_SUCCESS");
  assert.is(readFileSync(state, "utf8"), "stopped\n");
});

test("validate runs validate-all and reports the agent's refusal; it checks the agent is installed", async () => {
  assert.equal(await ocf.validate(params, ctx()), []);
  const noState = withDefaults(ocf.meta, { agent: "cgtest/Dummy", ocf_root: ROOT });
  const refused = (await ocf.validate(noState, ctx(noState))) as string[];
  assert.equal(refused.length, 1);
  assert.match(
    refused[0]!,
    /cgtest\/Dummy validate-all rejected the parameters: .*OCF_ERR_CONFIGURED: state is required/,
  );
  const missing = withDefaults(ocf.meta, { agent: "cgtest/Nope", ocf_root: ROOT });
  assert.equal(await ocf.validate(missing, ctx(missing)), [
    `parameter agent = "cgtest/Nope": ${ROOT}/resource.d/cgtest/Nope is missing; expected an installed OCF resource agent`,
  ]);
  const bad = { agent: "IPaddr2", ocf_root: "lib/ocf", "check-url": "x" };
  assert.equal(await ocf.validate(bad, ctx(bad)), [
    'parameter agent = "IPaddr2": expected "provider/type", like "heartbeat/IPaddr2"',
    'parameter ocf_root = "lib/ocf": expected an absolute path',
    'parameter check-url = "x": cannot be passed as OCF_RESKEY_check-url; expected a name of letters, digits and _',
  ]);
});

test("validate-all's exit code maps like a monitor's: 5 not installed here is a hard error (fail over), 1 soft; only 6 is a problem", async () => {
  const notHere = { ...params, validate: "notinstalled" };
  const r = await ocf.validate(notHere, ctx(notHere));
  assert.equal(r, {
    result: "hard-error",
    reason: "cgtest/Dummy validate-all: OCF_ERR_INSTALLED: binary missing on this node",
  });
  const flaky = { ...params, validate: "error" };
  assert.equal(await ocf.validate(flaky, ctx(flaky)), {
    result: "soft-error",
    reason: "cgtest/Dummy validate-all: OCF_ERR_GENERIC: cannot check now",
  });
  setState("running");
  const escalations: Escalation[] = [];
  const runner = new MonitorRunner(
    [
      {
        config: monitorConfig({
          plugin: "ocf",
          timeout: 3000,
          params: { agent: "cgtest/Dummy", ocf_root: ROOT, state, validate: "notinstalled" },
        }),
        plugin: ocf,
      },
    ],
    { onEscalate: (e) => escalations.push(e) },
  );
  runner.start();
  for (let i = 0; i < 150 && escalations.length === 0; i++) await Bun.sleep(20);
  await runner.stop();
  assert.equal(
    escalations,
    [{ monitor: "svc", action: "failover", reason: "hard error: restarting on this node cannot help" }],
    "failover, not a stop waiting for an admin",
  );
  assert.is(
    runner.status()[0]?.history[0]?.reason,
    "validate: cgtest/Dummy validate-all: OCF_ERR_INSTALLED: binary missing on this node",
  );
});

test("a hung monitor is killed with its process group when the signal aborts", async () => {
  setState("hang");
  const abort = new AbortController();
  setTimeout(() => abort.abort(), 200);
  const r = await ocf.monitor(makeContext("web-dummy", params, abort.signal, 5000));
  assert.is(r.result, "soft-error");
  assert.match(r.reason, /killed \(aborted\)/);
  assert.ok(existsSync(state));
});

test.run();
