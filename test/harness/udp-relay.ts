// A host-side UDP "cable" between two guards on 127.0.0.x: it forwards, can be cut, and can inject frames.

type Sock = Bun.udp.Socket<"buffer">;

/** a (127.0.0.1) <-> face A (127.0.0.3) | relay | face B (127.0.0.4) <-> b (127.0.0.2), all on `port`. */
export class UdpRelay {
  cut = false;
  forwarded = 0;
  /** Frames seen from each side, for replay attacks. */
  readonly captured: { a: Uint8Array[]; b: Uint8Array[] } = { a: [], b: [] };
  /** Called with the side of every datagram that arrives (before it is forwarded), e.g. to time the first one. */
  onDatagram: ((from: "a" | "b") => void) | null = null;
  private faceA!: Sock;
  private faceB!: Sock;

  constructor(readonly port: number) {}

  static readonly A = "127.0.0.1";
  static readonly B = "127.0.0.2";
  static readonly FACE_A = "127.0.0.3";
  static readonly FACE_B = "127.0.0.4";

  async start(): Promise<void> {
    const port = this.port;
    this.faceA = await Bun.udpSocket({
      hostname: UdpRelay.FACE_A,
      port,
      socket: {
        data: (_s, buf, p, addr) => {
          if (addr !== UdpRelay.A || p !== port) return;
          this.onDatagram?.("a");
          if (this.captured.a.length < 2000) this.captured.a.push(new Uint8Array(buf));
          if (!this.cut) this.faceB.send(buf, port, UdpRelay.B) && this.forwarded++;
        },
        error: () => {},
      },
    });
    this.faceB = await Bun.udpSocket({
      hostname: UdpRelay.FACE_B,
      port,
      socket: {
        data: (_s, buf, p, addr) => {
          if (addr !== UdpRelay.B || p !== port) return;
          this.onDatagram?.("b");
          if (this.captured.b.length < 2000) this.captured.b.push(new Uint8Array(buf));
          if (!this.cut) this.faceA.send(buf, port, UdpRelay.A) && this.forwarded++;
        },
        error: () => {},
      },
    });
  }

  /** Send raw bytes to node `to` as if they came from its peer over the cable. */
  inject(to: "a" | "b", bytes: Uint8Array): void {
    if (to === "a") this.faceA.send(bytes, this.port, UdpRelay.A);
    else this.faceB.send(bytes, this.port, UdpRelay.B);
  }

  stop(): void {
    this.faceA?.close();
    this.faceB?.close();
  }
}
