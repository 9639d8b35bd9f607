// Planned switchover (`clusterguard standby`): stop the services, release the resources, make every file system
// on shared storage unwritable (the root last), announce STOPPED, reboot.
//
// Why this is safe: fsfreeze flushes every dirty page and the journal and blocks all further writes, so once it
// returns the file system is consistent on disk and this node can no longer change it; a file system that cannot be
// frozen (vfat) is remounted read-only instead, which flushes it and refuses further writes. STOPPED lets the STANDBY
// continue its boot without fencing and mount the shared storage, so it is announced only once nothing this node
// holds there is writable: every file system on a shared disk (the disks of the root, of the heartbeat area and of
// each mount resource: /boot, /boot/efi, /var, /home...), every [[resource]] mount a failed release (busy) left
// mounted, deepest mount point first, and the root last. Anything that can be neither frozen nor remounted
// read-only aborts the switchover: what was done is undone (last first), the resources and services start again,
// the node stays ACTIVE. From STOPPED on there is no way back: the node reboots into STANDBY.
import { freezePlan, type MountFacts } from "./freeze-plan.ts";
import type { Outcome } from "../core/types.ts";
import type { Held } from "./resources/resource.ts";
import { type Clock, realClock, sleep } from "../sys/clock.ts";

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
  /** The mounts, block devices and shared devices the freeze plan is made from (read after the release). */
  mountFacts(): MountFacts;
  /** Freeze a file system by its mount point; null when frozen, else why not. */
  freezeMount(target: string): Promise<string | null>;
  /** Thaw it again (an aborted switchover); null when thawed, else why not. */
  thawMount(target: string): Promise<string | null>;
  /** Remount one that cannot be frozen read-only; null when done, else why not. */
  remountReadOnly(target: string): Promise<string | null>;
  /** Make it writable again (an aborted switchover); null when done, else why not. */
  remountWritable(target: string): Promise<string | null>;
  /** Announce STOPPED on every link (the core's stop input); null once announced, else why it was not (recorded first). */
  announceStopped(reason: string): string | null;
  /** True once the peer is heard ACTIVE. */
  peerActive(): boolean;
  /** Reset this machine (does not return on a real node). */
  reboot(reason: string): void;
  log(level: "notice" | "warning" | "error", event: string, message: string, fields?: Record<string, number>): void;
  /** Make the shared root unwritable (fsfreeze on a real node); null when done, else why not. */
  freeze(): Promise<string | null>;
  /** How long to wait for the peer to go ACTIVE before rebooting anyway (ms). */
  waitMs?: number;
  /** The node's clock (the real one by default; a simulator passes its own). */
  clock?: Clock;
}

/**
 * Run the switchover; resolves once STOPPED is announced (or with why it was refused or aborted), while waiting
 * for the peer and the reboot go on in the background, so the admin's client still gets its answer.
 */
