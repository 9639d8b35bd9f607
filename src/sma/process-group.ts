// keepalived's way to end a check: SIGTERM the whole process group, then SIGKILL what is left after a grace.
import { groupMembers } from "./proc-stat.ts";

/** Send `sig` to every process in group `pgid`; false when the group is gone. */
export function signalGroup(pgid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, sig);
    return true;
  } catch {
    return false;
  }
}

/**
 * SIGTERM group `pgid`, wait until the leader has exited and no member is left (or `graceMs`
 * passed), then SIGKILL any survivor and wait for the leader. Resolves with the signals sent.
 */
export async function terminateGroup(pgid: number, leaderExited: Promise<unknown>, graceMs: number): Promise<NodeJS.Signals[]> {
  const sent: NodeJS.Signals[] = [];
  if (signalGroup(pgid, "SIGTERM")) sent.push("SIGTERM");
  let leaderGone = false;
  void leaderExited.then(() => {
    leaderGone = true;
  });
  const end = Date.now() + graceMs;
  while (Date.now() < end && !(leaderGone && groupMembers(pgid).length === 0)) await Bun.sleep(Math.min(20, Math.max(1, end - Date.now())));
  if (!leaderGone || groupMembers(pgid).length > 0) {
    if (signalGroup(pgid, "SIGKILL")) sent.push("SIGKILL");
  }
  await leaderExited;
  return sent;
}
