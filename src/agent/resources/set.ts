// The takeover resources as one ordered set: up in config order (stopping at the first failure), down in reverse (going on past failures).
import type { ResourceReport } from "../../mgmt/protocol.ts";
import type { Held, Resource } from "./resource.ts";

export type ResourceEvent = "resource-up" | "resource-down" | "resource-failed";

/** Where every step is reported (the agent's logger). */
export type ResourceEventSink = (
  level: "notice" | "warning" | "error",
  event: ResourceEvent,
  message: string,
  fields: { resource: string; kind: string },
) => void;

/** upAll's outcome: which resource failed, or cancelled when a downAll (switchover) overtook it. */
export interface UpAllResult {
  ok: boolean;
  detail: string;
  failed?: string;
  cancelled?: boolean;
}

/** downAll's outcome: every resource it could not release. */
export interface DownAllResult {
  ok: boolean;
  detail: string;
  failed: string[];
}

/** Runs one upAll or downAll at a time; a downAll cancels any upAll running or waiting. */
export class ResourceSet {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly ups = new Set<AbortController>();

  constructor(
    private readonly resources: readonly Resource[],
    private readonly onEvent: ResourceEventSink,
  ) {}

  /** Bring every resource up in order; the first failure stops it (the rest stay as they are). */
  upAll(signal?: AbortSignal): Promise<UpAllResult> {
    const ctl = new AbortController();
    this.ups.add(ctl);
    const sig = signal ? AbortSignal.any([signal, ctl.signal]) : ctl.signal;
    return this.serial(() => this.up(sig)).finally(() => this.ups.delete(ctl));
  }

  /** Release every resource, last first, whatever state it is in; a failure is reported and the rest still released. */
  downAll(signal: AbortSignal = new AbortController().signal): Promise<DownAllResult> {
    for (const ctl of this.ups) ctl.abort();
    return this.serial(() => this.down(signal));
  }

  /** What each resource still holds of shared storage now (mounts; the others hold none). */
  held(): Held[] {
    return this.resources.map((r) => r.held?.() ?? { state: "free" });
  }

  /** Every resource's last known state, in config order. */
  report(): ResourceReport[] {
    return this.resources.map((r) => r.state());
  }

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.tail.then(run);
    this.tail = next.catch(() => {});
    return next;
  }

  private async up(signal: AbortSignal): Promise<UpAllResult> {
    for (const [i, r] of this.resources.entries()) {
      const rest = this.resources.slice(i + 1).map((x) => x.name);
      const notUp = rest.length > 0 ? `; not brought up: ${rest.join(", ")}` : "";
      if (signal.aborted) return { ok: false, cancelled: true, detail: `cancelled before ${r.name}` };
      const s = await r.up(signal);
      const fields = { resource: r.name, kind: r.kind };
      if (s.ok) {
        this.onEvent(s.warn ? "warning" : "notice", "resource-up", `${r.name}: ${s.detail}`, fields);
        continue;
      }
      if (signal.aborted) {
        this.onEvent("warning", "resource-failed", `${r.name}: bringing up cancelled: ${s.detail}${notUp}`, fields);
        return { ok: false, cancelled: true, detail: `cancelled while bringing up ${r.name}` };
      }
      this.onEvent("error", "resource-failed", `${r.name}: up failed: ${s.detail}${notUp}`, fields);
      return { ok: false, failed: r.name, detail: `resource ${r.name} (${r.kind}) failed: ${s.detail}` };
    }
    const names = this.resources.map((r) => r.name);
    return {
      ok: true,
      detail: names.length === 0 ? "no resources configured" : `${names.length} resource(s) up: ${names.join(", ")}`,
    };
  }

  private async down(signal: AbortSignal): Promise<DownAllResult> {
    const failed: string[] = [];
    for (const r of [...this.resources].reverse()) {
      const s = await r.down(signal);
      const fields = { resource: r.name, kind: r.kind };
      if (s.ok) this.onEvent("notice", "resource-down", `${r.name}: ${s.detail}`, fields);
      else {
        failed.push(r.name);
        this.onEvent("error", "resource-failed", `${r.name}: release failed: ${s.detail}; releasing the rest`, fields);
      }
    }
    const n = this.resources.length;
    if (failed.length > 0)
      return { ok: false, failed, detail: `${failed.length} of ${n} resource(s) not released: ${failed.join(", ")}` };
    return { ok: true, failed, detail: n === 0 ? "no resources configured" : `${n} resource(s) released` };
  }
}
