// Run one `ipmitool chassis power <cmd>` against a BMC: password from a file (-f), never on argv; bounded by a signal.
import { execa } from "execa";
import { readSecretOrWhy, runningUid } from "../config/secret-file.ts";

/** How to reach the BMC. */
export interface IpmiTarget {
  /** ipmitool executable (a path or a name on PATH). */
  bin: string;
  host: string;
  user: string;
  passwordFile: string;
  interface: "lan" | "lanplus";
}

/** ipmitool's stdout, or one line saying why the call failed. */
export type IpmiResult = { ok: true; stdout: string } | { ok: false; detail: string };

/** A hung ipmitool gets SIGTERM when the signal aborts, then SIGKILL this much later. */
const KILL_AFTER_MS = 1000;

/** The exact argv for `chassis power <cmd>`. */
export function ipmitoolArgs(t: IpmiTarget, cmd: "on" | "off" | "status"): string[] {
  return ["-I", t.interface, "-H", t.host, "-U", t.user, "-f", t.passwordFile, "chassis", "power", cmd];
}

/** Run `chassis power <cmd>`; never rejects: failures come back as one line saying what went wrong. */
export async function ipmitool(t: IpmiTarget, cmd: "on" | "off" | "status", signal: AbortSignal): Promise<IpmiResult> {
  const what = `ipmitool chassis power ${cmd} (${t.host})`;
  if (signal.aborted) return { ok: false, detail: `${what} not run: the fence time ran out` };
  // ipmitool reads the file itself (-f): it must pass the secret-file rules first.
  const secret = readSecretOrWhy(t.passwordFile, { requireUid: runningUid(), holding: "the BMC password", configKey: "password_file" });
  if ("why" in secret) return { ok: false, detail: `${what} not run: password_file refused: ${secret.why}` };
  const r = await execa(t.bin, ipmitoolArgs(t, cmd), { reject: false, stdin: "ignore", cancelSignal: signal, forceKillAfterDelay: KILL_AFTER_MS });
  if (r.isCanceled) return { ok: false, detail: `${what} timed out: killed when the fence time ran out` };
  if (r.code === "ENOENT" || r.code === "EACCES") return { ok: false, detail: `ipmitool not found or not executable at ${t.bin} (${r.code}); install ipmitool` };
  if (r.exitCode !== 0) {
    const why = oneLine(r.stderr) || oneLine(r.stdout) || r.shortMessage || "no message";
    return { ok: false, detail: `${what} failed (${r.signal ?? `exit ${r.exitCode}`}): ${why}` };
  }
  return { ok: true, stdout: r.stdout };
}

/** ipmitool's message, trimmed to one line of at most 300 characters. */
function oneLine(s: unknown): string {
  const text = typeof s === "string" ? s : "";
  return text.split("\n").map((l) => l.trim()).filter(Boolean).join("; ").slice(0, 300);
}
