// Planned switchover (`clusterguard standby`): stop the services, freeze the shared root, announce STOPPED, reboot.
//
// Why this is safe: fsfreeze flushes every dirty page and the journal and blocks all further writes, so once it
// returns the shared file system is consistent on disk and this node can no longer change it. Only then does
// the node announce STOPPED, which the STANDBY accepts (from frames echoing its boot) as leave to continue its
// boot without fencing. From STOPPED on there is no way back: the node reboots into STANDBY either way.
import { execa } from "execa";

/** Freeze `root` with fsfreeze(8) after a sync; null when frozen, else why not. */
export async function freezeRoot(root = "/"): Promise<string | null> {
  await execa("sync", [], { reject: false, timeout: 60000 });
  const r = await execa("fsfreeze", ["--freeze", root], { reject: false, timeout: 60000 });
  return r.exitCode === 0 ? null : `fsfreeze --freeze ${root} failed (${r.stderr.trim() || `exit ${r.exitCode}`})`;
}

export interface SwitchoverSteps {
  /** Why the peer cannot take over now (not heard, not STANDBY), or null. */
  peerNotReady(): string | null;
  /** Stop service monitoring and release resources, in reverse order. */
  stopServices(): Promise<void>;
  /** Restart them after an aborted switchover. */
  resumeServices(): Promise<void>;
  /** Announce STOPPED on every link (the core's stop input). */
  announceStopped(reason: string): void;
  /** True once the peer is heard ACTIVE. */
  peerActive(): boolean;
  /** Reset this machine (does not return on a real node). */
  reboot(reason: string): void;
  log(level: "notice" | "warning" | "error", event: string, message: string, fields?: Record<string, number>): void;
  /** Make the shared root unwritable (freezeRoot on a real node); null when done, else why not. */
  freeze(): Promise<string | null>;
  /** How long to wait for the peer to go ACTIVE before rebooting anyway (ms). */
  waitMs?: number;
}

/**
 * Run the switchover; resolves once STOPPED is announced (or with why it was refused), while waiting for the
 * peer and the reboot go on in the background, so the admin's client still gets its answer.
 */
export async function switchover(s: SwitchoverSteps): Promise<{ ok: boolean; detail: string }> {
  const why = s.peerNotReady();
  if (why) return { ok: false, detail: `refused: ${why}` };
  const t0 = performance.now();
  s.log("notice", "switchover", "planned switchover: stopping services");
  await s.stopServices();
  const notFrozen = await s.freeze();
  if (notFrozen !== null) {
    await s.resumeServices();
    return { ok: false, detail: `${notFrozen}; services restarted, still ACTIVE` };
  }
  const frozenMs = Math.round(performance.now() - t0);
  s.announceStopped("planned switchover: shared root frozen");
  s.log("warning", "switchover", `shared root frozen after ${frozenMs} ms; announced STOPPED, waiting for the peer to go ACTIVE`, { frozenMs });
  void finish(s, t0);
  return { ok: true, detail: `shared root frozen and STOPPED announced after ${frozenMs} ms; the peer takes over, this node reboots into STANDBY` };
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
