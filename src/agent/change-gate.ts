// One change of the node at a time: a configuration Apply (the web console) and a planned switchover (standby, or
// the peer's takeover) exclude each other. An Apply during a switchover would write while the root is being frozen
// (blocked writes, a handover turned into a fence); a switchover during an Apply would freeze a half-written change.
// Pure: callers say when a change begins and ends.
import type { Outcome } from "../core/types.ts";

/** The changes that exclude each other. */
export type Change = "apply" | "switchover";

const WHAT: Record<Change, string> = {
  apply: "a configuration Apply is running",
  switchover: "a planned switchover is running",
};

/** Which change runs now. */
export class ChangeGate {
  private kind: Change | null = null;
  private count = 0;

  /** Begin `kind`; null when it may run (a second switchover joins the first), else why not. */
  begin(kind: Change): string | null {
    if (this.kind !== null && (this.kind !== kind || kind === "apply")) return `${WHAT[this.kind]}: try again later`;
    this.kind = kind;
    this.count++;
    return null;
  }

  /** End one `kind` begun. */
  end(kind: Change): void {
    if (this.kind !== kind) return;
    this.count--;
    if (this.count === 0) this.kind = null;
  }

  /** The change running now, or null. */
  get running(): Change | null {
    return this.kind;
  }

  /** `run` as a switchover behind the gate: refused (not ok) while an Apply runs. */
  switchover(run: () => Promise<Outcome>): () => Promise<Outcome> {
    return async () => {
      const why = this.begin("switchover");
      if (why !== null) return { ok: false, detail: `switchover refused: ${why}` };
      try {
        return await run();
      } finally {
        this.end("switchover");
      }
    };
  }
}
