// Which file systems a switchover makes unwritable before STOPPED, and in what order: pure, by table, from
// mountinfo lines and sysfs facts (partitions and device-mapper slaves lead to the whole disks).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type BlockDevice, disksOf, freezePlan, lookup, type MountFacts } from "../../src/agent/freeze-plan.ts";
import type { Held } from "../../src/agent/resources/resource.ts";
import { type MountLine, parseMountinfo } from "../../src/agent/resources/mountinfo.ts";

const m = (
  id: number,
  parent: number,
  devno: string,
  point: string,
  source: string,
  fstype = "ext4",
  readOnly = false,
): MountLine => ({ id, parent, devno, point, fstype, source, readOnly });
const disk = (name: string, devno: string): BlockDevice => ({ name, devno, partOf: null, slaves: [] });
const part = (name: string, devno: string, of: string): BlockDevice => ({ name, devno, partOf: of, slaves: [] });
const dm = (name: string, devno: string, slaves: string[]): BlockDevice => ({ name, devno, partOf: null, slaves });

/** A node booted from vda: root, /boot, /boot/efi (vfat) and /var (LVM on vda4) there; /home on a local disk sda. */
const BLOCKS = [
  disk("vda", "254:0"),
  part("vda1", "254:1", "vda"),
  part("vda2", "254:2", "vda"),
  part("vda3", "254:3", "vda"),
  part("vda4", "254:4", "vda"),
  dm("dm-0", "253:0", ["vda4"]),
  disk("vdb", "254:16"),
  disk("sda", "8:0"),
  part("sda1", "8:1", "sda"),
  disk("sdc", "8:32"),
  part("sdc1", "8:33", "sdc"),
  part("sdc2", "8:34", "sdc"),
];
const MOUNTS = [
  m(20, 1, "254:1", "/", "/dev/vda1"),
  m(21, 20, "0:21", "/proc", "proc", "proc"),
  m(22, 20, "0:22", "/run", "tmpfs", "tmpfs"),
  m(23, 20, "254:2", "/boot", "/dev/vda2"),
  m(24, 23, "254:3", "/boot/efi", "/dev/vda3", "vfat"),
  m(25, 20, "253:0", "/var", "/dev/mapper/vg-var", "xfs"),
  m(26, 20, "8:1", "/home", "/dev/sda1"),
  m(27, 20, "254:1", "/srv/bind-of-root", "/dev/vda1"),
];
const facts = (over: Partial<MountFacts> = {}): MountFacts => ({
  mounts: MOUNTS,
  blocks: BLOCKS,
  shared: [{ devno: "254:16", what: "the heartbeat area" }],
  rootShared: true,
  ...over,
});
const targets = (f: MountFacts, held: Held[] = []) => freezePlan(held, f).freeze.map((s) => s.target);

test("mountinfo lines: ids, device number, mount point unescaped, type, source; the super block's ro counts", () => {
  const text = [
    "27 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw,errors=remount-ro",
    "40 27 254:3 / /boot/efi rw,relatime shared:20 - vfat /dev/vda3 rw,fmask=0022",
    "41 27 7:0 / /mnt/my\\040disk rw master:3 - ext4 /dev/loop0 ro",
    "42 27 0:50 / /srv ro,relatime - tmpfs tmpfs rw,size=1024k",
    "garbage",
    "",
  ].join("\n");
  assert.equal(parseMountinfo(text), [
    m(27, 1, "254:1", "/", "/dev/vda1"),
    m(40, 27, "254:3", "/boot/efi", "/dev/vda3", "vfat"),
    m(41, 27, "7:0", "/mnt/my disk", "/dev/loop0", "ext4", true),
    m(42, 27, "0:50", "/srv", "tmpfs", "tmpfs", false),
  ]);
});

test("the whole disks under a device: a disk itself, a partition's disk, a dm device's slaves' disks, nothing for no block device", () => {
  const blocks = [
    ...BLOCKS,
    dm("dm-1", "253:1", ["vda4", "sdc2"]),
    dm("dm-2", "253:2", ["dm-1"]),
    disk("nvme0n1", "259:0"),
    part("nvme0n1p2", "259:2", "nvme0n1"),
  ];
  const rows: [string, string[]][] = [
    ["254:0", ["vda"]],
    ["254:2", ["vda"]],
    ["253:0", ["vda"]],
    ["253:1", ["sdc", "vda"]],
    ["253:2", ["sdc", "vda"]],
    ["259:2", ["nvme0n1"]],
    ["0:22", []],
    ["9:9", []],
  ];
  for (const [devno, want] of rows) assert.equal(disksOf(devno, blocks), want, devno);
});

test("path lookup: the mount a path ends in; one mounted over a mount point or over a parent folder hides what is below", () => {
  const mounts = [
    m(1, 0, "254:1", "/", "/dev/vda1"),
    m(2, 1, "254:2", "/mnt/a", "/dev/vda2"),
    m(3, 1, "254:3", "/mnt/a/b", "/dev/vda3"),
    m(4, 2, "0:40", "/mnt/a", "tmpfs", "tmpfs"),
    m(5, 1, "254:4", "/srv", "/dev/vda4"),
  ];
  const rows: [string, number | null][] = [
    ["/", 1],
    ["/etc", 1],
    ["/mnt/a", 4],
    ["/mnt/a/b", 4],
    ["/srv/x", 5],
    ["/srvx", 1],
  ];
  for (const [path, want] of rows) assert.is(lookup(mounts, path)?.id ?? null, want, path);
  assert.is(lookup([], "/"), null);
});

