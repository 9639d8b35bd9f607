// Manual check (root; not part of a test run): a VM's management NIC on its tap reaches the other VM's BMC through
// the bridge and powers that VM off with ipmitool, as a parked STANDBY would. "VM b" boots the lab base's kernel
// with a tiny initrd (dash, ip, insmod, ipmitool and their libraries, the virtio-net modules); "VM a" is a
// SeaBIOS-only QEMU that its ipmi_sim starts. Own bridge, taps and subnet (192.168.79.0/24); all removed at the end.
//   node_modules/.bin/bun qemu/src/bmc-check.ts
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { bmcQemuArgs, type BmcSpec, type MgmtNet, mgmtDown, mgmtUp, startBmc } from "./bmc.ts";
import { BASE } from "./paths.ts";

const spec = (node: "a" | "b", i: number): BmcSpec => ({
  node,
  address: `192.168.79.${10 + i}`,
  lanPort: 623,
  vmPort: 19100 + i,
  tap: `cgchk-${node}`,
  mac: `52:54:00:c6:79:0${i}`,
  vmAddress: `192.168.79.${i}/24`,
});
const NET: MgmtNet = { bridge: "cgchk0", prefix: 24, nftTable: "cgchk", bmcs: [spec("a", 1), spec("b", 2)] };
const [A, B] = NET.bmcs as [BmcSpec, BmcSpec];
const MODULES =
  "virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci failover net_failover virtio_net";

/** The tiny initrd of VM b: bring up eth0 on B.vmAddress, ask A's BMC for status, power off, status. */
function tinyInitrd(dir: string, password: string): string {
  const root = join(dir, "root");
  const kver = spawnSync("cat", [join(BASE, "kernel-version")], { encoding: "utf8" }).stdout.trim();
  const mods = join(BASE, "rootfs/lib/modules", kver, "kernel");
  for (const d of ["bin", "mod", "dev", "tmp", "usr/share/misc"]) mkdirSync(join(root, d), { recursive: true });
  for (const bin of ["dash", "ip", "insmod", "ipmitool"]) {
    const path = spawnSync("sh", ["-c", `command -v ${bin}`], { encoding: "utf8" }).stdout.trim();
    copyFileSync(path, join(root, "bin", bin));
    spawnSync("chmod", ["0755", join(root, "bin", bin)]);
    for (const lib of spawnSync("ldd", [path], { encoding: "utf8" }).stdout.match(/\/\S+/g) ?? []) {
      mkdirSync(join(root, dirname(lib)), { recursive: true });
      copyFileSync(lib, join(root, lib));
    }
  }
  copyFileSync("/usr/share/misc/enterprise-numbers.txt", join(root, "usr/share/misc/enterprise-numbers.txt"));
  for (const m of MODULES.split(" ")) {
    const sub =
      m.startsWith("virtio_net") || m === "net_failover"
        ? "drivers/net"
        : m === "failover"
          ? "net/core"
          : "drivers/virtio";
    copyFileSync(join(mods, sub, `${m}.ko`), join(root, "mod", `${m}.ko`));
  }
  for (const [n, maj, min] of [
    ["console", 5, 1],
    ["null", 1, 3],
    ["urandom", 1, 9],
  ] as const)
    spawnSync("mknod", [join(root, "dev", n), "c", String(maj), String(min)]);
  const ipmi = `ipmitool -I lanplus -C 3 -H ${A.address} -p ${A.lanPort} -U fence -f /tmp/pw chassis power`;
  writeFileSync(
    join(root, "init"),
    `#!/bin/dash
export PATH=/bin
for m in ${MODULES}; do r=$(insmod /mod/$m.ko 2>&1) || echo "cgvm: insmod $m: $r"; done
ip link set eth0 up && ip addr add ${B.vmAddress} dev eth0
echo ${password} > /tmp/pw
echo "cgvm: status: $(${ipmi} status 2>&1)"
echo "cgvm: off: $(${ipmi} off 2>&1)"
echo "cgvm: status: $(${ipmi} status 2>&1)"
`,
    { mode: 0o755 },
  );
  const img = join(dir, "initrd.gz");
  const r = spawnSync("sh", ["-c", `cd ${root} && find . | cpio -o -H newc 2>/dev/null | gzip -1 > ${img}`]);
  if (r.status !== 0) throw new Error("cpio failed");
  return img;
}

const dir = mkdtempSync("/tmp/cg-bmc-check-");
let aPid = 0;
try {
  console.log(`management network: ${(await mgmtUp(NET)).join("; ") || "already there"}`);
  const vmA = join(dir, "vm-a");
  writeFileSync(
    vmA,
    `#!/bin/sh\necho $$ > ${dir}/a.pid\nexec qemu-system-x86_64 -name cgchk-a -accel tcg -nodefaults -no-user-config -display none -m 64 ${bmcQemuArgs(A).join(" ")}\n`,
    { mode: 0o755 },
  );
  const bmc = await startBmc(A, { dir: join(dir, "bmc-a"), startcmd: vmA, password: "check", poweredOn: true });
  await Bun.sleep(1000);
  aPid = Number(await Bun.file(join(dir, "a.pid")).text());
  console.log(`VM a: QEMU ${aPid}, its BMC on ${A.address}:${A.lanPort}`);
  const t0 = performance.now();
  const vmB = Bun.spawn(
    [
      ...["qemu-system-x86_64", "-name", "cgchk-b", "-accel", "tcg", "-nodefaults", "-no-user-config", "-display"],
      ...["none", "-m", "256", "-kernel", join(BASE, "vmlinuz"), "-initrd", tinyInitrd(dir, "check")],
      ...["-append", "console=ttyS0 panic=-1 quiet", "-no-reboot", "-serial", "stdio", ...bmcQemuArgs(B).slice(6)],
    ],
    { stdout: "pipe", stderr: "inherit" },
  );
  const timer = setTimeout(() => vmB.kill("SIGKILL"), 300_000);
  const lines = (await new Response(vmB.stdout).text())
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l.startsWith("cgvm: "));
  clearTimeout(timer);
  console.log(lines.join("\n"));
  const aGone = spawnSync("kill", ["-0", String(aPid)]).status !== 0;
  console.log(
    `VM b ran ${((performance.now() - t0) / 1000).toFixed(1)} s; VM a's QEMU ${aGone ? "is gone" : "still runs"}`,
  );
  const ok =
    aGone &&
    lines.join("\n") ===
      "cgvm: status: Chassis Power is on\ncgvm: off: Chassis Power Control: Down/Off\ncgvm: status: Chassis Power is off";
  console.log(ok ? "PASS bmc-check" : "FAIL bmc-check");
  await bmc.stop();
  process.exitCode = ok ? 0 : 1;
} finally {
  if (aPid > 0 && spawnSync("kill", ["-0", String(aPid)]).status === 0) spawnSync("kill", ["-KILL", String(aPid)]);
  const left = await mgmtDown(NET);
  if (left.length) console.log(`left behind: ${left.join("; ")}`);
  rmSync(dir, { recursive: true, force: true });
}
