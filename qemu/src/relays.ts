// The lab's cables, owned by the host so they can be cut and healed: serial bytes and Ethernet frames.
import { type Conn, connectChardev } from "./chardev.ts";
import { ETH_PORT } from "./qemu-argv.ts";
import type { Node } from "./paths.ts";

/** ttyS1 <-> ttyS1: the lab connects to both VMs' chardev sockets and copies bytes unless cut. */
export class SerialCable {
  cut = false;
  private ends: Partial<Record<Node, Conn>> = {};
  bytes = 0;

  /** (Re)attach node `n`'s end (after its QEMU started). */
  async attach(n: Node, path: string): Promise<void> {
    this.ends[n] = await connectChardev(path, {
      data: (chunk) => {
        const other = this.ends[n === "a" ? "b" : "a"];
        if (!this.cut && other) {
          other.write(chunk);
          this.bytes += chunk.length;
        }
      },
      close: () => {
        delete this.ends[n];
      },
    });
  }

  /** Write `bytes` into the cable towards node `n` (noise on the line); false when that end is not attached. */
  inject(n: Node, bytes: Uint8Array): boolean {
    const end = this.ends[n];
    if (!end) return false;
    end.write(bytes);
    return true;
  }
}

/** eth0 <-> eth0: one datagram per Ethernet frame; each VM only accepts frames from its "remote" port. */
export class EthernetCable {
  cut = false;
  frames = 0;
  private socks: Partial<Record<Node, Bun.udp.Socket<"buffer">>> = {};

  async start(): Promise<void> {
    for (const n of ["a", "b"] as Node[]) {
      const other: Node = n === "a" ? "b" : "a";
      this.socks[n] = await Bun.udpSocket({
        hostname: "127.0.0.1",
        port: ETH_PORT[n].remote,
        socket: {
          data: (_s, buf) => {
            if (this.cut) return;
            this.socks[other]?.send(buf, ETH_PORT[other].local, "127.0.0.1");
            this.frames++;
          },
          error: () => {},
        },
      });
    }
  }

  stop(): void {
    for (const s of Object.values(this.socks)) s?.close();
  }
}
