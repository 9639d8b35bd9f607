// The simulated outermost I/O between two machines: heartbeat cables (serial, UDP) with loss, delay, jitter,
// reordering, duplication, cuts, a serial line that keeps bytes for whoever opens it next, and an attacker who
// replays captured frames; and one shared disk seen through each machine's block device, with latency and errors.
import type { Channel, ChannelSink, ChannelStats } from "../../src/channels/channel.ts";
import { emptyStats } from "../../src/channels/channel.ts";
import type { ChannelKind } from "../../src/core/types.ts";
import type { BlockDevice } from "../../src/disk/io.ts";
import { DiskIoError } from "../../src/disk/io.ts";
import type { Owner, Rng, World } from "./world.ts";

export type Side = 0 | 1;

/** One direction of a cable's faults. */
export interface LineFaults {
  cut: boolean;
  loss: number;
  dup: number;
  delayMs: number;
  jitterMs: number;
}

export const CLEAN: LineFaults = { cut: false, loss: 0, dup: 0, delayMs: 1, jitterMs: 0 };

/** Where frames for one side go: its process's link, and the machine's event owner (held while it is paused). */
export interface Port {
  link: SimLink | null;
  owner: Owner;
}

/** A cable between the two machines: frames from one side arrive at whatever link the other side has open then. */
export class Cable {
  readonly faults: [LineFaults, LineFaults] = [{ ...CLEAN }, { ...CLEAN }];
  /** Frames each side sent, newest last: what an attacker with a capture of the link holds. */
  readonly captured: [Uint8Array[], Uint8Array[]] = [[], []];
  /** Serial only: bytes that reached a side with no process reading (kept for the next one, as a UART does). */
  private readonly buffered: [Uint8Array[], Uint8Array[]] = [[], []];
  sent = 0;
  dropped = 0;

  constructor(
    readonly kind: ChannelKind,
    private readonly world: World,
    private readonly rng: Rng,
    readonly ports: [Port, Port],
  ) {}

  /** A frame `from` sent. */
  send(from: Side, frame: Uint8Array): void {
    this.sent++;
    const cap = this.captured[from];
    cap.push(frame);
    if (cap.length > 64) cap.shift();
    const f = this.faults[from];
    if (f.cut || this.rng.chance(f.loss)) {
      this.dropped++;
      return;
    }
    const copies = this.rng.chance(f.dup) ? 2 : 1;
    for (let i = 0; i < copies; i++) this.deliverLater(other(from), frame, f.delayMs + this.rng.next() * f.jitterMs);
  }

  /** The attacker injects bytes (a replayed capture, garbage) towards side `to`. */
  inject(to: Side, frame: Uint8Array): void {
    this.deliverLater(to, frame, 0);
  }

  /** Serial: hand buffered bytes to a link just opened on side `side`. */
  opened(side: Side): void {
    const buf = this.buffered[side].splice(0);
    for (const b of buf) this.deliverLater(side, b, 0);
  }

  private deliverLater(to: Side, frame: Uint8Array, delay: number): void {
    const port = this.ports[to];
    this.world.schedule(this.world.t + delay, port.owner, () => {
      const link = port.link;
      if (link) return link.receive(frame);
      if (this.kind === "serial") {
        const buf = this.buffered[to];
        buf.push(frame);
        if (buf.length > 32) buf.shift();
      }
    });
  }
}

function other(s: Side): Side {
  return s === 0 ? 1 : 0;
}

/** One process's end of a cable. */
export class SimLink implements Channel {
  private sink: ChannelSink | null = null;
  private readonly st: ChannelStats = emptyStats();

  constructor(
    readonly kind: ChannelKind,
    private readonly cable: Cable,
    private readonly side: Side,
    private readonly alive: () => boolean,
  ) {}

  async start(sink: ChannelSink): Promise<void> {
    this.sink = sink;
    this.cable.ports[this.side].link = this;
    this.st.up = true;
    sink.health(this.kind, true, "simulated link open");
    if (this.kind === "serial") this.cable.opened(this.side);
  }

  send(frame: Uint8Array): void {
    if (!this.alive() || this.cable.ports[this.side].link !== this) return;
    this.st.framesOut++;
    this.cable.send(this.side, frame);
  }

  receive(frame: Uint8Array): void {
    if (!this.alive()) return;
    this.st.framesIn++;
    this.sink?.frame(frame, this.kind);
  }

  async stop(): Promise<void> {
    if (this.cable.ports[this.side].link === this) this.cable.ports[this.side].link = null;
    this.st.up = false;
  }

  stats(): ChannelStats {
    return { ...this.st };
  }
}

/** A machine's view of the shared disk: how its I/O behaves now. */
export interface DiskFaults {
  /** Every operation fails (the path to the disk is gone). */
  down: boolean;
  /** Operations take this long (plus up to the same again). */
  latencyMs: number;
  /** This byte position reads as an I/O error (a slot that stays unreadable). */
  badPosition: number | null;
}

/** What a block never written reads as (shared: readers only read). */
const ZERO_BLOCK = new Uint8Array(4096);

/** The one shared disk: blocks by byte position. */
export class SharedDisk {
  private readonly blocks = new Map<number, Uint8Array>();
  readonly faults: [DiskFaults, DiskFaults] = [
    { down: false, latencyMs: 0, badPosition: null },
    { down: false, latencyMs: 0, badPosition: null },
  ];
  reads = 0;
  writes = 0;

  constructor(
    private readonly world: World,
    private readonly rng: Rng,
  ) {}

  /** The block at `position` as it is now (zeros when never written): for checks after a run. */
  peek(position: number): Uint8Array {
    return this.blocks.get(position) ?? ZERO_BLOCK;
  }

  /** Written directly (disk init before the run). */
  put(position: number, bytes: Uint8Array): void {
    this.blocks.set(position, bytes.slice());
  }

  /** A device as one process on machine `side` opens it: I/O completes as that process's events. */
  device(side: Side, owner: Owner): BlockDevice {
    const io = <T>(doing: string, position: number, op: () => T): Promise<T> => {
      const f = this.faults[side];
      const delay = f.latencyMs > 0 ? f.latencyMs + this.rng.next() * f.latencyMs : 0;
      return new Promise<T>((resolve, reject) => {
        this.world.schedule(this.world.t + delay, owner, () => {
          const now = this.faults[side];
          if (now.down || now.badPosition === position)
            return reject(new DiskIoError(`${doing} at byte ${position}: EIO (simulated)`, "EIO"));
          resolve(op());
        });
      });
    };
    return {
      mode: "direct",
      fd: -1,
      readBlock: (position) =>
        io("reading", position, () => {
          this.reads++;
          // Not copied: the decoders only read it, and every write stores a block of its own.
          return this.blocks.get(position) ?? ZERO_BLOCK;
        }),
      writeBlock: (position, data) =>
        io("writing", position, () => {
          this.writes++;
          this.blocks.set(position, data.slice());
        }),
      identityProblem: async () => undefined,
      close: async () => {},
    };
  }
}
