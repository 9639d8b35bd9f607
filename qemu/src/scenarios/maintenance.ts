// Scenarios for changing the one shared image while the pair runs, as an admin does: a config change applied from
// the web console, and a kernel upgrade. Both end with the rolling reboot that puts the change in force on each node.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConsoleCamera } from "../console-camera.ts";
import { ask } from "../control.ts";
import { LAB_TIMERS } from "../lab-config.ts";
import { waitStatus } from "../lifecycle.ts";
import { BASE, LAB_BOOT, type Node } from "../paths.ts";
import type { Run } from "../scenario-kit.ts";
import { expectHandover, inInitrd } from "./agent.ts";
import { consoleText, printed, said, startOneByOne, typeAt, waitConsole, waitWriting } from "./checks.ts";

/**
 * Put a change to the shared image in force on both nodes without an outage: the STANDBY first (a power cycle; it
 * boots through GRUB and parks again), then the ACTIVE hands over (`clusterguard standby`) and comes back STANDBY.
 * `check` looks at each node once it is back: its console since the reboot began.
 */
async function rollingReboot(run: Run, check: (n: Node, console: string) => Promise<void>): Promise<void> {
  run.step("rolling reboot: b, the STANDBY, first (power cycle)");
  const fromB = consoleText("b").length;
  const cutAt = Date.now();
  await ask({ cmd: "kill", node: "b" });
  await ask({ cmd: "on", node: "b" });
  await waitStatus(
    run.t0,
    "b back STANDBY",
    (s) => s.nodes.b.poweredOnAt >= cutAt && s.nodes.b.role === "STANDBY" && s.nodes.a.role === "ACTIVE",
    400000,
  );
  run.time("b: power cycle -> STANDBY again", Date.now() - cutAt);
  await check("b", consoleText("b").slice(fromB));
  run.step("then a hands over (clusterguard standby) and reboots");
  const fromA = consoleText("a").length;
  const at = await typeAt(run, "a", "clusterguard standby");
  await expectHandover(run, "a", "b", at, "rolling reboot: clusterguard standby on a");
  await check("a", consoleText("a").slice(fromA));
}

/**
 * The configurator of the ACTIVE's web console changes a guard setting ([timers] warntime) and marks the file with a
 * comment; Apply writes it, regenerates the guard initrd on a for real (dracut in the VM, its output streamed to the
 * page) and says the change needs each node to boot the new initrd. The rolling reboot then proves it: each node's
 * guard, parked in its initrd, holds the edited file.
 */
export async function scenarioWebApply(run: Run): Promise<void> {
  await startOneByOne(run);
  const mark = `lab-web-apply-${Date.now()}`;
  const warntime = LAB_TIMERS.warntime + 100;
  await ConsoleCamera.around(run, async (cam) => {
    run.step("the web console of a through the lab's forward: a ACTIVE, b STANDBY");
    await cam.overview("before", "a's overview before the change", { self: "ACTIVE", peer: "STANDBY" }, 180000);
    run.step(`the configurator: warntime ${LAB_TIMERS.warntime} -> ${warntime} and a comment, then Apply`);
    const at = Date.now();
    const progress = await cam.apply(
      "apply",
      (text) =>
        `# ${mark}: applied from the web console\n${text.replace(/^warntime = \d+$/m, `warntime = ${warntime}`)}`,
      30 * 60000,
    );
    run.expect(progress !== null, `Apply's progress followed to its end (${cam.problems.join("; ")})`);
    run.time("Apply confirmed -> its end (the guard initrd rebuilt in the VM)", Date.now() - at);
    const p = progress ?? "";
    run.expect(/\[backup\] the running file is kept as /.test(p), "Apply kept a backup of the running file");
    run.expect(
      /\[initrd\] building \S+\/initrd\.img-\S+-clusterguard for kernel \S+ with dracut/.test(p),
      "Apply ran dracut for the guard initrd, its progress streamed",
    );
    run.expect(
      /\[initrd\] guard initrd regenerated: \/boot\/initrd\.img-\S+-clusterguard for kernel \S+ in [\d.]+ s \(dracut[^)]*\), verified/.test(
        p,
      ),
      `the guard initrd was regenerated and verified (${p.split("\n").slice(-6).join(" | ")})`,
    );
    run.expect(/\[needs\] \[timers\] changed: /.test(p), "Apply said the [timers] change needs each node to reboot");
    run.expect(/\[done\] applied/.test(p), "Apply ended with applied");
  });
  const inInitrdConfig = async (n: Node) => {
    // The initrd has no grep: the shell's own read and case.
    const r = await inInitrd(
      n,
      `while IFS= read -r l; do case "$l" in warntime*|*lab-web-apply*) echo "$l";; esac; done < /etc/clusterguard/clusterguard.toml`,
      60000,
    );
    const out = r.output ?? "";
    run.expect(
      out.includes(mark) && out.includes(`warntime = ${warntime}`),
      `${n}'s guard, parked in its initrd, holds the edited file (${r.error ?? out.trim().slice(-200)})`,
    );
  };
  await rollingReboot(run, async (n) => inInitrdConfig(n));
  await waitWriting(run, "b");
}

