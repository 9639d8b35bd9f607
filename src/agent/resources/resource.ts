// The one interface every takeover resource (cluster IP, mount, systemd unit) implements, and its state keeping.
import { errorText } from "../../log/logger.ts";
import type { ResourceReport } from "../../mgmt/protocol.ts";

export type ResourceKind = ResourceReport["kind"];

/** What one up or down did: ok, one line saying what happened; warn when ok but degraded (no gratuitous ARP). */
export interface StepResult {
  ok: boolean;
  detail: string;
  warn?: boolean;
}

/**
 * After a release, whether a resource still holds shared storage writable: free; held at a mount point that
 * fsfreeze can reach; or stuck (still there, but not reachable by its path). Only mounts hold storage.
 */
export type Held =
  | { state: "free" }
  | { state: "held"; target: string; detail: string }
  | { state: "stuck"; detail: string };

/** A resource the ACTIVE holds; up and down are idempotent and bounded by the resource's own timeout. */
export interface Resource {
  readonly name: string;
  readonly kind: ResourceKind;
  /** Bring it up (already up is success); `signal` cancels the running command. */
  up(signal: AbortSignal): Promise<StepResult>;
  /** Release it (already released is success). */
  down(signal: AbortSignal): Promise<StepResult>;
  /** The last known state, for the status report. */
  state(): ResourceReport;
  /** Whether it still holds shared storage (mounts only; the others hold none). */
  held?(): Held;
}

/** The last known state of one resource: starting/stopping while a step runs, then up, down or failed. */
export class ResourceState {
  private current: ResourceReport;

  constructor(name: string, kind: ResourceKind) {
    this.current = { name, kind, state: "down", detail: "not brought up yet" };
  }

  /** A copy of the current report. */
  report(): ResourceReport {
    return { ...this.current };
  }

  /** Run one step, showing it as starting/stopping meanwhile; a throw counts as a failure, never escapes. */
  async step(dir: "up" | "down", run: () => Promise<StepResult>): Promise<StepResult> {
    this.current = {
      ...this.current,
      state: dir === "up" ? "starting" : "stopping",
      detail: dir === "up" ? "bringing up" : "releasing",
    };
    let r: StepResult;
    try {
      r = await run();
    } catch (e) {
      r = { ok: false, detail: `unexpected error: ${errorText(e)}` };
    }
    this.current = { ...this.current, state: r.ok ? dir : "failed", detail: r.detail };
    return r;
  }
}
