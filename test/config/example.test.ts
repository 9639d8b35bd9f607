// examples/clusterguard.toml, shipped in the package and printed in clusterguard.toml(5): valid, without a warning,
// and the keys it sets mean what its comments say.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { resolve } from "node:path";
import { formatConfigError, loadConfig } from "../../src/config/load.ts";
import { checkConfigSecrets } from "../../src/config/secrets.ts";

const EXAMPLE = resolve(import.meta.dir, "../../examples/clusterguard.toml");

test("the example validates with no error and no warning, and names no secret file that would need to exist", () => {
  const r = loadConfig(EXAMPLE);
  assert.ok(r.ok, r.ok ? "" : r.errors.map(formatConfigError).join("\n"));
  if (!r.ok) return;
  assert.equal(r.warnings, []);
  assert.equal(checkConfigSecrets(r.config, 0), []);
  assert.equal(
    r.config.node.map((n) => [n.name, n.priority, n.disk_slot]),
    [
      ["alpha", 200, 0],
      ["beta", 100, 1],
    ],
  );
  assert.equal(r.config.timers, {
    keepalive: 200,
    warntime: 2000,
    deadtime: 5000,
    initdead: 10000,
    handoff_grace: 15000,
  });
  assert.ok(r.config.channels.serial.enabled && r.config.channels.udp.enabled && r.config.channels.disk.enabled);
  assert.equal(
    r.config.resource.map((x) => x.name),
    ["ip 10.0.0.50/24", "nginx.service"],
  );
});

test.run();
