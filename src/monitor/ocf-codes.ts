// OCF resource agent exit codes and the result class each one maps to, and a finished process read that way.

import type { MonitorResult, ProcessResult, ResultKind } from "./api.ts";
import { lastLine } from "./run-process.ts";

/** The OCF exit codes (resource-agents' ocf-returncodes). */
export const OCF = {
  SUCCESS: 0,
  ERR_GENERIC: 1,
  ERR_ARGS: 2,
  ERR_UNIMPLEMENTED: 3,
  ERR_PERM: 4,
  ERR_INSTALLED: 5,
  ERR_CONFIGURED: 6,
  NOT_RUNNING: 7,
} as const;

/**
 * Map an OCF exit code to a result class. 0 running, 7 not running, 1 soft error (restart
 * in place), 6 fatal (stop, wait for an admin). 2 (invalid arguments) and 3 (unimplemented)
 * are hard errors like 4 (insufficient privileges) and 5 (not installed), as Pacemaker
 * treats them: this node's setup is wrong for the agent, so restarting here cannot help
 * while the peer may be fine. Anything else (8/9 promoted states included: clusterguard
 * has no promotable resources) is a soft error.
 */
export function ocfExitToResult(code: number): ResultKind {
  switch (code) {
    case OCF.SUCCESS:
      return "running";
    case OCF.NOT_RUNNING:
      return "not-running";
    case OCF.ERR_ARGS:
    case OCF.ERR_UNIMPLEMENTED:
    case OCF.ERR_PERM:
    case OCF.ERR_INSTALLED:
      return "hard-error";
    case OCF.ERR_CONFIGURED:
      return "fatal";
    default:
      return "soft-error";
  }
}

/** The OCF name of an exit code, for reasons ("OCF_ERR_INSTALLED"). */
export function ocfCodeName(code: number): string {
  const hit = Object.entries(OCF).find(([, v]) => v === code);
  return hit === undefined ? `exit ${code}` : `OCF_${hit[0]}`;
}

// A finished process as an OCF result: its exit code per the OCF map, a failed start or a kill as what they mean.

/** `what` names the program in the reason ("/usr/lib/ocf/resource.d/x/y monitor"). */
export function processOutcome(what: string, r: ProcessResult): MonitorResult {
  if (r.error !== undefined) {
    // cannot run it at all: missing is OCF_ERR_INSTALLED, not executable is OCF_ERR_PERM: both hard
    return { result: "hard-error", reason: r.error };
  }
  if (r.killed)
    return {
      result: "soft-error",
      reason: `${what} was killed (${r.timedOut ? "timeout" : "aborted"}) after ${r.ms} ms`,
    };
  if (r.exitCode === null) return { result: "soft-error", reason: `${what} died of ${r.signal ?? "a signal"}` };
  const out = lastLine(r);
  return {
    result: ocfExitToResult(r.exitCode),
    reason: `${what}: ${ocfCodeName(r.exitCode)}${out === "" ? "" : `: ${out}`}`,
  };
}
