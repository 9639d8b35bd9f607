// systemd-boot's per-machine default (src/boot/efi-default.ts) against a fake efivarfs directory and an injected
// bootctl: this test machine boots without UEFI, so neither /sys/firmware/efi/efivars nor a working bootctl exists
// here. The variable files are written in efivarfs's format: 4 bytes of attributes, then the UTF-16LE value.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Efi,
  forgetMachineEntry,
  LOADER_GUID,
  machineEntries,
  readLoaderVariable,
  setMachineEntry,
  setMachineTimeout,
} from "../../src/boot/efi-default.ts";

/** Every folder this file makes, removed at the end. */
const tmp = mkdtempSync(join(tmpdir(), "cg-efi-default-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

function efivars(vars: Record<string, string>): string {
  const dir = mkdtempSync(join(tmp, "efivars-"));
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
  assert.equal(machineEntries(dir), { default: "clusterguard-a.conf", oneshot: "clusterguard-b.conf", timeout: null });
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

test("a machine gets its own menu timeout once; removing its default's entry unsets both", async () => {
  const fresh = efi(efivars({ LoaderEntryDefault: "clusterguard-a.conf" }));
  assert.match(
    (await setMachineTimeout("3", fresh))[0] ?? "",
    /^bootctl set-timeout 3: THIS machine boots its default by itself/,
  );
  assert.equal(fresh.calls, [["set-timeout", "3"]]);
  const has = efi(efivars({ LoaderEntryDefault: "clusterguard-a.conf", LoaderConfigTimeout: "5" }));
  assert.equal(await setMachineTimeout("3", has), [
    "this machine's NVRAM already has its menu timeout (LoaderConfigTimeout 5): kept",
  ]);
  assert.equal(has.calls, []);
  assert.equal(await forgetMachineEntry("a", has), [
    'bootctl set-default "": this machine\'s NVRAM no longer names clusterguard-a.conf',
    'bootctl set-timeout "": this machine\'s NVRAM no longer has the menu timeout that came with it',
  ]);
  assert.equal(has.calls, [
    ["set-default", ""],
    ["set-timeout", ""],
  ]);
  // Another node's default keeps its timeout.
  const other = efi(efivars({ LoaderEntryDefault: "clusterguard-b.conf", LoaderConfigTimeout: "5" }));
  assert.equal(await forgetMachineEntry("a", other), []);
  const broken = efi(efivars({}), true);
  try {
    await setMachineTimeout("3", broken);
    assert.unreachable("a machine left without a timeout must be said");
  } catch (e) {
    assert.match((e as Error).message, "bootctl set-timeout 3 failed (bootctl is not installed)");
  }
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