export async function switchover(s: SwitchoverSteps): Promise<Outcome> {
  const why = s.peerNotReady();
  if (why) return { ok: false, detail: `refused: ${why}` };
  const clock = s.clock ?? realClock;
  const t0 = clock.now();
  s.log("notice", "switchover", "planned switchover: stopping services");
  const release = await s.stopServices();
  const released = release.notReleased ?? "released";
  let plan: ReturnType<typeof freezePlan>;
  try {
    plan = freezePlan(release.held, s.mountFacts());
  } catch (e) {
    return abort(s, [], `${released}; cannot tell which file systems are on shared storage: ${(e as Error).message}`);
  }
  if (plan.refuse.length > 0) return abort(s, [], `${released}; ${plan.refuse.join("; ")}`);
  const done: Done[] = [];
  for (const step of plan.freeze) {
    const failed = await s.freezeMount(step.target);
    if (failed === null) {
      done.push({ target: step.target, how: "frozen" });
      continue;
    }
    const ro = await s.remountReadOnly(step.target);
    if (ro !== null)
      return abort(
        s,
        done,
        `${released}; ${step.what}: could be neither frozen (${failed}) nor remounted read-only (${ro})`,
      );
    done.push({ target: step.target, how: "read-only" });
    s.log("warning", "switchover", `${step.what}: ${failed}; remounted read-only instead`);
  }
  const held = plan.freeze
    .filter((f) => release.held.some((h) => h.state === "held" && h.target === f.target))
    .map((f) => f.target);
  if (held.length > 0)
    s.log(
      "warning",
      "switchover",
      `${held.join(", ")} still mounted after the release (${release.notReleased ?? "no failure reported"}): made unwritable instead`,
    );
  const notFrozen = await s.freeze();
  if (notFrozen !== null) return abort(s, done, notFrozen);
  const frozenMs = clock.now() - t0;
  const also = summary(done);
  const refused = s.announceStopped(`planned switchover: shared root frozen${also}`);
  if (refused !== null) return abort(s, [...done, { target: "/", how: "frozen" }], refused);
  s.log(
    "warning",
    "switchover",
    `shared root frozen${also} after ${frozenMs} ms (shared disks: ${plan.disks.join(", ") || "none found"}); announced STOPPED, waiting for the peer to go ACTIVE`,
    { frozenMs },
  );
  void finish(s, t0);
  return {
    ok: true,
    detail: `shared root frozen${also} and STOPPED announced after ${frozenMs} ms; the peer takes over, this node reboots into STANDBY`,
  };
}

/** A file system made unwritable before STOPPED, and how (so that an abort undoes it the same way). */
interface Done {
  target: string;
  how: "frozen" | "read-only";
}

/** " (and /boot, /srv/data frozen; /boot/efi read-only)", or "" when only the root was frozen. */
function summary(done: readonly Done[]): string {
  const frozen = done.filter((d) => d.how === "frozen").map((d) => d.target);
  const ro = done.filter((d) => d.how === "read-only").map((d) => d.target);
  if (done.length === 0) return "";
  const parts = [
    frozen.length > 0 ? `${frozen.join(", ")} frozen` : "",
    ro.length > 0 ? `${ro.join(", ")} remounted read-only` : "",
  ].filter((p) => p !== "");
  return ` (and ${parts.join("; ")})`;
}

/** Never STOPPED: undo what was done (last first), bring the resources and services back, stay ACTIVE. */
async function abort(s: SwitchoverSteps, done: readonly Done[], why: string): Promise<Outcome> {
  const stuck: string[] = [];
  for (const d of [...done].reverse()) {
    const failed = d.how === "frozen" ? await s.thawMount(d.target) : await s.remountWritable(d.target);
    if (failed !== null) stuck.push(failed);
  }
  await s.resumeServices();
  const thaw = stuck.length > 0 ? `; ${stuck.join("; ")}: writes there fail or block until it is fixed by hand` : "";
  s.log("error", "switchover", `not announcing STOPPED: ${why}${thaw}; services restarted, still ACTIVE`);
  return { ok: false, detail: `${why}${thaw}; not announcing STOPPED: services restarted, still ACTIVE` };
}

/** Wait for the peer to go ACTIVE (bounded), then reboot: there is no way back from STOPPED. */
async function finish(s: SwitchoverSteps, t0: number): Promise<void> {
  const clock = s.clock ?? realClock;
  const deadline = clock.now() + (s.waitMs ?? 120000);
  while (!s.peerActive() && clock.now() < deadline) await sleep(clock, 50);
  const handedMs = clock.now() - t0;
  const detail = s.peerActive()
    ? `peer ACTIVE ${handedMs} ms after the request`
    : `peer not ACTIVE after ${handedMs} ms; rebooting anyway (the root stays frozen)`;
  s.log("warning", "switchover", `${detail}; rebooting into STANDBY`, { handedMs });
  s.reboot(`planned switchover: ${detail}`);
}
