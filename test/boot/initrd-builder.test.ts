// Which initrd builder `initrd regenerate` uses: --kind initramfs-tools or a dracut kind names it; --kind auto picks
// the system's own, initramfs-tools only where mkinitramfs is installed and dracut is not.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pickBuilder } from "../../src/boot/regenerate.ts";

/** A tree holding executables at `paths` (relative to it). */
function tree(...paths: string[]): string {
  const root = mkdtempSync("/tmp/cg-builder-");
  for (const p of paths) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), "#!/bin/sh\n", { mode: 0o755 });
  }
  return root;
}

const roots: string[] = [];
const at = (...paths: string[]) => {
  const r = tree(...paths);
  roots.push(r);
  return r;
};
test.after(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

test("auto: initramfs-tools where mkinitramfs is installed and dracut is not, with the reason", () => {
  assert.equal(pickBuilder("auto", at("usr/sbin/mkinitramfs")), {
    builder: "initramfs-tools",
    why: "--kind auto: mkinitramfs is installed and dracut is not",
  });
});

test("auto: dracut where both are installed (dracut-core beside initramfs-tools), or only dracut", () => {
  for (const root of [at("usr/sbin/mkinitramfs", "usr/bin/dracut"), at("usr/bin/dracut")])
    assert.equal(pickBuilder("auto", root), { builder: "dracut", why: "--kind auto: dracut is installed" });
});

test("auto with neither: dracut, and regenerate then names dracut as what is missing", () => {
  assert.equal(pickBuilder("auto", at()), {
    builder: "dracut",
    why: "--kind auto: neither dracut nor mkinitramfs is installed",
  });
});

test("an explicit kind wins over what is installed", () => {
  const both = at("usr/sbin/mkinitramfs", "usr/bin/dracut");
  assert.is(pickBuilder("initramfs-tools", both).builder, "initramfs-tools");
  assert.is(pickBuilder("initramfs-tools", at()).builder, "initramfs-tools");
  for (const kind of ["shell", "systemd"] as const)
    assert.is(pickBuilder(kind, at("usr/sbin/mkinitramfs")).builder, "dracut", kind);
});

test("a mkinitramfs that is not executable does not count", () => {
  const root = at();
  mkdirSync(join(root, "usr/sbin"), { recursive: true });
  writeFileSync(join(root, "usr/sbin/mkinitramfs"), "", { mode: 0o644 });
  assert.is(pickBuilder("auto", root).builder, "dracut");
});

test.run();
