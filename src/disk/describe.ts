// What `disk dump` prints of an area: text, one line for the device, the header, each slot and each mailbox; or
// the same as one JSON document (`disk dump --json`).

import type { AreaSnapshot, DiskArea } from "./area.ts";
import { readSnapshot } from "./area.ts";
import type { BlockResult } from "./block.ts";
import { idText } from "./block.ts";
import type { Header } from "./header.ts";
import type { HeartbeatSlot, MailboxMessage } from "./slot.ts";

/** One line for a decode result: its text when ok, else "<kind>: <detail>". */
function line<T>(result: BlockResult<T>, text: (value: T) => string): string {
  return result.kind === "ok"
    ? text(result.value)
    : result.kind === "empty"
      ? "empty"
      : `${result.kind}: ${result.detail}`;
}

function headerText(h: Header): string {
  const t = h.timers;
  return `cluster ${idText(h.clusterId)}, layout ${h.version}, ${h.slotCount} slots of ${h.blockSize} bytes, keepalive ${t.keepaliveMs} ms, deadtime ${t.deadtimeMs} ms, msgwait ${t.msgwaitMs} ms, watchdog ${t.watchdogTimeoutMs} ms, created ${new Date(h.createdAt).toISOString()}`;
}

function slotText(s: HeartbeatSlot, now: number): string {
  const watchdog = s.watchdogMs ? `watchdog ${s.watchdogMs} ms armed` : "no watchdog shown";
  const priority = s.priority === undefined ? "" : `, priority ${s.priority}`;
  return `node ${s.node}, ${s.role}, incarnation ${s.incarnation}, seq ${s.seq}, written ${formatAge(s.writtenAt, now)}, uptime ${(s.uptimeMs / 1000).toFixed(1)} s, ${watchdog}${priority}`;
}

/** One mailbox message as text: type, sender, when, and which boot of the owner it was meant for. */
export function describeMailbox(m: MailboxMessage, now: number): string {
  const target = m.targetIncarnation ? `, for incarnation ${m.targetIncarnation}` : "";
  return `${m.type} from ${m.sender} (incarnation ${m.senderIncarnation}, seq ${m.seq}${target}), written ${formatAge(m.writtenAt, now)}`;
}

/** The snapshot as text lines (no trailing newline). */
export function describeSnapshot(s: AreaSnapshot, now: number): string {
  const lines = [
    `${s.device} at offset ${s.offset} (${s.mode === "direct" ? "O_DIRECT" : "O_SYNC + fadvise, O_DIRECT refused"})`,
  ];
  lines.push(`header: ${line(s.header, headerText)}`);
  s.slots.forEach((slot, i) => {
    lines.push(`slot ${i} heartbeat: ${line(slot, (v) => slotText(v, now))}`);
    const mailbox = s.mailboxes[i];
    if (mailbox) lines.push(`slot ${i} mailbox: ${line(mailbox, (v) => describeMailbox(v, now))}`);
  });
  return lines.join("\n");
}

/** One decoded block as JSON: `status` "ok" and its fields, or the rejection's kind as status and its detail. */
type BlockJson = { status: "ok"; [field: string]: unknown } | { status: string; detail: string; clusterId?: string };

function blockJson<T>(r: BlockResult<T>, fields: (v: T) => Record<string, unknown>): BlockJson {
  if (r.kind === "ok") return { status: "ok", ...fields(r.value) };
  return r.kind === "foreign-cluster"
    ? { status: r.kind, detail: r.detail, clusterId: idText(r.clusterId) }
    : { status: r.kind, detail: r.detail };
}

/** `disk dump --json`: the header and each slot's heartbeat and mailbox; times as ISO text, ages in ms at `now`. */
export function snapshotJson(s: AreaSnapshot, now: number): Record<string, unknown> {
  const when = (ms: number) => ({ at: new Date(ms).toISOString(), ageMs: now - ms });
  return {
    device: s.device,
    offset: s.offset,
    io: s.mode === "direct" ? "O_DIRECT" : "O_SYNC",
    readAt: new Date(now).toISOString(),
    header: blockJson(s.header, (h) => ({
      clusterId: idText(h.clusterId),
      layout: h.version,
      slotCount: h.slotCount,
      blockSize: h.blockSize,
      timers: { ...h.timers },
      createdAt: new Date(h.createdAt).toISOString(),
    })),
    slots: s.slots.map((slot, i) => {
      const mailbox = s.mailboxes[i];
      return {
        slot: i,
        heartbeat: blockJson(slot, (v) => {
          const w = when(v.writtenAt);
          return {
            node: v.node,
            role: v.role,
            incarnation: v.incarnation,
            seq: v.seq,
            writtenAt: w.at,
            ageMs: w.ageMs,
            uptimeMs: v.uptimeMs,
            writer: v.writer ?? 0,
            watchdogMs: v.watchdogMs ?? 0,
            priority: v.priority ?? null,
          };
        }),
        mailbox: mailbox
          ? blockJson(mailbox, (m) => {
              const w = when(m.writtenAt);
              return {
                type: m.type,
                sender: m.sender,
                senderIncarnation: m.senderIncarnation,
                seq: m.seq,
                targetIncarnation: m.targetIncarnation,
                writtenAt: w.at,
                ageMs: w.ageMs,
              };
            })
          : null,
      };
    }),
  };
}

/** Reads the area and describes it, as `clusterguard disk dump` prints it. */
export async function describeArea(area: DiskArea, now: number = Date.now()): Promise<string> {
  return describeSnapshot(await readSnapshot(area), now);
}

// Human wording of how long ago a wall-clock timestamp was, honest about clock skew.

/** "1.2 s ago", "3.0 min ago", or "0.4 s in the future (clock skew?)" for `then` seen at `now` (both ms). */
function formatAge(then: number, now: number): string {
  const ms = now - then;
  if (ms < 0) return `${seconds(-ms)} in the future (clock skew?)`;
  return `${seconds(ms)} ago`;
}

/** A duration in ms as seconds, minutes, hours or days with one decimal. */
function seconds(ms: number): string {
  const s = ms / 1000;
  if (s < 120) return `${s.toFixed(1)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  if (s < 172800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} days`;
}
