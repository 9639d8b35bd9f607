// A lab VM's QEMU command line with and without its BMC: the BMC pieces are only appended, and only when asked for.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { bmcQemuArgs, LAB_MGMT } from "../../qemu/src/bmc.ts";
import type { BootSet } from "../../qemu/src/build.ts";
import { qemuArgv } from "../../qemu/src/qemu-argv.ts";

const boot: BootSet = {
  kernel: "/k",
  initrd: "/i",
  kver: "6.1",
  options: { a: "oa", b: "ob" },
  kind: "systemd",
  via: "kernel",
};

test("another node's entry on this machine: a direct boot of that entry, this machine's identity", () => {
  const argv = qemuArgv("b", { ...boot, via: "grub" }, "", undefined, "a");
  assert.match(argv[argv.indexOf("-append") + 1]!, /^oa /);
  assert.match(argv[argv.indexOf("-smbios") + 1]!, /uuid=6c61622d-6e6f-4465-8100-00000000000b/);
  assert.not.ok(argv.some((a) => a.includes("bootindex")));
});

test("without a BMC: no IPMI device, no tap, no management NIC", () => {
  for (const n of ["a", "b"] as const) {
    const argv = qemuArgv(n, boot, "x=1").join(" ");
    assert.not.match(argv, /ipmi|tap,|mgmt/);
    assert.equal(qemuArgv(n, boot, "x=1", undefined), qemuArgv(n, boot, "x=1"));
  }
});

test("with its BMC: the same command line, then the VM's own BMC and management NIC, ids not used before", () => {
  for (const [i, n] of (["a", "b"] as const).entries()) {
    const spec = LAB_MGMT.bmcs[i]!;
    assert.is(spec.node, n);
    const plain = qemuArgv(n, boot, "x=1");
    const withBmc = qemuArgv(n, boot, "x=1", spec);
    assert.equal(withBmc, [...plain, ...bmcQemuArgs(spec)]);
    assert.ok(withBmc.includes(`tap,id=mgmt,ifname=cgmgmt-${n},script=no,downscript=no`));
    for (const id of ["ipmi0", "bmc0", "mgmt"]) assert.not.match(plain.join(" "), new RegExp(`id=${id}\\b`));
  }
});

test("booted through GRUB: no -kernel, the root disk first, each machine its own SMBIOS UUID", () => {
  const grub: BootSet = { ...boot, via: "grub" };
  const [a, b] = [qemuArgv("a", grub), qemuArgv("b", grub)];
  for (const argv of [a, b]) {
    assert.not.ok(argv.includes("-kernel") || argv.includes("-append"), argv.join(" "));
    assert.ok(argv.includes("virtio-blk-pci,drive=root,share-rw=on,bootindex=0"));
  }
  const uuid = (argv: string[]) => /uuid=([0-9a-f-]+)/.exec(argv[argv.indexOf("-smbios") + 1] ?? "")?.[1];
  assert.ok(uuid(a) && uuid(b) && uuid(a) !== uuid(b), `${uuid(a)} / ${uuid(b)}`);
});

test("booted through GRUB with extra kernel arguments: a direct boot of the node's entry with them", () => {
  const argv = qemuArgv("b", { ...boot, via: "grub" }, "rd.clusterguard.node=nosuch");
  assert.is(argv[argv.indexOf("-kernel") + 1], "/k");
  assert.match(argv[argv.indexOf("-append") + 1]!, /^ob .*rd\.clusterguard\.node=nosuch$/);
  // QEMU refuses a bootindex 0 beside -kernel ("The bootindex 0 has already been used"): the VM would never start.
  assert.not.ok(
    argv.some((a) => a.includes("bootindex")),
    argv.join(" "),
  );
});

test.run();
