// [management]: the local socket and optional TCP (TLS) access, and the cross-check that TCP access needs a token
// and TLS material.
import type { Checker, ConfigDraft } from "../validate.ts";
import { isHostPort } from "./shapes.ts";
import { absPath, type TableSpec } from "./spec.ts";

/** [management] */
export const MANAGEMENT: TableSpec = {
  type: "table",
  doc: "management interface",
  fields: {
    socket: absPath("local control socket", "/run/clusterguard/clusterguard.sock"),
    tcp_listen: {
      type: "string",
      doc: "also listen on TCP (TLS)",
      check: isHostPort,
      expect: 'a "host:port" or "[ipv6]:port" with port 1-65535',
    },
    token_file: absPath("file holding the access token (required with tcp_listen)", undefined, { secret: "path" }),
    tls_cert: absPath("TLS certificate (required with tcp_listen)"),
    tls_key: absPath("TLS private key (required with tcp_listen)", undefined, { secret: "path" }),
  },
};

const NEEDED = ["token_file", "tls_cert", "tls_key"] as const;

/** tcp_listen requires token_file, tls_cert and tls_key. */
export function checkManagement(d: ConfigDraft, ck: Checker): void {
  const m = d.management;
  if (typeof m?.tcp_listen !== "string") return;
  for (const key of NEEDED) {
    if (m[key] === undefined && !ck.isInvalid(["management", key])) {
      ck.missing(["management", key], "an absolute path (required because management.tcp_listen is set)");
    }
  }
}
