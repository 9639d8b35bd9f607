// What the guard and the agent are started with: MIMALLOC_PURGE_DELAY=-1, so the runtime's allocator runs no purge
// thread that would wake an idle guard. guard-initrd.sh runs for real with bash in a throwaway Debian 12 (the lab's
// base under an overlay) with a stand-in executable that records its environment; the agent's unit is read as
// systemd reads it (systemd-analyze cat-config would need it installed: its Environment= lines are parsed here).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { OverlayRoot } from "../helpers/overlay-root.ts";

const REPO = resolve(import.meta.dir, "../..");
const tmp = mkdtempSync(join(tmpdir(), "cg-guard-env-"));
let sys: OverlayRoot;
test.before(() => {
  sys = new OverlayRoot();
});
test.after(() => {
  sys?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

test("guard-initrd.sh starts the guard with MIMALLOC_PURGE_DELAY=-1", () => {
  const exe = join(tmp, "clusterguard");
  // Records what it was started with, then decides ACTIVE and exits (the launcher then stops: heartbeats ended).
  writeFileSync(
    exe,
    `#!/bin/bash\necho "purge=\${MIMALLOC_PURGE_DELAY-unset} args=$*" > /tmp/guard-env\nmkdir -p /run/clusterguard\n: > /run/clusterguard/active\nexit 0\n`,
  );
  chmodSync(exe, 0o755);
  const r = sys.run("timeout 20 /usr/lib/clusterguard/guard-initrd.sh > /dev/null 2>&1; cat /tmp/guard-env", [
    [join(REPO, "dracut-module/90clusterguard/guard-initrd.sh"), "/usr/lib/clusterguard/guard-initrd.sh"],
    [exe, "/usr/lib/clusterguard/clusterguard"],
  ]);
  assert.is(r.stdout.trim(), "purge=-1 args=guard --log-format=human", r.stderr);
});

test("the agent's unit sets MIMALLOC_PURGE_DELAY=-1 for its service", () => {
  const unit = readFileSync(join(REPO, "initrd/systemd/clusterguard-agent.service"), "utf8");
  const service = unit.slice(unit.indexOf("[Service]"));
  const env = [...service.matchAll(/^Environment=(.*)$/gm)].flatMap((m) => m[1]!.split(/\s+/));
  assert.ok(env.includes("MIMALLOC_PURGE_DELAY=-1"), env.join(" "));
});

test.run();
