// Cross-checks on fencing: warnings without agents or with a fence loop possible; poison pill timing (as SBD) and its need for the disk.
import type { Checker, Draft } from "./validate-context.ts";

/** Warns on an empty agent list and on startup fencing without a disk; checks poison-pill msgwait and that the shared-disk channel is on. */
export function checkFencing(d: Draft, ck: Checker): void {
  if (d.fencing?.wait_for_all === false && d.channels?.disk?.enabled === false) {
    ck.warn(["fencing", "wait_for_all"], "false with channels.disk off: a node booting with its heartbeat cables cut fences a peer it never heard, and each boot fences the other (a fence loop); enable channels.disk, or keep wait_for_all = true");
  }
  const agents = d.fencing?.agent;
  if (agents === undefined) return;
  if (agents.length === 0) {
    ck.warn(["fencing", "agent"], "no fence agents configured; takeover will never happen without a confirmed fence: add a [[fencing.agent]]");
  }
  agents.forEach((a, i) => {
    if (a?.type !== "poison-pill") return;
    const { msgwait, watchdog_timeout: wt } = a;
    if (typeof msgwait === "number" && typeof wt === "number" && msgwait < 2 * wt * 1000) {
      const expected = `an integer of at least 2 x watchdog_timeout (2 x ${wt} s = ${2 * wt * 1000} ms)`;
      ck.cross(["fencing", "agent", i, "msgwait"], msgwait, expected, [["fencing", "agent", i, "watchdog_timeout"]]);
    }
    if (d.channels?.disk?.enabled === false) {
      const expected = "channels.disk.enabled = true (the poison pill is written to the peer's slot on the shared disk)";
      ck.cross(["fencing", "agent", i, "type"], a.type, expected);
    }
  });
}
