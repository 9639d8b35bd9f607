// [fencing] and its ordered [[fencing.level]] tables: the keys each fence type allows, and the cross-checks
// (warnings without levels or with a fence loop possible; poison pill timing, as SBD, and its need for the disk).
import type { Checker, ConfigDraft } from "../validate.ts";
import { FENCING_NETWORK } from "./fencing-network.ts";
import { USER, isHost, isHttpUrl } from "./shapes.ts";
import { absPath, ms, name, type Fields, type TableSpec } from "./spec.ts";

const user: Fields[string] = {
  type: "string",
  doc: "login user",
  pattern: USER,
  required: true,
  expect: "a user name of 1-64 printable characters without spaces",
};
const passwordFile = absPath("file holding the password (contents never shown)", undefined, {
  required: true,
  secret: "path",
});

/**
 * Which node a level fences: both machines read one config, so a level that reaches one machine's BMC (or PDU
 * outlet) is that machine's only (Pacemaker's fencing topology target). Unset: the level fences whichever node is
 * the peer (a poison pill, a peer request, a QMP port wired to the peer).
 */
const target: Fields[string] = {
  ...name("node", "the node this level fences (its BMC, its outlet); unset: the peer, whichever node that is"),
  required: false,
};

/** Keys per fence level type (besides "type" itself). */
export const FENCE_LEVEL_FIELDS: Readonly<Record<string, Fields>> = Object.fromEntries(
  Object.entries(fieldsByType()).map(([type, fields]) => [type, { target, ...fields }]),
);

function fieldsByType(): Record<string, Fields> {
  return {
    "peer-request": {},
    "poison-pill": {
      msgwait: ms(
        "how long a poison pill must sit in the peer's disk slot before the peer counts as fenced",
        10000,
        1000,
        600000,
      ),
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
      port: { type: "int", doc: "the BMC's UDP port (ipmitool -p)", min: 1, max: 65535, default: 623 },
      cipher_suite: {
        type: "int",
        doc: "IPMI 2.0 cipher suite (ipmitool -C; lanplus only); unset: ipmitool asks the BMC, which some BMCs never answer (a 10 s wait per call)",
        min: 0,
        max: 17,
      },
    },
    redfish: {
      url: {
        type: "string",
        doc: "Redfish service root",
        check: isHttpUrl,
        required: true,
        expect: "an http:// or https:// URL",
      },
      user,
      password_file: passwordFile,
      system: {
        type: "string",
        doc: "Systems/<id> to reset",
        pattern: /^[A-Za-z0-9_.-]{1,64}$/,
        default: "1",
        expect: "a system id of 1-64 characters [A-Za-z0-9_.-]",
      },
      insecure: { type: "bool", doc: "skip TLS certificate verification", default: false },
      ca_file: absPath(
        "CA certificates (PEM) the BMC's https certificate must chain to; unset: the system bundle (/etc/ssl/certs/ca-certificates.crt)",
      ),
    },
  };
}

/** [fencing] */
export const FENCING: TableSpec = {
  type: "table",
  doc: "how the survivor makes sure the peer is stopped",
  fields: {
    delay: ms(
      "static delay the lower-priority node waits before fencing (wins fence races deterministically)",
      5000,
      0,
      600000,
    ),
    timeout: ms("how long one fence level may take before the next is tried", 30000, 1000, 3600000),
    wait_for_all: {
      type: "bool",
      doc: "fence a peer never heard since this boot only when the disk channel is up to prove it dead (Pacemaker's wait_for_all)",
      default: true,
    },
    network: FENCING_NETWORK,
    level: {
      type: "list",
      doc: "fence levels, tried in order",
      expect: "[[fencing.level]] tables",
      item: { type: "variant", doc: "fence level", tag: "type", variants: FENCE_LEVEL_FIELDS },
    },
  },
  renamed: { agent: "[[fencing.level]] (the ordered fence levels)" },
};

/**
 * Warns on an empty level list and on startup fencing without a disk; checks an ipmi cipher suite goes with lanplus,
 * a redfish ca_file is not ignored by insecure, poison-pill msgwait and that the shared-disk channel is on.
 */
