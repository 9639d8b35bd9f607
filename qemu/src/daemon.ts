// The lab daemon: owns both VMs, the cables and the PDUs; answers the `lab` command over a unix socket.
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { EXIT_OK } from "../../src/cli/exit-codes.ts";
import type { BootSet } from "./build.ts";
import { InitrdShell } from "./initrd-shell.ts";
import { startPdu } from "./pdu.ts";
import { type Bmc, LAB_MGMT, mgmtDown, mgmtUp, startBmc } from "./bmc.ts";
import { LAB_WEB, labWebUrl } from "./lab-config.ts";
import { CONTROL, IMAGE, LAB_BMCS, NODES, type Node, REPO, RUN } from "./paths.ts";
import { EthernetCable, SerialCable } from "./relays.ts";
import { Vm } from "./vm.ts";
import { type Forward, type ForwardTarget, startForward } from "./web-forward.ts";

const boot = JSON.parse(readFileSync(join(IMAGE, "boot.json"), "utf8")) as BootSet;
mkdirSync(RUN, { recursive: true });
const timeline: { at: number; node: string; what: string }[] = [];
const bmcSpec = (n: Node) => (LAB_BMCS ? LAB_MGMT.bmcs.find((b) => b.node === n) : undefined);
const vms = {} as Record<Node, Vm>;
for (const n of NODES)
  vms[n] = new Vm(
    n,
    boot,
    (node, e) => {
      if (e.kind === "guard" || e.kind === "mount")
        timeline.push({
          at: e.at,
          node,
          what: e.kind === "mount" ? "shared root mounted" : `${e.event}${e.role ? ` [${e.role}]` : ""}: ${e.message}`,
        });
      else if (e.kind === "kernel" && e.message === "power cut")
        timeline.push({ at: e.at, node, what: "powered off: QEMU ended by itself (its BMC, or the guest)" });
    },
    bmcSpec(n),
  );

// Each VM's BMC: ipmi_sim on the management bridge, powering its VM on through the daemon (`lab on NODE`).
const bmcs = {} as Partial<Record<Node, Bmc>>;
async function bmcUp(n: Node): Promise<void> {
  const spec = bmcSpec(n)!;
  bmcs[n] = await startBmc(spec, {
    dir: join(RUN, `bmc-${n}`),
    startcmd: `${join(REPO, "qemu/lab")} on ${n}`,
    password: readFileSync(join(IMAGE, `bmc-${n}.pw`), "utf8").trim(),
    poweredOn: false,
  });
}
if (LAB_BMCS) {
  const did = await mgmtUp(LAB_MGMT);
  console.log(`management network ${LAB_MGMT.bridge}: ${did.join("; ") || "already there"}`);
  for (const n of NODES) await bmcUp(n);
}

/** The web console the host's browser reaches: the one running VM whose guard says ACTIVE, at its management address. */
function activeConsole(): ForwardTarget | null {
  const active = NODES.filter((n) => vms[n].state === "running" && vms[n].role === "ACTIVE");
  if (active.length !== 1) return null;
  const n = active[0]!;
  return { node: n, host: bmcSpec(n)!.vmAddress.split("/")[0]!, port: LAB_WEB.port };
}
// The host reaches the VMs on the management network only: no forward without it (CG_LAB_FENCE=qmp).
let webForward: Forward | null = null;
if (LAB_BMCS) {
  try {
    webForward = await startForward({ port: LAB_WEB.hostPort, target: activeConsole, log: (m) => console.log(m) });
    console.log(
      `web console of the ACTIVE: ${labWebUrl()} (forwarded to its management address, port ${LAB_WEB.port})`,
    );
  } catch (e) {
    console.log(`web console forward not started: 127.0.0.1:${LAB_WEB.hostPort}: ${String(e)}`);
  }
}
const serial = new SerialCable();
const shells = { a: new InitrdShell(), b: new InitrdShell() } as Record<Node, InitrdShell>;
const eth = new EthernetCable();
await eth.start();
const pduPlugged: Record<Node, boolean> = { a: true, b: true };
for (const n of NODES) {
  const p = join(RUN, `pdu-${n}.sock`);
  rmSync(p, { force: true });
  startPdu(p, {
    plugged: () => pduPlugged[n],
    running: () => vms[n].state !== "stopped",
    // A reset button works on a hung machine too: reset, then let a paused VM run again.
    reset: async () => {
      const ok = "return" in ((await vms[n].qmp?.cmd("system_reset")) ?? {});
      if (ok && vms[n].state === "paused") await vms[n].resume();
      vms[n].events.push({ at: Date.now(), kind: "kernel", message: "power on" });
      if (ok) timeline.push({ at: Date.now(), node: n, what: "power on (reset by the PDU)" });
      return ok;
    },
    off: () => vms[n].kill(),
    log: (m) => timeline.push({ at: Date.now(), node: n, what: m }),
  });
}

