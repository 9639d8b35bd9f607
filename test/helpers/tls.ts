// A self-signed certificate made with openssl, as the README tells admins: for the tests of every TLS client and server
// (management, Redfish, http; CN=localhost, one day) and for the lab image's web console (qemu/src/build.ts).
import { chmodSync } from "node:fs";
import { join } from "node:path";

export interface CertOptions {
  /** The files are `${prefix}cert.pem` and `${prefix}key.pem` (default: cert.pem, key.pem). */
  prefix?: string;
  /** The subject's CN (default localhost). */
  cn?: string;
  /** Valid for this many days (default 1). */
  days?: number;
  /** subjectAltName entries, e.g. ["DNS:localhost", "IP:127.0.0.1"] (default none). */
  altNames?: string[];
}

/** Writes the certificate and its key (mode 0600) into `dir`; throws with openssl's words when it fails. */
export function selfSignedCert(dir: string, o: CertOptions = {}): { cert: string; key: string } {
  const cert = join(dir, `${o.prefix ?? ""}cert.pem`);
  const key = join(dir, `${o.prefix ?? ""}key.pem`);
  const r = Bun.spawnSync(
    [
      ...["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes"],
      ...["-subj", `/CN=${o.cn ?? "localhost"}`, "-days", String(o.days ?? 1)],
      ...(o.altNames?.length ? ["-addext", `subjectAltName=${o.altNames.join(",")}`] : []),
      ...["-keyout", key, "-out", cert],
    ],
    { stdout: "ignore", stderr: "pipe" },
  );
  if (r.exitCode !== 0) throw new Error(`openssl failed: ${r.stderr.toString()}`);
  chmodSync(key, 0o600);
  return { cert, key };
}
