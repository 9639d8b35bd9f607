// The management protocol: one JSON request per line, one JSON reply per line (Unix socket, or TCP+TLS with a token).
// Here are the messages, the line framing, the validation of a request, and how a request reaches the ControlHandler.
import { NAME } from "../config/index.ts";
import type { Role } from "../core/types.ts";
import type { MonitorStatus } from "../monitor/status.ts";

/** What a client may ask. `token` is required on TCP, ignored on the Unix socket (root-only by mode 0600). */
export type Request =
  | { op: "status"; token?: string }
  | { op: "takeover"; token?: string }
  | { op: "standby"; token?: string }
  | { op: "fence"; target: string; confirm: true; manual?: true; token?: string }
  | { op: "monitors"; action: "list" | "pause" | "resume"; name?: string; token?: string };

/** Every reply: ok with a result, or an error that says what was wrong. */
export type Reply<T = unknown> = { ok: true; result: T } | { ok: false; error: string };

/**
 * What the node does for each request (the agent daemon, or the guard parked in the initrd); the server only
 * parses, authorises and dispatches.
 */
export interface ControlHandler {
  status(): StatusReport;
  /** Ask to become ACTIVE (only meaningful on a STANDBY: refused with a reason otherwise). */
  takeover(): Promise<Reply<string>>;
  /** Planned switchover: this ACTIVE hands over cleanly to the peer. */
  standby(): Promise<Reply<string>>;
  /** Fence `target` now through the configured levels; `manual`: the admin says it is off already (no fence is run). */
  fence(target: string, manual?: boolean): Promise<Reply<string>>;
  /** List the service monitors, or pause or resume one. */
  monitors(action: "list" | "pause" | "resume", name?: string): Promise<Reply<MonitorStatus[]>>;
}

// The status report the node serves and the client prints.

/** One heartbeat link as this node sees it. */
export interface LinkReport {
  kind: "serial" | "udp" | "disk";
  up: boolean;
  /** ms since the peer was last heard on this link; null if never. */
  lastHeardAgoMs: number | null;
  late: boolean;
  dead: boolean;
  framesIn: number;
  framesOut: number;
  dropped: number;
  lastError: string | null;
}

/** One resource brought up on takeover (cluster IP, mount, unit). */
export interface ResourceReport {
  name: string;
  kind: "ip" | "mount" | "unit";
  state: "up" | "down" | "failed" | "starting" | "stopping";
  detail: string;
}

/** Everything `clusterguard status` shows. */
export interface StatusReport {
  /** ISO time the report was made. */
  generatedAt: string;
  cluster: string;
  node: string;
  role: Role;
  incarnation: number;
  /** The peer as heard last; `incarnation` is its boot's, absent until it is heard. */
  peer: { name: string; role: Role | null; lastHeardAgoMs: number | null; incarnation?: number };
  links: LinkReport[];
  /** Heartbeats that arrived after warntime since the agent started. */
  lateHeartbeats: number;
  fence: { state: "idle" | "fencing" | "failed" | "confirmed"; last: string | null; at: string | null };
  monitors: MonitorStatus[];
  resources: ResourceReport[];
  /** Why activation is refused (pending poison pill), or null. */
  blocked: string | null;
}

// Line framing: bytes in, bounded newline-terminated lines out; replies as JSON lines.

/** The longest request line the server accepts, in bytes (without the newline). */
export const MAX_LINE_BYTES = 64 * 1024;

/** What one chunk of input produced: the complete lines, and whether a line overran the limit. */
export interface Split {
  lines: string[];
  oversize: boolean;
}

/** Accumulates received bytes and yields complete lines; never holds more than `max` bytes of a partial line. */
export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;

  constructor(private readonly max = MAX_LINE_BYTES) {}

  /** Feed one received chunk; after `oversize` the caller must stop feeding and close. */
  push(chunk: Uint8Array): Split {
    const lines: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      const tail = chunk.subarray(start, nl);
      if (this.size + tail.length > this.max) return { lines, oversize: true };
      lines.push(this.take(tail));
      start = nl + 1;
    }
    const rest = chunk.subarray(start);
    if (this.size + rest.length > this.max) return { lines, oversize: true };
    if (rest.length > 0) {
      this.parts.push(Buffer.from(rest));
      this.size += rest.length;
    }
    return { lines, oversize: false };
  }

  private take(tail: Uint8Array): string {
    const whole = this.parts.length === 0 ? Buffer.from(tail) : Buffer.concat([...this.parts, tail]);
    this.parts = [];
    this.size = 0;
    const text = whole.toString("utf8");
    return text.endsWith("\r") ? text.slice(0, -1) : text;
  }
}

/** One reply as one JSON line; a result that cannot be serialised becomes an error reply. */
export function encodeReply(reply: Reply): string {
  try {
    return `${JSON.stringify(reply)}\n`;
  } catch (e) {
    return `${JSON.stringify({ ok: false, error: `the agent could not encode its reply (${(e as Error).message})` })}\n`;
  }
}

/** A short, single-line rendering of a received value for error messages ("nothing" when absent). */
export function describeValue(v: unknown, max = 60): string {
  if (v === undefined) return "nothing";
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  const kind = Array.isArray(v) ? "an array " : v === null ? "" : typeof v === "object" ? "an object " : "";
  return kind + (s.length > max ? `${s.slice(0, max)}...` : s);
}

// Validation of one request line: JSON object, known op, exactly the fields that op takes.

