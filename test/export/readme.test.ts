// The README's "When you outgrow two nodes" stays true: it is there, it names the files the export writes, every
// fence type and resource type, and the detection figures it compares.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fixture } from "../config/helpers.ts";
import { exported } from "./helpers.ts";

const readme = readFileSync(join(import.meta.dir, "..", "..", "README.md"), "utf8");
const start = readme.indexOf("## When you outgrow two nodes");
const section = readme.slice(start, readme.indexOf("\n## ", start + 1)).replace(/\n/g, " ");

test("the README has the section, with what Pacemaker gives and costs and the detection figures", () => {
  assert.ok(start > 0, "the section is there");
  for (const s of [
    "more nodes",
    "resources on several nodes at once",
    "quorum",
    "no pre-mount parking",
    "a larger stack",
  ])
    assert.ok(section.includes(s), s);
  assert.ok(section.includes("Corosync's token timeout of 3000 ms gave 6.1 s detection on this machine"));
  assert.ok(section.includes("bench/corosync-detection.sh"));
  assert.ok(section.includes("clusterguard export pacemaker [--config FILE] [--out DIR]"));
});

test("it names every file the export writes, every fence type and every resource type", () => {
  for (const f of Object.keys(exported(fixture("export-all.toml")).files)) assert.ok(section.includes(`\`${f}\``), f);
  for (const t of ["ipmi", "redfish", "poison-pill", "qmp", "peer-request", "ip", "mount", "unit"])
    assert.ok(section.includes(`\`${t}\``), t);
  for (const a of ["fence_ipmilan", "fence_redfish", "fence_sbd", "fence_virsh", "IPaddr2", "Filesystem", "systemd:"])
    assert.ok(section.includes(a), a);
});

test.run();
