// Which agent to talk to: --connect host:port (TLS + token), else --socket, else management.socket from the config.
import { readFileSync } from "node:fs";
import { DEFAULT_CONFIG_PATH, formatConfigError, isHostPort, loadConfig } from "../config/index.ts";
import type { Target } from "../mgmt/client.ts";

/** management.socket's default in the schema (test/cli checks they agree). */
export const DEFAULT_SOCKET = "/run/clusterguard/clusterguard.sock";

/** The connection options every client command takes. */
export interface ConnectArgs {
  config?: string;
  socket?: string;
  connect?: string;
  "token-file"?: string;
  ca?: string;
  insecure?: boolean;
}

/** A target and warnings to print, or a usage error. */
export type Resolved = { ok: true; target: Target; warnings: string[] } | { ok: false; error: string };

/** Resolve the options; only the config file is read (never the authkey), and only when no --socket/--connect is given. */
export function resolveTarget(a: ConnectArgs): Resolved {
  if (a.connect !== undefined) return remoteTarget(a, a.connect);
  for (const flag of ["token-file", "ca", "insecure"] as const) {
    if (a[flag] !== undefined && a[flag] !== false)
      return { ok: false, error: `--${flag} only applies with --connect host:port` };
  }
  if (a.socket !== undefined) return { ok: true, target: { kind: "unix", path: a.socket }, warnings: [] };
  return socketFromConfig(a.config ?? DEFAULT_CONFIG_PATH);
}

function remoteTarget(a: ConnectArgs, hostPort: string): Resolved {
  if (a.socket !== undefined) return { ok: false, error: "give either --socket or --connect, not both" };
  if (!isHostPort(hostPort))
    return {
      ok: false,
      error: `--connect ${JSON.stringify(hostPort)}: expected "host:port" or "[ipv6]:port" with port 1-65535`,
    };
  if (a["token-file"] === undefined)
    return { ok: false, error: "--connect needs --token-file FILE (the agent's management.token_file)" };
  if (a.ca !== undefined && a.insecure) return { ok: false, error: "give either --ca FILE or --insecure, not both" };
  const token = readText("--token-file", a["token-file"]);
  if (!token.ok) return token;
  if (token.text.trim() === "")
    return { ok: false, error: `--token-file ${a["token-file"]}: the file is empty; expected the access token` };
  const ca = a.ca === undefined ? null : readText("--ca", a.ca);
  if (ca !== null && !ca.ok) return ca;
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):([0-9]+)$/.exec(hostPort) as RegExpExecArray;
  const host = m[1] ?? m[2] ?? "";
  return {
    ok: true,
    target: {
      kind: "tcp",
      host,
      port: Number(m[3]),
      token: token.text.trim(),
      ca: ca?.text ?? null,
      insecure: a.insecure === true,
    },
    warnings: [],
  };
}

function socketFromConfig(path: string): Resolved {
  const r = loadConfig(path);
  if (r.ok) return { ok: true, target: { kind: "unix", path: r.config.management.socket }, warnings: [] };
  const missing = r.errors.length === 1 && r.errors[0]?.key === "(file)";
  const warnings =
    missing && path === DEFAULT_CONFIG_PATH
      ? []
      : [
          `cannot take management.socket from ${path} (${r.errors.map(formatConfigError).join("; ")}); using ${DEFAULT_SOCKET}`,
        ];
  return { ok: true, target: { kind: "unix", path: DEFAULT_SOCKET }, warnings };
}

function readText(flag: string, path: string): { ok: true; text: string } | { ok: false; error: string } {
  try {
    return { ok: true, text: readFileSync(path, "utf8") };
  } catch (e) {
    return {
      ok: false,
      error: `${flag} ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    };
  }
}