/** A heartbeat disk the lab cut stays cut for that machine, across power cycles (a failed HBA or cable). */
const diskCut: Record<Node, boolean> = { a: false, b: false };
const dropHeartbeatDisk = (n: Node) =>
  vms[n].qmp?.cmd("human-monitor-command", { "command-line": "drive_del sbd" }) ?? Promise.resolve(null);

async function powerOn(n: Node, args = "", entry: Node = n): Promise<void> {
  await vms[n].powerOn(args, entry);
  if (diskCut[n]) {
    await dropHeartbeatDisk(n);
    timeline.push({ at: Date.now(), node: n, what: "heartbeat disk still cut (lab)" });
  }
  timeline.push({ at: Date.now(), node: n, what: "power on" });
  await serial.attach(n, join(RUN, `serial-${n}.sock`));
  await shells[n].attach(join(RUN, `shell-${n}.sock`));
}

async function status() {
  const out: Record<string, unknown> = {};
  for (const n of NODES) {
    const v = vms[n];
    const last = [...v.events].reverse().find((e) => e.kind === "guard");
    const acks = v.events.filter((e) => e.kind === "ack");
    out[n] = {
      vm: v.state,
      role: v.role,
      rootMounted: v.rootMounted,
      lastEvent: last ? `${last.event}: ${last.message}` : null,
      acks: acks.length,
      lastAck: acks.at(-1)?.message ?? null,
      poweredOnAt: v.poweredOnAt,
    };
  }
  return { nodes: out, cables: { serial: serial.cut ? "cut" : "connected", ethernet: eth.cut ? "cut" : "connected" } };
}

