// Messages for a failed connection: which socket or address, the errno, and what to check.

/** Where the client connects: the local socket, or TCP+TLS with a token. */
export type Target =
  | { kind: "unix"; path: string }
  | { kind: "tcp"; host: string; port: number; token: string; ca: string | null; insecure: boolean };

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