export function checkFencing(d: ConfigDraft, ck: Checker): void {
  if (d.fencing?.wait_for_all === false && d.channels?.disk?.enabled === false) {
    ck.warn(
      ["fencing", "wait_for_all"],
      "false with channels.disk off: a node booting with its heartbeat cables cut fences a peer it never heard, and each boot fences the other (a fence loop); enable channels.disk, or keep wait_for_all = true",
    );
  }
  const levels = d.fencing?.level;
  if (levels === undefined) return;
  if (levels.length === 0) {
    ck.warn(
      ["fencing", "level"],
      "no fence levels configured; takeover will never happen without a confirmed fence: add a [[fencing.level]]",
    );
  }
  const nodes = (d.node ?? []).map((n) => n?.name).filter((n): n is string => typeof n === "string");
  levels.forEach((a, i) => {
    if (typeof a?.target === "string" && nodes.length > 0 && !nodes.includes(a.target))
      ck.fail(["fencing", "level", i, "target"], a.target, `the name of a [[node]] (${nodes.join(", ")})`);
  });
  // One BMC belongs to one machine: the same address aimed at two nodes, or at whichever is the peer, is a copy-paste
  // (a node would power off its own machine and wait in vain for it to read off).
  const bmcOf = (a: (typeof levels)[number]) =>
    a?.type === "ipmi" && typeof a.host === "string"
      ? `${a.host}:${a.port ?? 623}`
      : a?.type === "redfish" && typeof a.url === "string"
        ? a.url
        : undefined;
  const seen = new Map<string, { target: unknown; i: number }>();
  levels.forEach((a, i) => {
    const bmc = bmcOf(a);
    if (bmc === undefined) return;
    if (a?.target === undefined && nodes.length === 2)
      ck.warn(
        ["fencing", "level", i],
        `a ${a?.type} level without target: both nodes read this config, so each would fence through the same BMC (${bmc}), its own machine's for one of them; add target = "NODE" (the node whose BMC this is), one level per node`,
      );
    const first = seen.get(bmc);
    if (first && first.target !== a?.target) {
      const key = a?.type === "ipmi" ? "host" : "url";
      ck.cross(
        ["fencing", "level", i, key],
        a?.type === "ipmi" ? a.host : a?.type === "redfish" ? a.url : undefined,
        `another BMC than fencing.level[${first.i}] (one BMC powers one machine; this level fences ${String(a?.target ?? "the peer")}, that one ${String(first.target ?? "the peer")})`,
        [["fencing", "level", first.i, key]],
      );
    } else if (!first) seen.set(bmc, { target: a?.target, i });
  });
  // The disk header holds one set of pill timers (disk init writes them; a node arms its watchdog against them).
  const pills = levels.flatMap((a, i) => (a?.type === "poison-pill" ? [{ a, i }] : []));
  const [first] = pills;
  for (const { a, i } of pills.slice(1)) {
    if (!first) break;
    for (const key of ["msgwait", "watchdog_timeout"] as const)
      if (a[key] !== first.a[key])
        ck.cross(
          ["fencing", "level", i, key],
          a[key],
          `${String(first.a[key])}, as fencing.level[${first.i}] (the shared disk's header holds one set of pill timers for both nodes)`,
          [["fencing", "level", first.i, key]],
        );
  }
  for (const n of nodes)
    if (levels.length > 0 && !levels.some((a) => a?.target === undefined || a.target === n))
      ck.warn(
        ["fencing", "level"],
        `no fence level can fence node ${n} (every level names another target): its peer could never take over from it; add a level with target = "${n}" or without target`,
      );
  levels.forEach((a, i) => {
    if (a?.type === "ipmi" && a.cipher_suite !== undefined && a.interface === "lan") {
      const expected = 'no cipher_suite with interface = "lan" (cipher suites are IPMI 2.0, interface = "lanplus")';
      ck.cross(["fencing", "level", i, "cipher_suite"], a.cipher_suite, expected, [
        ["fencing", "level", i, "interface"],
      ]);
    }
    if (a?.type === "redfish" && a.ca_file !== undefined && a.insecure === true) {
      const expected = "no ca_file with insecure = true (nothing is verified then)";
      ck.cross(["fencing", "level", i, "ca_file"], a.ca_file, expected, [["fencing", "level", i, "insecure"]]);
    }
    if (a?.type !== "poison-pill") return;
    const { msgwait, watchdog_timeout: wt } = a;
    if (typeof msgwait === "number" && typeof wt === "number" && msgwait < 2 * wt * 1000) {
      const expected = `an integer of at least 2 x watchdog_timeout (2 x ${wt} s = ${2 * wt * 1000} ms)`;
      ck.cross(["fencing", "level", i, "msgwait"], msgwait, expected, [["fencing", "level", i, "watchdog_timeout"]]);
    }
    if (d.channels?.disk?.enabled === false) {
      const expected =
        "channels.disk.enabled = true (the poison pill is written to the peer's slot on the shared disk)";
      ck.cross(["fencing", "level", i, "type"], a.type, expected);
    }
  });
}