type Req = { cmd: string; node?: Node; link?: string; args?: string; timeoutMs?: number; entry?: Node };
async function handle(r: Req): Promise<unknown> {
  const n = r.node;
  switch (r.cmd) {
    case "status":
      return status();
    case "events":
      return { timeline, consoles: Object.fromEntries(NODES.map((x) => [x, vms[x].events])) };
    case "grep": {
      const log = join(RUN, `console-${n}.log`);
      const text = existsSync(log) ? readFileSync(log, "utf8") : "";
      return { count: text.split("\n").filter((l) => l.includes(String(r.link))).length };
    }
    case "pending":
      // The console's unterminated last line: a menu that waits for a key never ends one.
      return { text: vms[n!].console?.pending() ?? "" };
    case "on":
      // A power button (or a BMC's power on) does nothing to a machine that is on.
      if (vms[n!].state !== "stopped") return { ok: true, already: vms[n!].state };
      await powerOn(n!, r.args ?? "", r.entry ?? n!);
      return { ok: true };
    case "kill":
      await vms[n!].kill();
      timeline.push({ at: Date.now(), node: n!, what: "power cut (lab)" });
      return { ok: true };
    case "pause":
      await vms[n!].pause();
      timeline.push({ at: Date.now(), node: n!, what: "paused (lab)" });
      return { ok: true };
    case "resume":
      await vms[n!].resume();
      timeline.push({ at: Date.now(), node: n!, what: "resumed (lab)" });
      return { ok: true };
    case "exec": {
      // Typed at the VM's console, where the lab image logs root in (qemu/files/autologin.conf): once its prompt
      // showed, so the line is not lost to a console nobody reads yet.
      for (let i = 0; i < 360 && !vms[n!].shellReady && vms[n!].state === "running"; i++) await Bun.sleep(500);
      if (!vms[n!].shellReady) return { error: `${n}: no root shell prompt on the console within 180 s of the boot` };
      const stdin = vms[n!].proc?.stdin;
      if (!stdin) return { error: `${n} is not running` };
      stdin.write(`${r.args ?? ""}\n`);
      stdin.flush();
      timeline.push({ at: Date.now(), node: n!, what: `lab exec: ${r.args}` });
      return { ok: true };
    }
    case "shell": {
      // Run in the VM's initrd shell (hvc0): the only shell a node parked in the initrd has.
      timeline.push({ at: Date.now(), node: n!, what: `lab initrd shell: ${r.args}` });
      return shells[n!].run(r.args ?? "", r.timeoutMs ?? 60000);
    }
    case "diskcut": {
      // The heartbeat disk fails for this VM: QEMU drops the drive, the guest sees I/O errors from then on.
      diskCut[n!] = true;
      const r = await dropHeartbeatDisk(n!);
      timeline.push({ at: Date.now(), node: n!, what: "heartbeat disk cut (lab)" });
      return { ok: true, reply: r ?? null };
    }
    case "pdu": {
      // The fence device of n dead or back: its BMC (ipmi_sim killed: nothing answers on the LAN, the VM runs on),
      // or the QMP power switch unplugged.
      const on = r.link !== "off";
      if (LAB_BMCS) {
        if (!on) await bmcs[n!]?.stop();
        else await bmcUp(n!);
      } else pduPlugged[n!] = on;
      const device = LAB_BMCS ? "BMC" : "PDU";
      timeline.push({ at: Date.now(), node: n!, what: `${device} of ${n} ${on ? "back" : "dead"} (lab)` });
      return { ok: true };
    }
    case "rootio":
      return { io: await vms[n!].rootIo() };
    case "cut":
    case "heal": {
      const on = r.cmd === "cut";
      if (r.link === "serial" || r.link === "all") serial.cut = on;
      if (r.link === "ethernet" || r.link === "all") eth.cut = on;
      timeline.push({ at: Date.now(), node: "-", what: `${r.cmd} ${r.link}` });
      return { ok: true };
    }
    case "garbage": {
      // Noise on the serial cable towards this node: the bytes come as hex in args.
      const bytes = Uint8Array.from(Buffer.from(r.args ?? "", "hex"));
      const ok = serial.inject(n!, bytes);
      timeline.push({
        at: Date.now(),
        node: n!,
        what: `serial garbage (lab): ${bytes.length} bytes${ok ? "" : " NOT sent"}`,
      });
      return ok ? { ok: true } : { error: `${n}'s serial end is not attached` };
    }
    case "down":
      await webForward?.close();
      for (const x of NODES) await vms[x].kill();
      for (const x of NODES) await bmcs[x]?.stop();
      if (LAB_BMCS) await mgmtDown(LAB_MGMT);
      setTimeout(() => process.exit(EXIT_OK), 100);
      return { ok: true };
    default:
      return { error: `unknown command ${r.cmd}` };
  }
}

if (existsSync(CONTROL)) rmSync(CONTROL);
type Conn = { buf: string; out: Buffer | null };
/** Write what is left of the answer; end the connection once all of it went out (a big answer takes several drains). */
function flush(s: Bun.Socket<Conn>): void {
  const o = s.data.out;
  if (!o) return;
  const n = s.write(o);
  if (n < o.length) {
    s.data.out = o.subarray(Math.max(0, n));
    return;
  }
  s.data.out = null;
  s.end();
}

Bun.listen<Conn>({
  unix: CONTROL,
  socket: {
    open(s) {
      s.data = { buf: "", out: null };
    },
    async data(s, chunk) {
      s.data.buf += new TextDecoder().decode(chunk);
      const i = s.data.buf.indexOf("\n");
      if (i < 0) return;
      const req = JSON.parse(s.data.buf.slice(0, i)) as Req;
      let answer: string;
      try {
        answer = `${JSON.stringify(await handle(req))}\n`;
      } catch (e) {
        answer = `${JSON.stringify({ error: String(e) })}\n`;
      }
      s.data.out = Buffer.from(answer);
      flush(s);
    },
    drain(s) {
      flush(s);
    },
    error() {},
  },
});
console.log(`lab daemon ready on ${CONTROL}`);
