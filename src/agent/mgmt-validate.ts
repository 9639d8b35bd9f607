// Validation of one management request line: JSON object, known op, exactly the fields that op takes.
import { NAME } from "../config/schema-checks.ts";
import { describeValue } from "./mgmt-codec.ts";
import type { Request } from "./mgmt-protocol.ts";

/** A parsed JSON object, or what was expected and what arrived. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Every op the server answers, in the order error messages list them. */
export const OPS = ["status", "takeover", "standby", "fence", "agents"] as const;
const AGENT_ACTIONS = ["list", "pause", "resume"] as const;
const FIELDS: Record<Request["op"], readonly string[]> = {
  status: [],
  takeover: [],
  standby: [],
  fence: ["target", "confirm"],
  agents: ["action", "name"],
};

/** Parse one line as a JSON object (the token check needs the object before the request is validated). */
export function parseObject(line: string): Parsed<Record<string, unknown>> {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (e) {
    return { ok: false, error: `malformed JSON (${(e as Error).message}): expected one JSON object per line such as {"op":"status"}; got ${describeValue(line)}` };
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    return { ok: false, error: `expected a JSON object with an "op" field; got ${describeValue(v)}` };
  }
  return { ok: true, value: v as Record<string, unknown> };
}

/** Check a parsed object against the Request contract. */
export function validateRequest(o: Record<string, unknown>): Parsed<Request> {
  const op = o.op;
  if (typeof op !== "string" || !(OPS as readonly string[]).includes(op)) {
    return { ok: false, error: `unknown op ${describeValue(op)}; expected "op" to be one of: ${OPS.join(", ")}` };
  }
  const known = FIELDS[op as Request["op"]];
  for (const k of Object.keys(o)) {
    if (k !== "op" && k !== "token" && !known.includes(k)) {
      return { ok: false, error: `unknown field "${k}" in a ${op} request; expected only: ${["op", ...known, "token"].join(", ")}` };
    }
  }
  if (o.token !== undefined && typeof o.token !== "string") return { ok: false, error: `"token" must be a string; got ${describeValue(o.token)}` };
  const token = o.token === undefined ? {} : { token: o.token as string };
  switch (op) {
    case "fence":
      if (typeof o.target !== "string" || !NAME.test(o.target)) return { ok: false, error: `fence needs "target": a node name of 1-32 characters [A-Za-z0-9_.-]; got ${describeValue(o.target)}` };
      if (o.confirm !== true) return { ok: false, error: `fence needs "confirm": true; got ${describeValue(o.confirm)}` };
      return { ok: true, value: { op, target: o.target, confirm: true, ...token } };
    case "agents":
      return validateAgents(o, token);
    default:
      return { ok: true, value: { op: op as "status" | "takeover" | "standby", ...token } };
  }
}

function validateAgents(o: Record<string, unknown>, token: { token?: string }): Parsed<Request> {
  const action = o.action;
  if (typeof action !== "string" || !(AGENT_ACTIONS as readonly string[]).includes(action)) {
    return { ok: false, error: `agents needs "action": one of ${AGENT_ACTIONS.join(", ")}; got ${describeValue(action)}` };
  }
  const a = action as (typeof AGENT_ACTIONS)[number];
  if (a === "list") {
    if (o.name !== undefined) return { ok: false, error: `agents list takes no "name"; got ${describeValue(o.name)}` };
    return { ok: true, value: { op: "agents", action: a, ...token } };
  }
  if (typeof o.name !== "string" || !NAME.test(o.name)) return { ok: false, error: `agents ${a} needs "name": an agent name of 1-32 characters [A-Za-z0-9_.-]; got ${describeValue(o.name)}` };
  return { ok: true, value: { op: "agents", action: a, name: o.name, ...token } };
}
