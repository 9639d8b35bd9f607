// Reads one secret file the way its user does and prints {accepted, message} (run in a child by secret-files.test.ts,
// so that a read that blocks is killed instead of hanging the suite).
import { readToken } from "../../src/mgmt/auth.ts";
import { loadAuthkey } from "../../src/config/secrets.ts";
import { formatConfigError } from "../../src/config/load.ts";
import { ipmitool } from "../../src/fence/ipmi.ts";
import { openSession } from "../../src/fence/redfish.ts";

/** The file kinds the secret-file rules cover, each read through its real code path. */
export const KINDS = ["authkey", "token_file", "ipmi password_file", "redfish password_file"] as const;
export type Kind = (typeof KINDS)[number];

/** Reads `path` as `kind`: accepted, or the message that refused it. */
export async function probe(kind: Kind, path: string): Promise<{ accepted: boolean; message: string }> {
  switch (kind) {
    case "authkey": {
      const r = loadAuthkey(path, { requireUid: 0 });
      return r.ok
        ? { accepted: true, message: "" }
        : { accepted: false, message: r.errors.map(formatConfigError).join("\n") };
    }
    case "token_file":
      try {
        readToken(path);
        return { accepted: true, message: "" };
      } catch (e) {
        return { accepted: false, message: (e as Error).message };
      }
    case "ipmi password_file": {
      const r = await ipmitool(
        { bin: "/bin/echo", host: "bmc", port: 623, user: "admin", passwordFile: path, interface: "lan" },
        "status",
        AbortSignal.timeout(5000),
      );
      return r.ok ? { accepted: true, message: "" } : { accepted: false, message: r.detail };
    }
    case "redfish password_file": {
      const s = await openSession("https://bmc", "admin", path, false);
      return typeof s === "string" ? { accepted: false, message: s } : { accepted: true, message: "" };
    }
  }
}

if (import.meta.main) console.log(JSON.stringify(await probe(process.argv[2] as Kind, process.argv[3] ?? "")));
