// Talk to the agent: one request, one reply line, over the Unix socket or TCP+TLS; every failure says where and why.
import type { Socket } from "bun";
import type { Reply, Request } from "./protocol.ts";

/** Where the client connects: the local socket, or TCP+TLS with a token. */
export type Target =
  | { kind: "unix"; path: string }
  | { kind: "tcp"; host: string; port: number; token: string; ca: string | null; insecure: boolean };

/** A reply from the agent, or why none arrived. */
export type Outcome = { ok: true; reply: Reply } | { ok: false; error: string };

/** The largest reply the client reads (a status report is a few KiB). */
export const MAX_REPLY_BYTES = 16 * 1024 * 1024;

/** Send `req` to `target` and wait up to `timeoutMs` for its reply line. */
export function request(target: Target, req: Request, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    let sock: Socket<undefined> | null = null;
    let settled = false;
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (o: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock?.end();
      resolve(o);
    };
    const timer = setTimeout(
      () => settle({ ok: false, error: `no reply from ${where(target)} within ${timeoutMs} ms` }),
      timeoutMs,
    );
    const line = `${JSON.stringify(target.kind === "tcp" ? { ...req, token: target.token } : req)}\n`;
    const handlers = {
      open(s: Socket<undefined>) {
        sock = s;
        if (target.kind === "tcp" && !target.insecure && !s.authorized) {
          return settle({
            ok: false,
            error: tlsFailure(target, s.getAuthorizationError()?.message ?? "certificate not trusted"),
          });
        }
        s.write(line);
      },
      data(_s: Socket<undefined>, d: Buffer) {
        chunks.push(Buffer.from(d));
        size += d.length;
        const all = Buffer.concat(chunks);
        const nl = all.indexOf(10);
        if (nl === -1) {
          if (size > MAX_REPLY_BYTES)
            settle({
              ok: false,
              error: `the reply from ${where(target)} is over ${MAX_REPLY_BYTES} bytes without a newline`,
            });
          return;
        }
        settle(parseReply(all.subarray(0, nl).toString("utf8"), target));
      },
      close() {
        settle({ ok: false, error: `${where(target)} closed the connection without a reply` });
      },
      error(_s: Socket<undefined>, e: Error) {
        settle({ ok: false, error: `connection to ${where(target)} failed: ${e.message}` });
      },
      connectError(_s: Socket<undefined>, e: Error) {
        settle({ ok: false, error: connectFailure(target, (e as NodeJS.ErrnoException).code ?? "EIO", e.message) });
      },
    };
    const opened =
      target.kind === "unix"
        ? Bun.connect({ unix: target.path, socket: handlers })
        : Bun.connect({ hostname: target.host, port: target.port, tls: tlsOptions(target), socket: handlers });
    opened.catch((e: Error) =>
      settle({ ok: false, error: connectFailure(target, (e as NodeJS.ErrnoException).code ?? "EIO", e.message) }),
    );
  });
}

function tlsOptions(t: Extract<Target, { kind: "tcp" }>) {
  return { rejectUnauthorized: !t.insecure, ...(t.ca === null ? {} : { ca: t.ca }) };
}

/** Check that a reply line is a Reply. */
export function parseReply(text: string, target: Target): Outcome {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { ok: false, error: `${where(target)} answered something that is not JSON: ${text.slice(0, 80)}` };
  }
  const r = v as { ok?: unknown; error?: unknown };
  if (
    typeof v !== "object" ||
    v === null ||
    typeof r.ok !== "boolean" ||
    (r.ok === false && typeof r.error !== "string")
  ) {
    return { ok: false, error: `${where(target)} answered a JSON value that is not a reply: ${text.slice(0, 80)}` };
  }
  return { ok: true, reply: v as Reply };
}

// Messages for a failed connection: which socket or address, the errno, and what to check.

/** "the socket path" or "host:port". */
export function where(t: Target): string {
  return t.kind === "unix" ? t.path : `${t.host.includes(":") ? `[${t.host}]` : t.host}:${t.port}`;
}

/** One sentence for a connect() failure with errno `code`. */
export function connectFailure(t: Target, code: string, detail: string): string {
  const at = where(t);
  switch (code) {
    case "ENOENT":
    case "ECONNREFUSED":
      return t.kind === "unix"
        ? `no agent is listening on ${at} (${code}): is clusterguard-agent running?`
        : `no agent is listening on ${at} (${code}): is clusterguard-agent running with management.tcp_listen set?`;
    case "EACCES":
    case "EPERM":
      return `permission denied on ${at} (${code}): the management socket is root-only (mode 0600); run as root`;
    case "ENOTFOUND":
    case "EAI_NONAME":
    case "EAI_AGAIN":
      return `cannot resolve ${at} (${code}): check the host name given to --connect`;
    default:
      return `cannot connect to ${at} (${code}): ${detail}`;
  }
}

/** A TLS certificate the client does not trust. */
export function tlsFailure(t: Target, reason: string): string {
  return `TLS to ${where(t)} refused: ${reason}; pass --ca FILE with the agent's certificate (or its CA), or --insecure to skip verification`;
}
