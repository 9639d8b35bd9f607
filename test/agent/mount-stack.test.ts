// Which mount at a target is a mount resource's own device, and what the stack there means: pure, by table.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { devno, udevEncode } from "../../src/agent/resources/mount-device.ts";
import type { DeviceId } from "../../src/agent/resources/mount-device.ts";
import { type Match, matchEntry, targetState } from "../../src/agent/resources/mount-stack.ts";

const e = (source: string, fstype = "ext4", dev = "8:17") => ({ source, fstype, devno: dev });
const BLOCK: DeviceId = { kind: "block", devno: "8:17", path: "/dev/sdb1" };
const backing = (d: string) => (d === "7:0" ? "/srv/images/data.img" : null);

test("a mount is the device by number, an image by its loop backing file, a name by source and type", () => {
  const rows: [ReturnType<typeof e>, DeviceId, string, Match][] = [
    [e("/dev/sdb1"), BLOCK, "auto", "ours"],
    [e("/dev/mapper/data", "ext4", "8:17"), BLOCK, "xfs", "ours"],
    [e("/dev/sdb1", "ext4", "8:18"), BLOCK, "auto", "other"],
    [e("/dev/loop0", "ext4", "7:0"), { kind: "image", file: "/srv/images/data.img" }, "auto", "ours"],
    [e("/dev/loop1", "ext4", "7:1"), { kind: "image", file: "/srv/images/data.img" }, "auto", "other"],
    [e("tmpfs", "tmpfs", "0:50"), { kind: "name", source: "tmpfs" }, "tmpfs", "ours"],
    [e("tmpfs", "tmpfs", "0:50"), { kind: "name", source: "tmpfs" }, "auto", "ours"],
    [e("tmpfs", "ramfs", "0:50"), { kind: "name", source: "tmpfs" }, "tmpfs", "other"],
    [e("nas:/export", "nfs4", "0:60"), { kind: "name", source: "nas:/export" }, "nfs", "ours"],
    [e("other", "tmpfs", "0:51"), { kind: "name", source: "tmpfs" }, "tmpfs", "other"],
    [e("/dev/sdb1"), { kind: "unresolved", why: "no link" }, "auto", "unknown"],
  ];
  for (const [entry, id, fstype, want] of rows)
    assert.is(matchEntry(entry, id, fstype, backing), want, `${entry.source} ${entry.devno} vs ${JSON.stringify(id)}`);
});

test("the stack at the target: empty, ours on top, ours buried, someone else's, or cannot tell", () => {
  const ours = { entry: e("/dev/sdb1"), match: "ours" as const };
  const other = { entry: e("/dev/sdc1", "xfs", "8:33"), match: "other" as const };
  const unknown = { entry: e("/dev/sdd1"), match: "unknown" as const };
  assert.equal(targetState([]), { kind: "empty" });
  assert.equal(targetState([ours]), { kind: "ours", top: ours.entry });
  assert.equal(targetState([other, ours]), { kind: "ours", top: ours.entry });
  assert.equal(targetState([ours, other]), { kind: "buried", top: other.entry });
  assert.equal(
    targetState([unknown, other]),
    { kind: "buried", top: other.entry },
    "a maybe-ours under another mount counts as buried",
  );
  assert.equal(targetState([other]), { kind: "other", top: other.entry });
  assert.equal(targetState([unknown], "LABEL=data: no link"), {
    kind: "unknown",
    top: unknown.entry,
    why: "LABEL=data: no link",
  });
});

test("device numbers split as glibc does; udev link names escape like udev", () => {
  assert.is(devno(0x0700), "7:0");
  assert.is(devno(0x0811), "8:17");
  assert.is(devno(0x10300), "259:0");
  assert.is(devno(0x100003), "0:259", "minor bits above the low 8 live from bit 20 up");
  assert.is(udevEncode("data x/1"), "data\\x20x\\x2f1");
  assert.is(udevEncode("Ab-1.2_3:4=5@6#7+8"), "Ab-1.2_3:4=5@6#7+8");
});

test.run();
