// Virtual time for the simulation: one event queue for the whole world, a seeded random source, and the Clock each
// simulated process runs on (timers owned by the process die with it and wait while its machine is paused).
import { drainMicrotasks } from "bun:jsc";
import type { Clock } from "../../src/sys/clock.ts";

/** mulberry32: small, fast and fully determined by its seed. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** A number in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
}

/** Who an event belongs to: a process (dies with it) on a machine (held while it is paused). */
export interface Owner {
  /** The event is dropped: its process ended. */
  gone(): boolean;
  /** The event waits: its machine is paused (and, for a watchdog, the pause stops it too). */
  held(): boolean;
  /** Take an event that came due while held. */
  hold(ev: Ev): void;
  /** Its time stood still while held (a VM's stopped clock or watchdog): it keeps the time it had left. */
  frozen?(): boolean;
}

export interface Ev {
  t: number;
  seq: number;
  owner: Owner | null;
  fn: () => void;
  cancelled: boolean;
}

/** The world's clock and event queue (a binary heap ordered by time, then by scheduling order). */
export class World {
  t = 0;
  private heap: Ev[] = [];
  private seq = 0;
  /** Events run so far. */
  events = 0;

  schedule(at: number, owner: Owner | null, fn: () => void): () => void {
    const ev: Ev = { t: Math.max(at, this.t), seq: this.seq++, owner, fn, cancelled: false };
    this.push(ev);
    return () => {
      ev.cancelled = true;
    };
  }

  /** Put held events back, in their order: at their new time `ev.t`, or now when that has passed. */
  release(evs: Ev[]): void {
    for (const ev of evs) {
      ev.t = Math.max(ev.t, this.t);
      ev.seq = this.seq++;
      this.push(ev);
    }
  }

  /** Run events up to `until`; after each one, let every promise it settled run, then call `check`. */
  async run(until: number, check: () => void): Promise<void> {
    for (;;) {
      const ev = this.heap[0];
      if (!ev || ev.t > until) break;
      this.pop();
      if (ev.cancelled || ev.owner?.gone()) continue;
      this.t = ev.t;
      if (ev.owner?.held()) {
        ev.owner.hold(ev);
        continue;
      }
      this.events++;
      ev.fn();
      await settle();
      check();
    }
    this.t = Math.max(this.t, until);
  }

  private push(ev: Ev): void {
    const h = this.heap;
    h.push(ev);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i] as Ev, h[p] as Ev)) break;
      [h[i], h[p]] = [h[p] as Ev, h[i] as Ev];
      i = p;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop() as Ev;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l] as Ev, h[m] as Ev)) m = l;
      if (r < h.length && before(h[r] as Ev, h[m] as Ev)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m] as Ev, h[i] as Ev];
      i = m;
    }
  }
}

function before(a: Ev, b: Ev): boolean {
  return a.t < b.t || (a.t === b.t && a.seq < b.seq);
}

/**
 * Every promise settled by an event runs before the next event: the microtask queue is drained in place (a chain of
 * continuations runs to its end), without a turn of the event loop per event.
 */
function settle(): Promise<void> {
  drainMicrotasks();
  return SETTLED;
}
const SETTLED = Promise.resolve();

/** What a process's clock reads from its machine. */
export interface MachineTime {
  /** Monotonic ms of the machine (stops while paused when the pause stops the guest's clock). */
  mono(): number;
  /** Wall-clock ms (the machine's offset applies: a clock jump moves it). */
  wall(): number;
  /** ms since this machine booted. */
  uptime(): number;
}

/** A Clock for one process: its timers are the world's events, owned by the process. */
export function processClock(world: World, owner: Owner, time: MachineTime): Clock {
  return {
    now: () => Math.floor(time.mono()),
    wall: () => Math.floor(time.wall()),
    uptime: () => Math.floor(time.uptime()),
    after: (ms, fn) => world.schedule(world.t + ms, owner, fn),
    every(ms, fn) {
      let cancel = () => {};
      const arm = () => {
        cancel = world.schedule(world.t + ms, owner, () => {
          arm();
          fn();
        });
      };
      arm();
      return () => cancel();
    },
  };
}