/** A parsed JSON object, or what was expected and what arrived. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Every op the server answers, in the order error messages list them. */
export const OPS = ["status", "takeover", "standby", "fence", "monitors"] as const;
/** Ops that were renamed, and their new name. */
const RENAMED_OPS: Readonly<Record<string, string>> = { agents: "monitors" };
const MONITOR_ACTIONS = ["list", "pause", "resume"] as const;
const FIELDS: Record<Request["op"], readonly string[]> = {
  status: [],
  takeover: [],
  standby: [],
  fence: ["target", "confirm", "manual"],
  monitors: ["action", "name"],
};

/** Parse one line as a JSON object (the token check needs the object before the request is validated). */
export function parseObject(line: string): Parsed<Record<string, unknown>> {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (e) {
    return {
      ok: false,
      error: `malformed JSON (${(e as Error).message}): expected one JSON object per line such as {"op":"status"}; got ${describeValue(line)}`,
    };
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    return { ok: false, error: `expected a JSON object with an "op" field; got ${describeValue(v)}` };
  }
  return { ok: true, value: v as Record<string, unknown> };
}

/** Check a parsed object against the Request contract. */
export function validateRequest(o: Record<string, unknown>): Parsed<Request> {
  const op = o.op;
  if (typeof op === "string" && Object.hasOwn(RENAMED_OPS, op)) {
    return { ok: false, error: `op ${describeValue(op)}: renamed: use ${describeValue(RENAMED_OPS[op])}` };
  }
  if (typeof op !== "string" || !(OPS as readonly string[]).includes(op)) {
    return { ok: false, error: `unknown op ${describeValue(op)}; expected "op" to be one of: ${OPS.join(", ")}` };
  }
  const known = FIELDS[op as Request["op"]];
  for (const k of Object.keys(o)) {
    if (k !== "op" && k !== "token" && !known.includes(k)) {
      return {
        ok: false,
        error: `unknown field "${k}" in a ${op} request; expected only: ${["op", ...known, "token"].join(", ")}`,
      };
    }
  }
  if (o.token !== undefined && typeof o.token !== "string")
    return { ok: false, error: `"token" must be a string; got ${describeValue(o.token)}` };
  const token = o.token === undefined ? {} : { token: o.token as string };
  switch (op) {
    case "fence":
      if (typeof o.target !== "string" || !NAME.test(o.target))
        return {
          ok: false,
          error: `fence needs "target": a node name of 1-32 characters [A-Za-z0-9_.-]; got ${describeValue(o.target)}`,
        };
      if (o.confirm !== true)
        return { ok: false, error: `fence needs "confirm": true; got ${describeValue(o.confirm)}` };
      if (o.manual !== undefined && o.manual !== true)
        return { ok: false, error: `fence "manual" may only be true; got ${describeValue(o.manual)}` };
      return {
        ok: true,
        value: {
          op,
          target: o.target,
          confirm: true,
          ...(o.manual === true ? { manual: true as const } : {}),
          ...token,
        },
      };
    case "monitors":
      return validateMonitors(o, token);
    default:
      return { ok: true, value: { op: op as "status" | "takeover" | "standby", ...token } };
  }
}

function validateMonitors(o: Record<string, unknown>, token: { token?: string }): Parsed<Request> {
  const action = o.action;
  if (typeof action !== "string" || !(MONITOR_ACTIONS as readonly string[]).includes(action)) {
    return {
      ok: false,
      error: `monitors needs "action": one of ${MONITOR_ACTIONS.join(", ")}; got ${describeValue(action)}`,
    };
  }
  const a = action as (typeof MONITOR_ACTIONS)[number];
  if (a === "list") {
    if (o.name !== undefined)
      return { ok: false, error: `monitors list takes no "name"; got ${describeValue(o.name)}` };
    return { ok: true, value: { op: "monitors", action: a, ...token } };
  }
  if (typeof o.name !== "string" || !NAME.test(o.name))
    return {
      ok: false,
      error: `monitors ${a} needs "name": a monitor name of 1-32 characters [A-Za-z0-9_.-]; got ${describeValue(o.name)}`,
    };
  return { ok: true, value: { op: "monitors", action: a, name: o.name, ...token } };
}

// Dispatch: hand one validated request to the ControlHandler; whatever the handler does, the client gets one Reply.

/** Run `req` on `handler`; a throw, a rejection or a malformed handler result becomes an error reply. */
export async function dispatch(req: Request, handler: ControlHandler): Promise<Reply> {
  try {
    const reply = await call(req, handler);
    if (typeof reply !== "object" || reply === null || typeof (reply as { ok?: unknown }).ok !== "boolean") {
      return { ok: false, error: `${label(req)} failed: the agent's handler returned no reply` };
    }
    return reply;
  } catch (e) {
    return { ok: false, error: `${label(req)} failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** A short name of the request for messages and logs ("monitors pause web", "fence node-b"). */
export function label(req: Request): string {
  switch (req.op) {
    case "fence":
      return `fence ${req.target}`;
    case "monitors":
      return req.name === undefined ? `monitors ${req.action}` : `monitors ${req.action} ${req.name}`;
    default:
      return req.op;
  }
}

function call(req: Request, h: ControlHandler): Promise<Reply> | Reply {
  switch (req.op) {
    case "status":
      return { ok: true, result: h.status() };
    case "takeover":
      return h.takeover();
    case "standby":
      return h.standby();
    case "fence":
      return h.fence(req.target, req.manual === true);
    case "monitors":
      return h.monitors(req.action, req.name);
  }
}
