// The optional remote endpoint: TCP with TLS, every request carrying the token from token_file.
import { readFileSync } from "node:fs";
import type { TCPSocketListener } from "bun";
import type { ManagementConfig } from "../config/types.ts";
import { readToken } from "./mgmt-auth.ts";
import type { ConnContext } from "./mgmt-conn.ts";
import { socketHandlers, type SockData } from "./mgmt-listen.ts";

/** Split "host:port" or "[v6]:port" (port 0 picks a free port: tests only, the config refuses it). */
export function parseListen(s: string): { hostname: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):([0-9]{1,5})$/.exec(s);
  const port = Number(m?.[3]);
  if (m === null || port > 65535) throw new Error(`management.tcp_listen = ${JSON.stringify(s)}: expected "host:port" or "[ipv6]:port"`);
  return { hostname: m[1] ?? m[2] ?? "", port };
}

/** Everything TLS needs, read once at start; each missing or unreadable piece is named. */
export function loadTcpMaterial(c: ManagementConfig): { cert: string; key: string; token: string } {
  const need = (key: "token_file" | "tls_cert" | "tls_key"): string => {
    const v = c[key];
    if (v === undefined) throw new Error(`management.${key} is not set; expected an absolute path (required because management.tcp_listen is set)`);
    return v;
  };
  const read = (key: "tls_cert" | "tls_key"): string => {
    const path = need(key);
    try {
      return readFileSync(path, "utf8");
    } catch (e) {
      throw new Error(`management.${key} ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); expected a PEM file`);
    }
  };
  return { token: readToken(need("token_file")), cert: read("tls_cert"), key: read("tls_key") };
}

/** Listen on `tcp_listen` with TLS; `ctx.gate` must already hold the token. */
export function listenTcp(listen: string, tls: { cert: string; key: string }, ctx: ConnContext): TCPSocketListener<SockData> {
  const { hostname, port } = parseListen(listen);
  try {
    return Bun.listen<SockData>({ hostname, port, tls: { cert: tls.cert, key: tls.key }, socket: socketHandlers(ctx) });
  } catch (e) {
    throw new Error(`cannot listen on ${listen} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): ${(e as Error).message}`);
  }
}

