// rd.clusterguard switches the guard off for exactly the same words in the guard, the systemd unit and the dracut
// hook: read from the shipped files, so the three cannot drift apart again.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { splitCmdline } from "../../src/node/kernel-args.ts";
import { GUARD_OFF_VALUES, parseKernelArgs } from "../../src/node/kernel-args.ts";

const MODULE = join(import.meta.dir, "..", "..", "dracut-module", "90clusterguard");
const read = (name: string) => readFileSync(join(MODULE, name), "utf8");

/** Command lines and whether the guard runs: off only for the exact words rd.clusterguard=0, =no, =off, anywhere. */
const SPELLINGS: [string, boolean][] = [
  ["root=/dev/vda1", true],
  ["rd.clusterguard", true],
  ["rd.clusterguard=", true],
  ["rd.clusterguard=1", true],
  ["rd.clusterguard=yes", true],
  ["rd.clusterguard=on", true],
  ["rd.clusterguard=true", true],
  ["rd.clusterguard=0", false],
  ["rd.clusterguard=no", false],
  ["rd.clusterguard=off", false],
  ["quiet rd.clusterguard=off ro", false],
  // Not off spellings: dracut's getargbool and systemd's exact-word match both leave the guard on.
  ["rd.clusterguard=false", true],
  ["rd.clusterguard=OFF", true],
  ["rd.clusterguard=No", true],
  ["rd.clusterguard=00", true],
  ["rd.clusterguard=disabled", true],
  ["rd.clusterguard.node=0", true],
  ["xrd.clusterguard=0", true],
  // systemd's condition matches any occurrence, so an off word anywhere wins, whatever comes after it.
  ["rd.clusterguard=0 rd.clusterguard=1", false],
  ["rd.clusterguard=1 rd.clusterguard=no", false],
];

test("the guard's parser: a table over the spellings", () => {
  for (const [cmdline, runs] of SPELLINGS) assert.is(parseKernelArgs(cmdline).enabled, runs, cmdline);
});

test("the off values are exactly dracut's getargbool false values, matched case-sensitively", () => {
  assert.equal([...GUARD_OFF_VALUES].sort(), ["0", "no", "off"]);
});

/** Whether systemd starts a unit with these ConditionKernelCommandLine= lines (systemd.unit(5) semantics). */
function unitRuns(conditions: string[], cmdline: string): boolean {
  const words = splitCmdline(cmdline);
  const results = conditions.map((raw) => {
    const trigger = raw.startsWith("|");
    let arg = trigger ? raw.slice(1) : raw;
    const negate = arg.startsWith("!");
    if (negate) arg = arg.slice(1);
    // An assignment matches the exact word; a bare word matches itself or as the left side of an assignment.
    const found = arg.includes("=") ? words.includes(arg) : words.some((w) => w === arg || w.startsWith(`${arg}=`));
    return { trigger, ok: found !== negate };
  });
  const triggers = results.filter((r) => r.trigger);
  return results.filter((r) => !r.trigger).every((r) => r.ok) && (triggers.length === 0 || triggers.some((r) => r.ok));
}

test("the systemd unit's ConditionKernelCommandLine lines skip the unit for exactly the words the guard treats as off", () => {
  const conditions = [...read("clusterguard-guard.service").matchAll(/^ConditionKernelCommandLine=(.*)$/gm)].map((m) =>
    m[1]!.trim(),
  );
  assert.ok(conditions.length > 0, "the unit has no ConditionKernelCommandLine");
  for (const [cmdline] of SPELLINGS) {
    assert.is(unitRuns(conditions, cmdline), parseKernelArgs(cmdline).enabled, `unit vs guard for: ${cmdline}`);
  }
});

test("the dracut hook's test skips the guard for exactly the words the guard treats as off", () => {
  for (const [cmdline] of SPELLINGS) {
    const r = spawnSync(
      "bash",
      [
        "-c",
        '. "$1" && if clusterguard_off "$2"; then echo off; else echo on; fi',
        "_",
        join(MODULE, "clusterguard-lib.sh"),
        cmdline,
      ],
      { encoding: "utf8" },
    );
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout.trim(), parseKernelArgs(cmdline).enabled ? "on" : "off", `hook vs guard for: ${cmdline}`);
  }
});

test("the shipped hook and module use that test, and nothing else decides the switch", () => {
  const hook = read("clusterguard-pre-mount.sh");
  assert.match(hook, /clusterguard_off "\$\(cat \/proc\/cmdline\)"/);
  assert.not.match(hook, /getarg(bool)? [^\n]*rd\.clusterguard\b(?!\.)/);
  assert.not.match(read("guard-initrd.sh"), /getarg(bool)? [^\n]*rd\.clusterguard\b(?!\.)/);
  assert.match(read("module-setup.sh"), /clusterguard-lib\.sh/);
});

test("the launcher never takes exit 0 without ACTIVE as success: the root would never be mounted", () => {
  assert.not.match(read("guard-initrd.sh"), /"\$rc" -eq 0 \] && exit 0/);
});

test.run();
