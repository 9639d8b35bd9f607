// [[resource]]: what the new ACTIVE brings up on takeover, in file order (and releases in reverse); each type allows
// its own keys. Then derived names for tables that give none, and the cross-checks: distinct names; a floating
// address is never a node's heartbeat address.
import type { Checker, ConfigDraft } from "../validate.ts";
import {
  FSTYPE,
  IFNAME,
  MOUNT_OPTIONS,
  RESOURCE_NAME,
  UNIT_NAME,
  canonicalIp,
  isCidr,
  isMountDevice,
  parseCidr,
} from "./shapes.ts";
import { absPath, ms, type Fields, type ListSpec, type Spec } from "./spec.ts";

const name: Spec = {
  type: "string",
  doc: 'resource name in logs and status (default: derived, like "ip 10.0.0.5/24" or "mount /srv/data")',
  pattern: RESOURCE_NAME,
  expect: "a resource name of 1-128 characters without control characters",
};
const timeout = ms("how long bringing the resource up, or releasing it, may take", 20000, 100, 600000);

/** Keys per resource type (besides "type" itself); a unit's name is the systemd unit it starts. */
export const RESOURCE_FIELDS: Readonly<Record<string, Fields>> = {
  ip: {
    name,
    address: {
      type: "string",
      doc: "address added on takeover",
      check: isCidr,
      required: true,
      expect: 'an IPv4 or IPv6 address with a /prefix (like "10.0.0.5/24" or "fd00::5/64")',
    },
    interface: {
      type: "string",
      doc: "network interface that carries it",
      pattern: IFNAME,
      required: true,
      expect: "a network interface name of 1-15 characters [A-Za-z0-9_.:-]",
    },
    arp_count: {
      type: "int",
      doc: "gratuitous ARPs sent after adding an IPv4 address (IPv6: the kernel's own neighbour advertisements)",
      min: 0,
      max: 100,
      default: 3,
    },
    timeout,
  },
  mount: {
    name,
    device: {
      type: "string",
      doc: "what to mount",
      check: isMountDevice,
      required: true,
      expect: "an absolute device path (starting with /), LABEL=... or UUID=...",
    },
    target: absPath("mount point (created when missing)", undefined, { required: true }),
    fstype: {
      type: "string",
      doc: "file system type (mount -t)",
      pattern: FSTYPE,
      default: "auto",
      expect: 'a file system type of 1-64 characters [A-Za-z0-9_.+-] (like "ext4" or "auto")',
    },
    options: {
      type: "string",
      doc: "mount options (mount -o)",
      pattern: MOUNT_OPTIONS,
      default: "defaults",
      expect: 'mount options: 1-1024 printable characters without spaces (like "rw,noatime")',
    },
    timeout,
  },
  unit: {
    name: {
      type: "string",
      doc: "systemd unit started on takeover (also the resource name)",
      pattern: UNIT_NAME,
      required: true,
      expect: 'a systemd unit name like "nginx.service" (a startable unit type, not starting with "-")',
    },
    timeout,
  },
};

/** [[resource]] */
export const RESOURCES: ListSpec = {
  type: "list",
  doc: "resources the ACTIVE brings up in order on takeover and releases in reverse",
  expect: "[[resource]] tables",
  item: { type: "variant", doc: "resource", tag: "type", variants: RESOURCE_FIELDS },
};

// Derived names for [[resource]] tables that give none: "ip 10.0.0.5/24", "mount /srv/data" (a unit is named by its unit).

type ResourceDraft = NonNullable<NonNullable<ConfigDraft["resource"]>[number]>;

/** The name an ip or mount resource gets when the file gives none; control characters become "?", at most 128 characters. */
function derivedResourceName(r: ResourceDraft): string | undefined {
  const what = r.type === "ip" ? r.address : r.type === "mount" ? r.target : undefined;
  return what === undefined ? undefined : `${r.type} ${what}`.replace(/[\x00-\x1f\x7f]/g, "?").slice(0, 128);
}

/** Fill in the derived name of every resource that left `name` out (before the cross-checks compare names). */
function fillResourceNames(d: ConfigDraft, ck: Checker): void {
  (d.resource ?? []).forEach((r, i) => {
    if (r === undefined || r.name !== undefined || ck.isInvalid(["resource", i, "name"])) return;
    const name = derivedResourceName(r);
    if (name !== undefined) r.name = name;
  });
}

/** Each [[resource]] (its derived name filled in first) has a unique name; an ip resource's address differs from every node's heartbeat address. */
export function checkResources(d: ConfigDraft, ck: Checker): void {
  fillResourceNames(d, ck);
  const resources = d.resource ?? [];
  const nodes = d.node ?? [];
  resources.forEach((r, i) => {
    if (r === undefined) return;
    const first = resources.findIndex((o) => o?.name !== undefined && o.name === r.name);
    if (first >= 0 && first < i) {
      const hint = r.type === "unit" ? "" : "; give one of them a name";
      ck.cross(["resource", i, "name"], r.name, `a value different from resource[${first}].name${hint}`, [
        ["resource", i],
      ]);
    }
    if (r.type !== "ip" || typeof r.address !== "string") return;
    const address = parseCidr(r.address)?.address;
    if (address === undefined) return;
    nodes.forEach((n, j) => {
      if (typeof n?.address !== "string" || canonicalIp(n.address) !== canonicalIp(address)) return;
      const expected = `an address other than node[${j}].address (${n.address}): a heartbeat address stays with its node, a takeover address moves`;
      ck.cross(["resource", i, "address"], r.address, expected, [["node", j, "address"]]);
    });
  });
}
