// Anti-replay sliding window over sequence numbers (as in IPsec, RFC 4303 section 3.4.3).

/** How many sequence numbers behind the highest one are still remembered. */
export const REPLAY_WINDOW = 64;

const WINDOW_MASK = (1n << BigInt(REPLAY_WINDOW)) - 1n;

/** Outcome of offering one sequence number to the window. */
export type WindowVerdict = "ok" | "duplicate" | "too-old";

/** A window as plain data, for a successor process: the highest seq and the seen bits as hex. */
export interface WindowState {
  top: number;
  seen: string;
}

/** The highest sequence number seen, and which of the 63 before it were seen too. */
export class ReplayWindow {
  /** Bit i set: sequence number `highest - i` was seen. */
  private seen = 1n;

  constructor(private highest: number) {}

  /** A window restored from `state` (already validated: a safe integer and at most 16 hex digits). */
  static from(state: WindowState): ReplayWindow {
    const w = new ReplayWindow(state.top);
    w.seen = (BigInt(`0x${state.seen || "1"}`) & WINDOW_MASK) | 1n;
    return w;
  }

  /** This window as plain data. */
  save(): WindowState {
    return { top: this.highest, seen: this.seen.toString(16) };
  }

  /** Highest sequence number accepted so far. */
  get top(): number {
    return this.highest;
  }

  /** Accepts and records `seq` if it is new and not too old; otherwise says why not. */
  offer(seq: number): WindowVerdict {
    if (seq > this.highest) {
      const shift = seq - this.highest;
      this.seen = shift >= REPLAY_WINDOW ? 1n : ((this.seen << BigInt(shift)) | 1n) & WINDOW_MASK;
      this.highest = seq;
      return "ok";
    }
    const behind = this.highest - seq;
    if (behind >= REPLAY_WINDOW) return "too-old";
    const bit = 1n << BigInt(behind);
    if (this.seen & bit) return "duplicate";
    this.seen |= bit;
    return "ok";
  }
}
