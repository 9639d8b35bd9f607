// systemd-boot's per-machine default (src/boot/efi-default.ts) against a fake efivarfs directory and an injected
// bootctl: this test machine boots without UEFI, so neither /sys/firmware/efi/efivars nor a working bootctl exists
// here. The variable files are written in efivarfs's format: 4 bytes of attributes, then the UTF-16LE value.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Efi,
  forgetMachineEntry,
  LOADER_GUID,
  machineEntries,
  readLoaderVariable,
  setMachineEntry,
} from "../../src/boot/efi-default.ts";

function efivars(vars: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "cg-efivars-"));
  for (const [name, value] of Object.entries(vars))
    writeFileSync(
      join(dir, `${name}-${LOADER_GUID}`),
      Buffer.concat([Buffer.from([7, 0, 0, 0]), Buffer.from(`${value}\0`, "utf16le")]),
    );
  return dir;
}

/** An Efi whose bootctl records its calls and succeeds (or is missing with `missing`). */
function efi(dir: string, missing = false): Efi & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    dir,
    calls,
    bootctl: async (args) => {
      if (missing) return null;
      calls.push(args);
      return { exitCode: 0, output: "" };
    },
  };
}

test("the loader variables are read from efivarfs's format; no efivars directory means unknown", () => {
  const dir = efivars({ LoaderEntryDefault: "clusterguard-a.conf", LoaderEntryOneShot: "clusterguard-b.conf" });
  assert.is(readLoaderVariable("LoaderEntryDefault", dir), "clusterguard-a.conf");
  assert.is(readLoaderVariable("LoaderInfo", dir), null);
  assert.equal(machineEntries(dir), { default: "clusterguard-a.conf", oneshot: "clusterguard-b.conf" });
  assert.is(machineEntries(join(dir, "absent")), null);
});

test("removing a node's entry unsets only the variables of this machine that name it", async () => {
  const dir = efivars({ LoaderEntryDefault: "clusterguard-a.conf", LoaderEntryOneShot: "debian.conf" });
  const e = efi(dir);
  assert.equal(await forgetMachineEntry("b", e), []);
  assert.equal(e.calls, []);
  assert.equal(await forgetMachineEntry("a", e), [
    'bootctl set-default "": this machine\'s NVRAM no longer names clusterguard-a.conf',
  ]);
  assert.equal(e.calls, [["set-default", ""]]);
  const missing = await forgetMachineEntry("a", efi(dir, true));
  assert.equal(missing, ['this machine\'s NVRAM still names clusterguard-a.conf: run `bootctl set-default ""`']);
});

test("setting the default notes a machine that systemd-boot did not start (no LoaderInfo)", async () => {
  const grubBooted = efi(efivars({}));
  const lines = await setMachineEntry("a", false, grubBooted);
  assert.equal(grubBooted.calls, [["set-default", "clusterguard-a.conf"]]);
  assert.is(lines.length, 2);
  assert.match(lines[1] ?? "", /not started by systemd-boot \(no LoaderInfo EFI variable\)/);
  const sdBooted = efi(efivars({ LoaderInfo: "systemd-boot 252" }));
  assert.is((await setMachineEntry("a", true, sdBooted)).length, 1);
  assert.equal(sdBooted.calls, [["set-oneshot", "clusterguard-a.conf"]]);
});

test.run();
