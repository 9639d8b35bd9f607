// The lab's power switch for one node: speaks just enough QMP to the fencing node, acts on the victim's QEMU.
// It stands apart from both VMs, like a real PDU: a victim whose power is already cut is reported off.
import type { Socket } from "bun";
import { QmpLines } from "../../src/fence/qmp.ts";

export interface PduTarget {
  /** False while the lab has unplugged this PDU: it then answers nothing, like a dead power switch. */
  plugged(): boolean;
  /** The victim's QEMU is running. */
  running(): boolean;
  /** Reset (system_reset) or cut the power (kill QEMU); resolves when done. */
  reset(): Promise<boolean>;
  off(): Promise<void>;
  log(msg: string): void;
}

/** Listen on `path`; the fencing VM's virtio-serial port connects here. */
export function startPdu(path: string, target: PduTarget) {
  const greet = `${JSON.stringify({ QMP: { version: { qemu: { major: 7, minor: 2, micro: 0 } }, capabilities: [] } })}\n`;
  return Bun.listen<{ lines: QmpLines }>({
    unix: path,
    socket: {
      open(s) {
        s.data = { lines: new QmpLines() };
        s.write(greet);
      },
      data(s, chunk) {
        const msgs = s.data.lines.push(chunk);
        if (!target.plugged()) return target.log(`PDU unplugged: ${msgs.length} request(s) unanswered`);
        for (const m of msgs) void answer(s, m, target);
      },
      error() {},
    },
  });
}

async function answer(s: Socket<{ lines: QmpLines }>, m: Record<string, unknown>, t: PduTarget): Promise<void> {
  const id = m.id;
  const reply = (body: Record<string, unknown>) =>
    s.write(`${JSON.stringify({ ...body, ...(id !== undefined ? { id } : {}) })}\n`);
  switch (m.execute) {
    case "qmp_capabilities":
      return void reply({ return: {} });
    case "system_reset": {
      const wasOn = t.running();
      const ok = wasOn ? await t.reset() : true;
      t.log(
        `PDU: system_reset requested: ${wasOn ? (ok ? "victim reset" : "reset failed") : "victim already powered off"}`,
      );
      return void reply(ok ? { return: {} } : { error: { class: "GenericError", desc: "reset failed" } });
    }
    case "quit":
      await t.off();
      t.log("PDU: power off requested: victim powered off");
      return void reply({ return: {} });
    default:
      return void reply({ error: { class: "CommandNotFound", desc: `the lab PDU does not do ${String(m.execute)}` } });
  }
}
