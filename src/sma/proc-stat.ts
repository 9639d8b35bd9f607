// Reading /proc: one process's state, process group and name, and the processes of a group.
import { readdirSync, readFileSync } from "node:fs";

/** The fields of /proc/PID/stat that matter here. */
export interface ProcStat {
  pid: number;
  /** The kernel's comm (at most 15 characters). */
  comm: string;
  /** R, S, D, Z (zombie), T, ... */
  state: string;
  ppid: number;
  pgrp: number;
}

/** Parse one /proc/PID/stat line (comm may contain spaces and parentheses). */
export function parseStat(text: string): ProcStat | null {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return null;
  const rest = text.slice(close + 2).split(" ");
  const pid = Number(text.slice(0, open).trim());
  const [state = "", ppid = "", pgrp = ""] = rest;
  if (!Number.isInteger(pid) || state === "") return null;
  return { pid, comm: text.slice(open + 1, close), state, ppid: Number(ppid), pgrp: Number(pgrp) };
}

/** /proc/PID/stat of one process, or null when it does not exist. */
export function readStat(pid: number, procRoot = "/proc"): ProcStat | null {
  try {
    return parseStat(readFileSync(`${procRoot}/${pid}/stat`, "utf8"));
  } catch {
    return null;
  }
}

/** True when `pid` exists and is not a zombie. */
export function isAlive(pid: number, procRoot = "/proc"): boolean {
  const st = readStat(pid, procRoot);
  return st !== null && st.state !== "Z" && st.state !== "X";
}

/** Every live (non-zombie) process, as /proc lists them. */
export function listProcesses(procRoot = "/proc"): ProcStat[] {
  const out: ProcStat[] = [];
  let names: string[];
  try {
    names = readdirSync(procRoot);
  } catch {
    return out;
  }
  for (const n of names) {
    if (!/^[0-9]+$/.test(n)) continue;
    const st = readStat(Number(n), procRoot);
    if (st !== null && st.state !== "Z" && st.state !== "X") out.push(st);
  }
  return out;
}

/** The pids of the live members of process group `pgid`. */
export function groupMembers(pgid: number, procRoot = "/proc"): number[] {
  return listProcesses(procRoot)
    .filter((p) => p.pgrp === pgid)
    .map((p) => p.pid);
}
