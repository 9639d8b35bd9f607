// Hand one validated request to the ControlHandler; whatever the handler does, the client gets one Reply.
import type { ControlHandler, Reply, Request } from "./mgmt-protocol.ts";

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

/** A short name of the request for messages and logs ("agents pause web", "fence node-b"). */
export function label(req: Request): string {
  switch (req.op) {
    case "fence":
      return `fence ${req.target}`;
    case "agents":
      return req.name === undefined ? `agents ${req.action}` : `agents ${req.action} ${req.name}`;
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
      return h.fence(req.target);
    case "agents":
      return h.agents(req.action, req.name);
  }
}
