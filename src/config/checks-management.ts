// Cross-checks on management: TCP access needs a token and TLS material.
import type { Checker, Draft } from "./validate-context.ts";

const NEEDED = ["token_file", "tls_cert", "tls_key"] as const;

/** tcp_listen requires token_file, tls_cert and tls_key. */
export function checkManagement(d: Draft, ck: Checker): void {
  const m = d.management;
  if (typeof m?.tcp_listen !== "string") return;
  for (const key of NEEDED) {
    if (m[key] === undefined && !ck.isInvalid(["management", key])) {
      ck.missing(["management", key], "an absolute path (required because management.tcp_listen is set)");
    }
  }
}
