// A finished process as an OCF result: its exit code per the OCF map, a failed start or a kill as what they mean.
import type { MonitorResult, ProcessResult } from "../api.ts";
import { ocfCodeName, ocfExitToResult } from "../ocf-codes.ts";
import { lastLine } from "../run-process.ts";

/** `what` names the program in the reason ("/usr/lib/ocf/resource.d/x/y monitor"). */
export function processOutcome(what: string, r: ProcessResult): MonitorResult {
  if (r.error !== undefined) {
    // cannot run it at all: missing is OCF_ERR_INSTALLED, not executable is OCF_ERR_PERM: both hard
    return { result: "hard-error", reason: r.error };
  }
  if (r.killed) return { result: "soft-error", reason: `${what} was killed (${r.timedOut ? "timeout" : "aborted"}) after ${r.ms} ms` };
  if (r.exitCode === null) return { result: "soft-error", reason: `${what} died of ${r.signal ?? "a signal"}` };
  const out = lastLine(r);
  return { result: ocfExitToResult(r.exitCode), reason: `${what}: ${ocfCodeName(r.exitCode)}${out === "" ? "" : `: ${out}`}` };
}
