// Stopping the services for a switchover: each plugin's stop (last first) gets its parameters with the defaults
// filled in, as monitor does (the systemd plugin's stop ran "" for want of its default systemctl).
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { MonitorConfig } from "../../src/config/types.ts";
import { Logger } from "../../src/log/logger.ts";
import { stopServices } from "../../src/agent/stop-services.ts";
import { definePlugin, type Params } from "../../src/monitor/api.ts";
import systemd from "../../src/monitor/builtin/systemd.ts";

const cfg = (name: string, params: Params): MonitorConfig => ({
  name,
  plugin: "x",
  interval: 1000,
  timeout: 500,
  rise: 1,
  fall: 1,
  max_restarts: 1,
  restart_window: 1000,
  on_fail: "restart",
  params,
});

test("stop and start get the defaults filled in, and stop runs the last monitor first", async () => {
  const seen: string[] = [];
  const plugin = (tag: string) =>
    definePlugin({
      meta: {
        name: tag,
        description: "t",
        parameters: {
          bin: { type: "string", default: "/bin/true", doc: "d" },
          n: { type: "int", default: 3, doc: "d" },
        },
      },
      validate: () => [],
      monitor: async () => ({ result: "running", reason: "x" }),
      stop: async (ctx) => (
        seen.push(`stop ${tag} ${ctx.params.bin} ${ctx.params.n}`), { result: "not-running", reason: "stopped" }
      ),
      start: async (ctx) => (seen.push(`start ${tag} ${ctx.params.bin}`), { result: "running", reason: "started" }),
    });
  const specs = [
    { config: cfg("one", {}), plugin: plugin("one") },
    { config: cfg("two", { n: 9 }), plugin: plugin("two") },
  ];
  const log = new Logger("a", []);
  await stopServices(specs, log);
  await stopServices(specs, log, "start");
  assert.equal(seen, ["stop two /bin/true 9", "stop one /bin/true 3", "start one /bin/true", "start two /bin/true"]);
});

test("the systemd plugin's stop runs systemctl (its default), not an empty command", async () => {
  const events: string[] = [];
  const log = new Logger("a", [(e) => void events.push(`${e.event}: ${e.message}`)]);
  await stopServices([{ config: cfg("web", { unit: "clusterguard-test-nonexistent.service" }), plugin: systemd }], log);
  const line = events.find((e) => e.startsWith("monitor-stop"));
  assert.ok(line, events.join("\n"));
  assert.not.match(line!, /no command given/);
  assert.match(line!, /systemctl stop clusterguard-test-nonexistent\.service/);
});

test.run();
