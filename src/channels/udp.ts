// The Ethernet heartbeat link: unicast UDP to the peer (heartbeat's port 694), optional broadcast.
import { HealthLatch, Retry } from "./health.ts";
import type { ChannelKind } from "../core/types.ts";
import { bindToDevice } from "../sys/bind-device.ts";
import { type Channel, type ChannelSink, type ChannelStats, emptyStats } from "./channel.ts";
import { addressPresent, broadcastOf, carrierLost } from "./udp-address.ts";

export interface UdpOptions {
  /** This node's heartbeat address: the socket binds here (or to 0.0.0.0 with broadcast). */
  localAddress: string;
  /** The peer's address: where frames go, and the only source accepted. */
  peerAddress: string;
  port: number;
  /** The peer's port when it differs (a host-side relay in tests); defaults to `port`. */
  peerPort?: number;
  /** Bind to this interface (SO_BINDTODEVICE). */
  interface?: string;
  broadcast?: boolean;
  retryMinMs?: number;
  retryMaxMs?: number;
  /** How often to check that the local address still exists, and the interface's carrier. */
  watchMs?: number;
  /** Where the interfaces' carrier files are (/sys/class/net; a fake tree in tests). */
  carrierDir?: string;
}

type UdpSock = Bun.udp.Socket<"buffer">;

/** A UDP heartbeat link that rebinds by itself after interface or address changes. */
export class UdpChannel implements Channel {
  readonly kind: ChannelKind = "udp";
  private sock: UdpSock | null = null;
  private sink: ChannelSink | null = null;
  private readonly st = emptyStats();
  /** Failed opens since the last success: the retry delay doubles with each. */
  private retry: Retry;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private watch: ReturnType<typeof setInterval> | null = null;
  private stopped = false;
  private readonly health = new HealthLatch((up, detail) => this.sink?.health("udp", up, detail));
  /** Why the configured interface has no carrier (null: it has one, or no interface is configured). */
  private noCarrier: string | null = null;

  constructor(private readonly o: UdpOptions) {
    this.retry = new Retry(o.retryMinMs ?? 200, o.retryMaxMs ?? 5000);
  }

  async start(sink: ChannelSink): Promise<void> {
    this.sink = sink;
    this.stopped = false;
    await this.open();
    this.watch = setInterval(() => this.checkAddress(), this.o.watchMs ?? 1000);
  }

  send(frame: Uint8Array): void {
    const s = this.sock;
    if (!s) {
      this.st.sendErrors += 1;
      return;
    }
    try {
      const ok = s.send(frame, this.o.peerPort ?? this.o.port, this.o.peerAddress);
      if (this.o.broadcast) {
        const bc = broadcastOf(this.o.localAddress);
        if (bc) s.send(frame, this.o.port, bc);
      }
      if (ok) {
        this.st.framesOut += 1;
        this.st.bytesOut += frame.length;
      } else this.st.sendErrors += 1;
    } catch (e) {
      this.st.sendErrors += 1;
      this.st.lastError = String(e);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.watch) clearInterval(this.watch);
    this.close();
  }

  stats(): ChannelStats {
    return { ...this.st };
  }

  private async open(): Promise<void> {
    if (this.stopped) return;
    const host = this.o.broadcast ? "0.0.0.0" : this.o.localAddress;
    try {
      if (!addressPresent(this.o.localAddress))
        throw new Error(this.readCarrier() ?? `address ${this.o.localAddress} is not configured on any interface`);
      const sock = await Bun.udpSocket({
        hostname: host,
        port: this.o.port,
        socket: {
          data: (_s, buf, port, addr) => this.onData(buf, port, addr),
          // ICMP errors (port unreachable while the peer is down) arrive here; they must never crash the guard.
          error: (_s, err) => {
            this.st.sendErrors += 1;
            this.st.lastError = String(err ?? "socket error");
          },
        },
      });
      if (this.o.interface) bindToDevice((sock as unknown as { fd: number }).fd, this.o.interface);
      if (this.o.broadcast) sock.setBroadcast(true);
      this.sock = sock;
      if (this.health.state === false) this.st.reopens += 1;
      this.retry.reset();
      this.noCarrier = this.readCarrier();
      this.report(
        this.noCarrier === null,
        this.noCarrier ?? `bound ${host}:${this.o.port}${this.o.interface ? ` on ${this.o.interface}` : ""}`,
      );
    } catch (e) {
      this.close();
      this.st.lastError = String(e instanceof Error ? e.message : e);
      this.report(false, `cannot bind ${host}:${this.o.port}: ${this.st.lastError}`);
      this.timer = setTimeout(() => void this.open(), this.retry.next());
    }
  }

  private onData(buf: Buffer, port: number, addr: string): void {
    const from = addr.startsWith("::ffff:") ? addr.slice(7) : addr;
    if (from !== this.o.peerAddress || port !== (this.o.peerPort ?? this.o.port)) {
      this.st.dropped += 1;
      return;
    }
    this.st.framesIn += 1;
    this.st.bytesIn += buf.length;
    this.sink?.frame(new Uint8Array(buf), "udp");
  }

  private checkAddress(): void {
    if (this.stopped || !this.sock) return;
    // The address list leaves out an interface without carrier: name the carrier, and keep the socket for its return.
    if (this.checkCarrier()) return;
    if (!addressPresent(this.o.localAddress)) {
      this.close();
      this.report(false, `address ${this.o.localAddress} disappeared`);
      void this.open();
    }
  }

  /**
   * A NIC without carrier (a pulled crossover cable, the peer's NIC off) carries nothing: say so, so that its
   * silence is not taken for the peer's death. Read only when an interface is configured. True while it has none.
   */
  private checkCarrier(): boolean {
    const lost = this.readCarrier();
    if (lost !== this.noCarrier) {
      this.noCarrier = lost;
      this.report(lost === null, lost ?? `carrier on ${this.o.interface ?? ""} again`);
    }
    return lost !== null;
  }

  private readCarrier(): string | null {
    return this.o.interface ? carrierLost(this.o.carrierDir ?? "/sys/class/net", this.o.interface) : null;
  }

  private close(): void {
    try {
      this.sock?.close();
    } catch {
      // already closed
    }
    this.sock = null;
  }

  private report(up: boolean, detail: string): void {
    this.st.up = up;
    this.health.set(up, detail);
  }
}
