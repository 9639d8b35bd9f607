// Planned switchover (`clusterguard standby`): stop the services, freeze the shared root, announce STOPPED, reboot.
//
// Why this is safe: fsfreeze flushes every dirty page and the journal and blocks all further writes, so once it
// returns the shared file system is consistent on disk and this node can no longer change it. Only then does
// the node announce STOPPED, which the STANDBY accepts (from frames echoing its boot) as leave to continue its
// boot without fencing. From STOPPED on there is no way back: the node reboots into STANDBY either way.
import { execa } from "execa";

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
  /** The root file system to freeze (default "/"). */
  root?: string;
  /** How long to wait for the peer to go ACTIVE before rebooting anyway (ms). */
  waitMs?: number;
}

/** Run the switchover; resolves with what happened (the machine reboots at the end on a real node). */
export async function switchover(s: SwitchoverSteps): Promise<{ ok: boolean; detail: string }> {
  const why = s.peerNotReady();
  if (why) return { ok: false, detail: `refused: ${why}` };
  const root = s.root ?? "/";
  const t0 = performance.now();
  s.log("notice", "switchover", "planned switchover: stopping services");
  await s.stopServices();
  await execa("sync", [], { reject: false, timeout: 60000 });
  const frozen = await execa("fsfreeze", ["--freeze", root], { reject: false, timeout: 60000 });
  if (frozen.exitCode !== 0) {
    await s.resumeServices();
    return { ok: false, detail: `fsfreeze --freeze ${root} failed (${frozen.stderr.trim() || `exit ${frozen.exitCode}`}); services restarted, still ACTIVE` };
  }
  const frozenMs = Math.round(performance.now() - t0);
  s.announceStopped(`planned switchover: ${root} frozen`);
  s.log("warning", "switchover", `${root} frozen after ${frozenMs} ms; announced STOPPED, waiting for the peer to go ACTIVE`, { frozenMs });
  const deadline = performance.now() + (s.waitMs ?? 120000);
  while (!s.peerActive() && performance.now() < deadline) await Bun.sleep(50);
  const handedMs = Math.round(performance.now() - t0);
  const detail = s.peerActive() ? `peer ACTIVE ${handedMs} ms after the request` : `peer not ACTIVE after ${handedMs} ms; rebooting anyway (the root stays frozen)`;
  s.log("warning", "switchover", `${detail}; rebooting into STANDBY`, { handedMs });
  s.reboot(`planned switchover: ${detail}`);
  return { ok: true, detail };
}
