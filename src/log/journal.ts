// Events to systemd-journald over its native protocol, as sd_journal_send(3) does without libsystemd: one datagram
// per event on /run/systemd/journal/socket holding KEY=value fields, so that each event is one journal entry with
// its priority, SYSLOG_IDENTIFIER=clusterguard and the event's own fields (CLUSTERGUARD_EVENT=role...).
import { ptr } from "bun:ffi";
import { fstatSync } from "node:fs";
import { libc } from "../sys/libc.ts";
import type { LogEvent } from "./event.ts";
import { priorityOf, type Sink } from "./logger.ts";

export const JOURNAL_SOCKET = "/run/systemd/journal/socket";
export const IDENTIFIER = "clusterguard";

const AF_UNIX = 1;
const SOCK_DGRAM = 2;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;

/** The journal field for an event's key: CLUSTERGUARD_ and the key in capitals ("fenceLevel" -> CLUSTERGUARD_FENCE_LEVEL). */
export function fieldName(key: string): string {
  const snake = key
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toUpperCase()
    .replace(/[^A-Z0-9_]/g, "_");
  return `CLUSTERGUARD_${snake}`.slice(0, 64);
}

/** One event as the datagram journald reads: the message as the console shows it, the priority, the fields. */
export function journalDatagram(e: LogEvent): Uint8Array {
  const { ts: _ts, level, node, event, message, role, ...rest } = e;
  const fields: [string, string][] = [
    ["MESSAGE", `${node} ${event}${role ? ` [${role}]` : ""}: ${message}`],
    ["PRIORITY", String(priorityOf(level))],
    ["SYSLOG_IDENTIFIER", IDENTIFIER],
    ["CLUSTERGUARD_EVENT", event],
    ["CLUSTERGUARD_NODE", node],
  ];
  if (role) fields.push(["CLUSTERGUARD_ROLE", role]);
  for (const [k, v] of Object.entries(rest)) {
    if (v !== undefined) fields.push([fieldName(k), typeof v === "string" ? v : JSON.stringify(v)]);
  }
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  for (const [k, v] of fields) {
    if (!v.includes("\n")) {
      parts.push(enc.encode(`${k}=${v}\n`));
      continue;
    }
    // A value with a newline: the name, a newline, the value's length as 64-bit little-endian, the value, a newline.
    const value = enc.encode(v);
    const len = new Uint8Array(8);
    new DataView(len.buffer).setBigUint64(0, BigInt(value.length), true);
    parts.push(enc.encode(`${k}\n`), len, value, enc.encode("\n"));
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * True when this process's stdout or stderr is the journal stream systemd gave it: JOURNAL_STREAM holds that
 * stream's device and inode (systemd.exec(5)), and a process started by hand from such a service does not match.
 */
export function journalConnected(stream = process.env.JOURNAL_STREAM): boolean {
  const m = /^(\d+):(\d+)$/.exec(stream ?? "");
  if (!m) return false;
  return [1, 2].some((fd) => {
    try {
      const st = fstatSync(fd, { bigint: true });
      return st.dev === BigInt(m[1] ?? "") && st.ino === BigInt(m[2] ?? "");
    } catch {
      return false;
    }
  });
}

/**
 * A sink that sends every event to journald on `socketPath` without ever blocking (the socket is non-blocking); an
 * event journald does not take (it is restarting, its queue is full) goes to `fallback` instead. Null when no
 * socket can be made.
 */
export function journalSink(fallback: Sink, socketPath = JOURNAL_SOCKET): Sink | null {
  const path = new TextEncoder().encode(socketPath);
  if (path.length > 107) return null;
  const addr = new Uint8Array(2 + 108);
  new DataView(addr.buffer).setUint16(0, AF_UNIX, true);
  addr.set(path, 2);
  const fd = libc().socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return null;
  return (e) => {
    const d = journalDatagram(e);
    const n = libc().sendto(fd, ptr(d), d.length, 0, ptr(addr), 2 + path.length);
    if (Number(n) !== d.length) fallback(e);
  };
}
