// One round trip for a command: resolve the target, send, and turn every failure into one message and an exit code.
import type { Request } from "../mgmt/protocol.ts";
import { request, type Target } from "../mgmt/client.ts";
import { EXIT_FAILURE, EXIT_USAGE } from "./exit-codes.ts";
import { type ConnectArgs, resolveTarget } from "./target.ts";

/** The arguments a client command has after withConnectOptions. */
export type CallArgs = ConnectArgs & { timeout: number };

/** The result of a successful reply, or the exit code after the failure was printed. */
export type Called<T> = { ok: true; result: T; target: Target } | { ok: false; code: number };

/** Send `req`; print what went wrong (to stderr, prefixed by `clusterguard <what>:`) unless the reply is ok. */
export async function call<T>(argv: CallArgs, req: Request, what: string): Promise<Called<T>> {
  const r = resolveTarget(argv);
  if (!r.ok) {
    console.error(`clusterguard ${what}: ${r.error}`);
    return { ok: false, code: EXIT_USAGE };
  }
  for (const w of r.warnings) console.error(`warning: ${w}`);
  if (!Number.isFinite(argv.timeout) || argv.timeout <= 0) {
    console.error(`clusterguard ${what}: --timeout ${argv.timeout}: expected a positive number of milliseconds`);
    return { ok: false, code: EXIT_USAGE };
  }
  const o = await request(r.target, req, argv.timeout);
  if (!o.ok) {
    console.error(`clusterguard ${what}: ${o.error}`);
    return { ok: false, code: EXIT_FAILURE };
  }
  if (!o.reply.ok) {
    console.error(`clusterguard ${what}: refused: ${explain(o.reply.error)}`);
    return { ok: false, code: EXIT_FAILURE };
  }
  return { ok: true, result: o.reply.result as T, target: r.target };
}

/** Add the likely fix to errors that have one. */
export function explain(error: string): string {
  return error === "unauthorized"
    ? "the agent refused the token (unauthorized): check --token-file against management.token_file"
    : error;
}
