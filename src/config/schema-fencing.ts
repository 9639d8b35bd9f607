// [fencing] and its ordered [[fencing.agent]] levels; each agent type allows its own keys.
import { USER, isHost, isHttpUrl } from "./schema-checks.ts";
import { absPath, ms } from "./schema-fields.ts";
import type { Fields, TableSpec } from "./schema-types.ts";

const user: Fields[string] = { type: "string", doc: "login user", pattern: USER, required: true, expect: "a user name of 1-64 printable characters without spaces" };
const passwordFile = absPath("file holding the password (contents never shown)", undefined, { required: true, secret: "path" });

/** Keys per fence agent type (besides "type" itself). */
export const FENCE_AGENT_FIELDS: Readonly<Record<string, Fields>> = {
  "peer-request": {},
  "poison-pill": {
    msgwait: ms("how long a poison pill must sit in the peer's disk slot before the peer counts as fenced", 10000, 1000, 600000),
    watchdog_device: absPath("watchdog device the peer arms while it reads its slot", "/dev/watchdog"),
    watchdog_timeout: { type: "int", doc: "watchdog timeout", min: 1, max: 255, unit: "s", default: 5 },
  },
  qmp: {
    device: absPath("QMP character device or virtio port of the peer VM (lab)", undefined, { required: true }),
    action: { type: "enum", doc: "what the hypervisor does to the peer", values: ["reset", "off"], default: "reset" },
  },
  ipmi: {
    host: { type: "string", doc: "BMC address", check: isHost, required: true, expect: "a host name or IP address" },
    user,
    password_file: passwordFile,
    interface: { type: "enum", doc: "ipmitool interface", values: ["lan", "lanplus"], default: "lanplus" },
  },
  redfish: {
    url: { type: "string", doc: "Redfish service root", check: isHttpUrl, required: true, expect: "an http:// or https:// URL" },
    user,
    password_file: passwordFile,
    system: { type: "string", doc: "Systems/<id> to reset", pattern: /^[A-Za-z0-9_.-]{1,64}$/, default: "1", expect: "a system id of 1-64 characters [A-Za-z0-9_.-]" },
    insecure: { type: "bool", doc: "skip TLS certificate verification", default: false },
  },
};

/** [fencing] */
export const FENCING: TableSpec = {
  type: "table",
  doc: "how the survivor makes sure the peer is stopped",
  fields: {
    delay: ms("static delay the lower-priority node waits before fencing (wins fence races deterministically)", 5000, 0, 600000),
    timeout: ms("how long one fence level may take before the next is tried", 30000, 1000, 3600000),
    wait_for_all: {
      type: "bool",
      doc: "fence a peer never heard since this boot only when the disk channel is up to prove it dead (Pacemaker's wait_for_all)",
      default: true,
    },
    agent: {
      type: "list",
      doc: "fence levels, tried in order",
      expect: "[[fencing.agent]] tables",
      item: { type: "variant", doc: "fence agent", tag: "type", variants: FENCE_AGENT_FIELDS },
    },
  },
};
