// One lab VM: its QEMU process, console, QMP sessions, and what the lab has seen of it.
import type { Subprocess } from "bun";
import { join } from "node:path";
import type { BmcSpec } from "./bmc.ts";
import type { BootSet } from "./build.ts";
import { type ConsoleEvent, ConsoleLog } from "./console.ts";
import { type Node, RUN } from "./paths.ts";
import { QmpClient } from "./qmp-client.ts";
import { qemuArgv } from "./qemu-argv.ts";

export type VmState = "running" | "paused" | "stopped";

export class Vm {
  proc: Subprocess<"pipe", "pipe", "pipe"> | null = null;
  qmp: QmpClient | null = null;
  state: VmState = "stopped";
  poweredOnAt = 0;
  readonly events: ConsoleEvent[] = [];

  /** Set while the lab itself cuts the power, so that exit is not reported twice. */
  private cutting = false;
  /** This power-on's console (null before the first). */
  console: ConsoleLog | null = null;

  constructor(
    readonly node: Node,
    private readonly boot: BootSet,
    private readonly onEvent: (n: Node, e: ConsoleEvent) => void,
    /** The VM's BMC (ipmi-bmc-extern) and management NIC, when the lab fences through BMCs. */
    private readonly bmc?: BmcSpec,
  ) {}

  /** Power on: start QEMU, follow its console, open the lab's QMP session. */
  async powerOn(extraArgs = "", entry: Node = this.node): Promise<void> {
    const log = new ConsoleLog(join(RUN, `console-${this.node}.log`), (e) => {
      this.events.push(e);
      this.onEvent(this.node, e);
    });
    this.console = log;
    this.poweredOnAt = Date.now();
    this.events.push({ at: this.poweredOnAt, kind: "kernel", message: "power on" });
    const p = Bun.spawn(qemuArgv(this.node, this.boot, extraArgs, this.bmc, entry), {
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
    });
    this.proc = p;
    this.state = "running";
    void (async () => {
      for await (const c of p.stdout) log.push(c);
    })();
    void new Response(p.stderr)
      .text()
      .then((t) => t.trim() && log.push(new TextEncoder().encode(`[qemu stderr] ${t}\n`)));
    void p.exited.then(() => {
      if (this.proc !== p) return;
      this.state = "stopped";
      // QEMU ended by itself: its BMC powered it off (QEMU exits 0), or the guest powered off.
      if (!this.cutting) {
        const e: ConsoleEvent = { at: Date.now(), kind: "kernel", message: "power cut" };
        this.events.push(e);
        this.onEvent(this.node, e);
      }
    });
    const sock = join(RUN, `qmp-lab-${this.node}.sock`);
    for (let i = 0; i < 100; i++) {
      try {
        this.qmp = await QmpClient.open(sock);
        break;
      } catch {
        await Bun.sleep(50);
      }
    }
  }

  /** Power cut: the QEMU process ends at once. */
  async kill(): Promise<void> {
    if (!this.proc) return;
    this.cutting = true;
    this.proc.kill("SIGKILL");
    await this.proc.exited;
    this.cutting = false;
    this.state = "stopped";
    this.events.push({ at: Date.now(), kind: "kernel", message: "power cut" });
  }

  async pause(): Promise<void> {
    await this.qmp?.cmd("stop");
    this.state = "paused";
  }

  async resume(): Promise<void> {
    await this.qmp?.cmd("cont");
    this.state = "running";
  }

  /** The role from the last guard role event on the console. */
  get role(): string {
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i]!;
      if (e.kind === "kernel" && e.message === "power cut") return "OFF";
      if (e.kind === "kernel" && (e.message === "power on" || e.message === "kernel banner")) return "BOOTING";
      if (e.kind === "guard" && e.event === "role" && e.role) return e.role;
    }
    return this.state === "stopped" ? "OFF" : "BOOTING";
  }

  /** The root shell on the console has shown its prompt in this boot: typed commands reach it. */
  get shellReady(): boolean {
    return this.sinceBoot("prompt");
  }

  /** The shared root was mounted in this boot (the kernel logs every ext4 mount). */
  get rootMounted(): boolean {
    return this.sinceBoot("mount");
  }

  /** An event of `kind` came after the last kernel event (power on, banner, power cut): in this boot. */
  private sinceBoot(kind: "prompt" | "mount"): boolean {
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i]!;
      if (e.kind === kind) return true;
      if (e.kind === "kernel") return false;
    }
    return false;
  }

  /** Block statistics of the shared root drive as QEMU counts them (writes prove a node touched the disk). */
  async rootIo(): Promise<{ rdBytes: number; wrBytes: number; wrOps: number } | null> {
    const r = await this.qmp?.cmd("query-blockstats");
    const list = (r?.return ?? []) as {
      device: string;
      stats: { rd_bytes: number; wr_bytes: number; wr_operations: number };
    }[];
    const root = list.find((d) => d.device === "root");
    return root
      ? { rdBytes: root.stats.rd_bytes, wrBytes: root.stats.wr_bytes, wrOps: root.stats.wr_operations }
      : null;
  }
}
