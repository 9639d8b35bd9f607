// Planned switchover (`clusterguard standby`): stop the services, release the resources, freeze what is still
// held on shared storage and the shared root, announce STOPPED, reboot.
//
// Why this is safe: fsfreeze flushes every dirty page and the journal and blocks all further writes, so once it
// returns the file system is consistent on disk and this node can no longer change it. STOPPED lets the STANDBY
// continue its boot without fencing and mount the shared storage, so it is announced only once nothing this node
// holds there is writable: the root frozen, every [[resource]] mount released or, when its release failed (busy),
// frozen too. Anything that cannot be frozen aborts the switchover: what was frozen is thawed, the resources and
// services start again, the node stays ACTIVE. From STOPPED on there is no way back: the node reboots into STANDBY.
import { freezePlan } from "./freeze-plan.ts";
import type { Outcome } from "../core/types.ts";
import type { Held } from "./resources/resource.ts";

/** What releasing left: what could not be released (null: everything was), and what each resource still holds. */
export interface Release {
  notReleased: string | null;
  held: Held[];
}

export interface SwitchoverSteps {
  /** Why the peer cannot take over now (not heard, not STANDBY), or null. */
  peerNotReady(): string | null;
  /** Stop service monitoring and the services, release resources in reverse order; say what is still held. */
  stopServices(): Promise<Release>;
  /** Restart them after an aborted switchover. */
  resumeServices(): Promise<void>;
  /** Freeze a mount a failed release left mounted; null when frozen, else why not. */
  freezeMount(target: string): Promise<string | null>;
  /** Thaw it again (an aborted switchover); null when thawed, else why not. */
  thawMount(target: string): Promise<string | null>;
  /** Announce STOPPED on every link (the core's stop input). */
  announceStopped(reason: string): void;
  /** True once the peer is heard ACTIVE. */
  peerActive(): boolean;
  /** Reset this machine (does not return on a real node). */
  reboot(reason: string): void;
  log(level: "notice" | "warning" | "error", event: string, message: string, fields?: Record<string, number>): void;
  /** Make the shared root unwritable (fsfreeze on a real node); null when done, else why not. */
  freeze(): Promise<string | null>;
  /** How long to wait for the peer to go ACTIVE before rebooting anyway (ms). */
  waitMs?: number;
}

/**
 * Run the switchover; resolves once STOPPED is announced (or with why it was refused or aborted), while waiting
 * for the peer and the reboot go on in the background, so the admin's client still gets its answer.
 */
export async function switchover(s: SwitchoverSteps): Promise<Outcome> {
  const why = s.peerNotReady();
  if (why) return { ok: false, detail: `refused: ${why}` };
  const t0 = performance.now();
  s.log("notice", "switchover", "planned switchover: stopping services");
  const release = await s.stopServices();
  const plan = freezePlan(release.held);
  if (plan.refuse.length > 0) return abort(s, [], `${release.notReleased ?? "released"}; ${plan.refuse.join("; ")}`);
  const frozen: string[] = [];
  for (const target of plan.freeze) {
    const failed = await s.freezeMount(target);
    if (failed !== null) return abort(s, frozen, `${release.notReleased ?? "released"}; ${target} is still mounted and ${failed}`);
    frozen.push(target);
  }
  if (frozen.length > 0) s.log("warning", "switchover", `${frozen.join(", ")} still mounted after the release (${release.notReleased ?? "no failure reported"}): frozen instead`);
  const notFrozen = await s.freeze();
  if (notFrozen !== null) return abort(s, frozen, notFrozen);
  const frozenMs = Math.round(performance.now() - t0);
  const also = frozen.length > 0 ? ` (and ${frozen.join(", ")})` : "";
  s.announceStopped(`planned switchover: shared root frozen${also}`);
  s.log("warning", "switchover", `shared root${also} frozen after ${frozenMs} ms; announced STOPPED, waiting for the peer to go ACTIVE`, { frozenMs });
  void finish(s, t0);
  return { ok: true, detail: `shared root${also} frozen and STOPPED announced after ${frozenMs} ms; the peer takes over, this node reboots into STANDBY` };
}

/** Never STOPPED: thaw what was frozen (last first), bring the resources and services back, stay ACTIVE. */
async function abort(s: SwitchoverSteps, frozen: readonly string[], why: string): Promise<Outcome> {
  const stuck: string[] = [];
  for (const target of [...frozen].reverse()) {
    const failed = await s.thawMount(target);
    if (failed !== null) stuck.push(failed);
  }
  await s.resumeServices();
  const thaw = stuck.length > 0 ? `; ${stuck.join("; ")}: writes there block until it is thawed` : "";
  s.log("error", "switchover", `not announcing STOPPED: ${why}${thaw}; services restarted, still ACTIVE`);
  return { ok: false, detail: `${why}${thaw}; not announcing STOPPED: services restarted, still ACTIVE` };
}

/** Wait for the peer to go ACTIVE (bounded), then reboot: there is no way back from STOPPED. */
async function finish(s: SwitchoverSteps, t0: number): Promise<void> {
  const deadline = performance.now() + (s.waitMs ?? 120000);
  while (!s.peerActive() && performance.now() < deadline) await Bun.sleep(50);
  const handedMs = Math.round(performance.now() - t0);
  const detail = s.peerActive() ? `peer ACTIVE ${handedMs} ms after the request` : `peer not ACTIVE after ${handedMs} ms; rebooting anyway (the root stays frozen)`;
  s.log("warning", "switchover", `${detail}; rebooting into STANDBY`, { handedMs });
  s.reboot(`planned switchover: ${detail}`);
}