/** The image's kernel and the newer one waiting in /root/kernel-upgrade (qemu/image/build-base.sh). */
function kernels(): { from: string; to: string } {
  const read = (f: string) => readFileSync(join(BASE, f), "utf8").trim();
  return { from: read("kernel-version"), to: read("kernel-upgrade") };
}

/**
 * A kernel upgrade on the running pair: the ACTIVE installs the newer kernel's packages (Debian's security update of
 * the point release's kernel). The kernel's postinst hooks build the distro initrd and, through clusterguard's hook,
 * the guard initrd, then update-grub: both nodes' entries follow the new kernel. The rolling reboot then boots each
 * node through GRUB into the new kernel and the guard.
 */
export async function scenarioKernelUpgrade(run: Run): Promise<void> {
  if (LAB_BOOT !== "grub") throw new Error("kernel-upgrade boots through GRUB: CG_LAB_BOOT=grub");
  const { from, to } = kernels();
  run.expect(to !== "none" && to !== from, `a kernel newer than ${from} in the image (${to}; see build-base.sh)`);
  await startOneByOne(run);
  for (const n of ["a", "b"] as const)
    run.expect(consoleText(n).includes(`Linux version ${from} `), `${n} booted kernel ${from}`);
  run.step(`a: dpkg -i /root/kernel-upgrade/*.deb (kernel ${to}: its hooks build both initrds and run update-grub)`);
  const off = consoleText("a").length;
  const at = await typeAt(
    run,
    "a",
    `dpkg -i /root/kernel-upgrade/*.deb && ${said("LAB-KERNEL-INSTALLED")} || ${said("LAB-KERNEL-FAILED")}`,
  );
  const installed = await waitConsole(
    "a",
    off,
    (t) => t.includes(printed("LAB-KERNEL-INSTALLED")) || t.includes(printed("LAB-KERNEL-FAILED")),
    40 * 60000,
  );
  run.expect(installed.includes(printed("LAB-KERNEL-INSTALLED")), "dpkg -i installed the new kernel on a");
  run.time("dpkg -i of the new kernel with its hooks (distro initrd, guard initrd, update-grub)", Date.now() - at);
  run.expect(
    installed.includes(`built /boot/initrd.img-${to}-clusterguard for kernel ${to}`),
    `clusterguard's kernel hook built the guard initrd of ${to}`,
  );
  run.step("both node entries in grub.cfg boot the new kernel");
  const entries = consoleText("a").length;
  await typeAt(
    run,
    "a",
    `for n in a b; do sed -n "/--id 'clusterguard-$n'/,/^}/p" /boot/grub/grub.cfg | grep -q 'vmlinuz-${to} ' && echo LAB-ENTRY-$n-$((1+1)); done`,
  );
  const listed = await waitConsole(
    "a",
    entries,
    (t) => t.includes("LAB-ENTRY-a-2") && t.includes("LAB-ENTRY-b-2"),
    60000,
  );
  for (const n of ["a", "b"])
    run.expect(listed.includes(`LAB-ENTRY-${n}-2`), `GRUB's entry clusterguard-${n} boots vmlinuz-${to}`);
  await rollingReboot(run, async (n, text) => {
    run.expect(text.includes(`Linux version ${to} `), `${n} booted kernel ${to} through GRUB`);
    run.expect(
      new RegExp(`clusterguard: ${n} role \\[STANDBY\\]`).test(text),
      `${n}'s guard ran on the new kernel and parked it STANDBY`,
    );
  });
  await waitWriting(run, "b");
}
