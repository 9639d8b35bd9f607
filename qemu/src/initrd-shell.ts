// The lab's root shell in a VM's initrd (a virtio console, hvc0): run a command on a parked node and read its output.
import { type Conn, connectChardev } from "./chardev.ts";

/** One VM's hvc0: the lab connects to QEMU's chardev socket; a debug shell in the initrd answers there. */
export class InitrdShell {
  private conn: Conn | null = null;
  private buf = "";

  /** Connect to the VM's console socket (after its QEMU started). */
  async attach(path: string): Promise<void> {
    this.buf = "";
    this.conn = await connectChardev(path, {
      data: (chunk) => void (this.buf = (this.buf + new TextDecoder().decode(chunk)).slice(-65536)),
      close: () => void (this.conn = null),
    });
  }

  /** Run `command` in the shell; resolves with its output and exit code, or an error once `timeoutMs` ran out. */
  async run(command: string, timeoutMs: number): Promise<{ exitCode: number; output: string } | { error: string }> {
    if (!this.conn) return { error: "the initrd shell is not connected (is the VM running?)" };
    const tag = `cg${Date.now().toString(36)}`;
    const start = this.buf.length;
    // The marker's exit code is only expanded in the output, never in the echoed input line.
    this.conn.write(`${command}; echo "__${tag}_$?__"\n`);
    const done = new RegExp(`__${tag}_(\\d+)__`);
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const seen = this.buf.slice(start);
      const m = done.exec(seen);
      if (m) return { exitCode: Number(m[1]), output: cleanOutput(seen.slice(0, m.index), tag) };
      await Bun.sleep(100);
    }
    return {
      error: `no answer from the initrd shell within ${timeoutMs} ms; it printed: ${JSON.stringify(this.buf.slice(start).slice(-500))}`,
    };
  }
}

/** Drop the echoed command line and terminal control sequences. */
function cleanOutput(s: string, tag: string): string {
  return s
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "")
    .split(/\r?\n/)
    .filter((l) => !l.includes(`__${tag}_`))
    .join("\n")
    .trim();
}
