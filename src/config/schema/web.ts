// [web]: the web console the agent serves on the ACTIVE (HTTPS only, its own listen address), and the cross-checks:
// it needs TLS material and the management token to log in with, and an address apart from management.tcp_listen;
// a listen address on every interface is a warning, a read-only token file that is the management token's an error.
import type { Checker, ConfigDraft } from "../validate.ts";
import { isHostPort } from "./shapes.ts";
import { absPath, type TableSpec } from "./spec.ts";

/** [web] */
export const WEB: TableSpec = {
  type: "table",
  doc: "the web console (HTTPS), served by the agent; off unless listen is set",
  fields: {
    listen: {
      type: "string",
      doc: "serve the web console over HTTPS on this address (log in with management.token_file's token)",
      check: isHostPort,
      expect: 'a "host:port" or "[ipv6]:port" with port 1-65535',
    },
    tls_cert: absPath("TLS certificate of the web console (required with listen; may be management.tls_cert)"),
    tls_key: absPath("TLS private key of the web console (required with listen)", undefined, { secret: "path" }),
    readonly_token_file: absPath(
      "file holding a second token that logs in read-only sessions: they watch, but cannot act or apply a config",
      undefined,
      { secret: "path" },
    ),
    session_timeout: {
      type: "int",
      doc: "a console session ends this long after its login",
      min: 5,
      max: 86400,
      unit: "s",
      default: 1800,
    },
  },
};

/** listen requires tls_cert, tls_key and management.token_file, and may not be management.tcp_listen. */
export function checkWeb(d: ConfigDraft, ck: Checker): void {
  const w = d.web;
  if (typeof w?.listen !== "string") return;
  for (const key of ["tls_cert", "tls_key"] as const) {
    if (w[key] === undefined && !ck.isInvalid(["web", key]))
      ck.missing(["web", key], "an absolute path (required because web.listen is set)");
  }
  if (d.management?.token_file === undefined && !ck.isInvalid(["management", "token_file"]))
    ck.cross(["web", "listen"], w.listen, "management.token_file set as well: the console logs in with that token");
  if (w.listen === d.management?.tcp_listen)
    ck.cross(["web", "listen"], w.listen, "an address other than management.tcp_listen's", [
      ["management", "tcp_listen"],
    ]);
  if (isWildcardListen(w.listen))
    ck.warn(
      ["web", "listen"],
      `${w.listen} serves the console on every address of this node; prefer the management network's address`,
    );
  if (w.readonly_token_file !== undefined && w.readonly_token_file === d.management?.token_file)
    ck.cross(
      ["web", "readonly_token_file"],
      w.readonly_token_file,
      "a file other than management.token_file (its token would log in read-only and with full access alike)",
      [["management", "token_file"]],
    );
}

/** True for a listen address on every interface: 0.0.0.0, [::] and their spellings. */
export function isWildcardListen(listen: string): boolean {
  const host = listen.slice(0, listen.lastIndexOf(":")).replace(/^\[|\]$/g, "");
  return host === "" || host === "0.0.0.0" || /^[0:]+$/.test(host) || host === "::ffff:0.0.0.0";
}
