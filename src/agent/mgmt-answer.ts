// Answer one request line: parse, check the token (TCP), validate, dispatch, count, and log actions.
import type { ConnContext } from "./mgmt-conn.ts";
import { dispatch, label } from "./mgmt-dispatch.ts";
import type { Reply, Request } from "./mgmt-protocol.ts";
import { parseObject, validateRequest } from "./mgmt-validate.ts";

/** The reply for `line`, and whether the connection must close after it (a refused token). */
export interface Answer {
  reply: Reply;
  close: boolean;
}

/** Answer `line` from `remote`; `running(true/false)` brackets an action, however long the handler takes. */
export async function answerLine(ctx: ConnContext, line: string, remote: string, running: (on: boolean) => void): Promise<Answer> {
  const s = ctx.stats;
  s.requests++;
  const obj = parseObject(line);
  if (!obj.ok) return rejected(ctx, obj.error);
  if (ctx.gate !== null && !ctx.gate.allows(obj.value.token)) {
    s.unauthorized++;
    ctx.unauthorized(remote);
    return { reply: { ok: false, error: "unauthorized" }, close: true };
  }
  const req = validateRequest(obj.value);
  if (!req.ok) return rejected(ctx, req.error);
  if (readOnly(req.value)) return { reply: await dispatch(req.value, ctx.handler), close: false };
  running(true);
  const reply = await dispatch(req.value, ctx.handler);
  running(false);
  if (!reply.ok) s.refused++;
  const from = ctx.transport === "tcp" ? ` from ${remote}` : "";
  const outcome = reply.ok ? "done" : `refused: ${reply.error}`;
  ctx.log.emit(reply.ok ? "notice" : "warning", "mgmt-request", `${label(req.value)} via ${ctx.transport}${from}: ${outcome}`, { op: req.value.op, via: ctx.transport, ok: reply.ok });
  return { reply, close: false };
}

/** Requests that change nothing: not logged, and answered without pausing the idle timer. */
export function readOnly(req: Request): boolean {
  return req.op === "status" || (req.op === "agents" && req.action === "list");
}

function rejected(ctx: ConnContext, error: string): Answer {
  ctx.stats.malformed++;
  return { reply: { ok: false, error }, close: false };
}
