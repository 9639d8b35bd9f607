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

/** What the connection learns while a line is answered. */
export interface AnswerHooks {
  /** true/false brackets an action, however long the handler takes. */
  running(on: boolean): void;
  /** The line passed the token check (TCP), before anything else about it is looked at. */
  admitted(): void;
}

/**
 * Answer `line` from `remote`. With a token gate (TCP) a line that is not a JSON object carrying the token gets
 * "unauthorized" and closes the connection, malformed JSON included: nothing about a request is answered before
 * its token is checked.
 */
export async function answerLine(ctx: ConnContext, line: string, remote: string, hooks: AnswerHooks): Promise<Answer> {
  const s = ctx.stats;
  s.requests++;
  const obj = parseObject(line);
  if (ctx.gate !== null && !(obj.ok && ctx.gate.allows(obj.value.token))) {
    s.unauthorized++;
    ctx.unauthorized(remote);
    return { reply: { ok: false, error: "unauthorized" }, close: true };
  }
  hooks.admitted();
  if (!obj.ok) return rejected(ctx, obj.error);
  const req = validateRequest(obj.value);
  if (!req.ok) return rejected(ctx, req.error);
  if (readOnly(req.value)) return { reply: await dispatch(req.value, ctx.handler), close: false };
  hooks.running(true);
  const reply = await dispatch(req.value, ctx.handler);
  hooks.running(false);
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