test("every file system on the shared disks, deepest first; the root's left to the caller, other disks and pseudo file systems left alone", () => {
  const plan = freezePlan([], facts());
  assert.equal(plan.freeze, [
    { target: "/boot/efi", what: "/boot/efi: vfat /dev/vda3 (shared disk vda)" },
    { target: "/var", what: "/var: xfs /dev/mapper/vg-var (shared disk vda)" },
    { target: "/boot", what: "/boot: ext4 /dev/vda2 (shared disk vda)" },
  ]);
  assert.equal(plan.refuse, []);
  assert.equal(plan.disks, ["vda", "vdb"]);
});

test("which disks are shared comes from the devices, not from names", () => {
  const rows: [string, Partial<MountFacts>, string[]][] = [
    ["host mode: the root's disk is not shared, nothing else is on the heartbeat disk", { rootShared: false }, []],
    [
      "host mode, the heartbeat area on the root's disk (vda2)",
      { rootShared: false, shared: [{ devno: "254:2", what: "the heartbeat area" }] },
      ["/boot/efi", "/var", "/boot"],
    ],
    [
      "a mount resource's device on sdc: sdc's other partition is shared too",
      {
        rootShared: false,
        shared: [{ devno: "8:34", what: "mount resource data" }],
        mounts: [...MOUNTS, m(30, 20, "8:33", "/srv/archive", "/dev/sdc1")],
      },
      ["/srv/archive"],
    ],
    [
      "the heartbeat area on sda: /home is frozen too",
      { shared: [{ devno: "8:0", what: "the heartbeat area" }] },
      ["/boot/efi", "/home", "/var", "/boot"],
    ],
  ];
  for (const [name, over, want] of rows) assert.equal(targets(facts(over)), want, name);
});

test("a shared device whose disk cannot be told refuses: the root's or the heartbeat area's, not a root with no device", () => {
  assert.equal(freezePlan([], facts({ blocks: [] })).refuse, [
    "cannot tell which disk holds the heartbeat area: device 254:16 is not in /sys/class/block",
    "cannot tell which disk holds the root file system (/dev/vda1): device 254:1 is not in /sys/class/block",
  ]);
  assert.equal(
    freezePlan([], facts({ rootShared: false, shared: [], blocks: [] })).refuse,
    [],
    "host mode with no shared device: nothing to tell",
  );
  const nfsRoot = [m(1, 0, "0:40", "/", "server:/root", "nfs4"), m(2, 1, "254:2", "/boot", "/dev/vda2")];
  assert.equal(freezePlan([], facts({ mounts: nfsRoot, shared: [] })), { freeze: [], refuse: [], disks: [] });
});

test("each file system once: a bind mount of /boot is not frozen twice, a read-only one not at all", () => {
  const mounts = [
    ...MOUNTS,
    m(30, 20, "254:2", "/mnt/boot-again", "/dev/vda2"),
    m(31, 20, "254:5", "/mnt/ro", "/dev/vda5", "ext4", true),
  ];
  const blocks = [...BLOCKS, part("vda5", "254:5", "vda")];
  assert.equal(targets(facts({ mounts, blocks })), ["/boot/efi", "/var", "/boot"]);
});

test("a shared file system that only a hidden mount reaches refuses; one reachable through any of its mounts does not", () => {
  const hidden = [...MOUNTS, m(30, 20, "254:5", "/mnt/data", "/dev/vda5"), m(31, 20, "0:60", "/mnt", "tmpfs", "tmpfs")];
  const blocks = [...BLOCKS, part("vda5", "254:5", "vda")];
  const plan = freezePlan([], facts({ mounts: hidden, blocks }));
  assert.equal(plan.refuse, [
    "/mnt/data: ext4 /dev/vda5 (shared disk vda) is hidden under tmpfs on /mnt: no path reaches it to freeze it",
  ]);
  const alsoBound = [...hidden, m(32, 20, "254:5", "/srv/data", "/dev/vda5")];
  const ok = freezePlan([], facts({ mounts: alsoBound, blocks }));
  assert.equal(ok.refuse, []);
  assert.ok(
    ok.freeze.some((s) => s.target === "/srv/data"),
    "frozen through the mount a path reaches",
  );
});

test("held [[resource]] mounts join the same order, each file system once; a stuck one refuses", () => {
  const mounts = [...MOUNTS, m(30, 23, "8:33", "/boot/data", "/dev/sdc1")];
  const held: Held[] = [
    { state: "held", target: "/boot/data", detail: "data: /dev/sdc1 still mounted on /boot/data" },
    { state: "held", target: "/boot", detail: "boot: /dev/vda2 still mounted on /boot" },
  ];
  const plan = freezePlan(held, facts({ mounts }));
  assert.equal(plan.freeze, [
    { target: "/boot/data", what: "data: /dev/sdc1 still mounted on /boot/data" },
    { target: "/boot/efi", what: "/boot/efi: vfat /dev/vda3 (shared disk vda)" },
    { target: "/var", what: "/var: xfs /dev/mapper/vg-var (shared disk vda)" },
    { target: "/boot", what: "boot: /dev/vda2 still mounted on /boot" },
  ]);
  assert.equal(freezePlan([{ state: "stuck", detail: "x buried" }], facts()).refuse, ["x buried"]);
});

test.run();
