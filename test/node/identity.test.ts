// Which node this machine is (node/identity.ts): with machine_uuid / machine_mac in [[node]], the machine's own
// facts select its node, and a boot entry naming the other machine's node is refused before anything starts.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadConfig, loadConfigText } from "../../src/config/index.ts";
import type { ClusterConfig } from "../../src/config/types.ts";
import { resolveNode } from "../../src/node/bootstrap.ts";
import { LOADER_GUID } from "../../src/boot/efi-default.ts";
import { identify, type MachineFacts, readBootEntry, readMachineFacts } from "../../src/node/identity.ts";
import { parseKernelArgs } from "../../src/node/kernel-args.ts";

const UUID_A = "4c4c4544-0042-3510-8052-b4c04f563532";
const UUID_B = "4c4c4544-0042-3510-8052-b4c04f56ffff";
const MAC_B = "52:54:00:00:00:0b";
/** Every folder this file makes, removed at the end. */
const tmp = mkdtempSync(join(tmpdir(), "cg-identity-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

function configWith(a: string, b: string): ClusterConfig {
  const base = loadConfig(resolve(import.meta.dir, "../fixtures/config/good.toml"));
  if (!base.ok) throw new Error("fixture");
  return {
    ...base.config,
    node: base.config.node.map((n) =>
      n.name === "a" ? { ...n, ...JSON.parse(a) } : { ...n, ...JSON.parse(b) },
    ) as ClusterConfig["node"],
  };
}
const named = configWith(
  JSON.stringify({ machine_uuid: UUID_A }),
  JSON.stringify({ machine_uuid: UUID_B, machine_mac: MAC_B }),
);
const onA: MachineFacts = { uuid: UUID_A, macs: ["52:54:00:00:00:0a"] };
const onB: MachineFacts = { uuid: null, macs: ["52:54:00:00:00:01", MAC_B] };
const elsewhere: MachineFacts = { uuid: "00000000-0000-0000-0000-000000000000", macs: [] };

const cases: [string, string | undefined, MachineFacts, string | RegExp][] = [
  ["no entry: machine A's UUID selects a", undefined, onA, "a"],
  ["no entry: machine B's MAC selects b (no DMI)", undefined, onB, "b"],
  ["the entry names the node of this machine", "a", onA, "a"],
  [
    "both machines booted a's entry: machine B refuses",
    "a",
    onB,
    /names node a, but this machine .* is node b's machine: both machines booted a's entry\? Fix .*rd\.clusterguard\.node=b/,
  ],
  ["a machine that is neither (a replaced board): runs as named; the warning is below", "b", elsewhere, "b"],
  [
    "no entry and a machine that is neither: no node",
    undefined,
    elsewhere,
    /is no \[\[node\]\]'s machine_uuid or machine_mac/,
  ],
];
for (const [name, entry, facts, want] of cases) {
  test(name, () => {
    const id = identify(named, entry, facts);
    if (typeof want === "string") {
      assert.ok(id.ok, id.ok ? "" : id.why);
      assert.is(id.ok ? id.name : "", want);
    } else {
      assert.not.ok(id.ok);
      assert.match(id.ok ? "" : id.why, want);
    }
  });
}

test("a machine that is no node's runs as the named node with a critical note; one that is the other's never", () => {
  const id = identify(named, "b", elsewhere);
  assert.ok(id.ok && /is not its machine .* nor any other node's: running as b/.test(id.warning ?? ""));
  const r = resolveNode(
    named,
    new Uint8Array(64),
    parseKernelArgs("rd.clusterguard.node=b"),
    { hostMode: false, realtime: false, links: {} },
    () => elsewhere,
  );
  assert.ok(r.ok && r.options.identity?.level === "critical");
  // Only node a names its machine; machine A booted with b's entry is refused all the same.
  const half = configWith(JSON.stringify({ machine_uuid: UUID_A }), "{}");
  const wrong = identify(half, "b", onA);
  assert.not.ok(wrong.ok, "the named node names no machine, but this one is a's");
});

test("a bonding slave's own MAC (perm_hwaddr) counts, not only the bond's", () => {
  const dir = mkdtempSync(join(tmp, "sys-"));
  mkdirSync(join(dir, "net", "eth0", "bonding_slave"), { recursive: true });
  writeFileSync(join(dir, "net", "eth0", "address"), "52:54:00:00:00:99\n");
  writeFileSync(join(dir, "net", "eth0", "bonding_slave", "perm_hwaddr"), `${MAC_B}\n`);
  assert.equal(readMachineFacts(join(dir, "none"), join(dir, "net")).macs, ["52:54:00:00:00:99", MAC_B]);
});

test("the guard's start refuses a boot entry naming the other machine's node, as a configuration error", () => {
  const r = resolveNode(
    named,
    new Uint8Array(64),
    parseKernelArgs("rd.clusterguard.node=a"),
    {
      hostMode: false,
      realtime: false,
      links: {},
    },
    () => onB,
  );
  assert.not.ok(r.ok);
  if (r.ok) return;
  assert.is(r.error.key, "rd.clusterguard.node");
  assert.is(r.error.value, "a");
  assert.match(r.error.expected, /both machines booted a's entry/);
  const none = resolveNode(
    named,
    new Uint8Array(64),
    parseKernelArgs("quiet"),
    { hostMode: false, realtime: false, links: {} },
    () => onB,
  );
  assert.ok(none.ok && none.options.self.name === "b", "no entry: the facts select b");
});

test("a config that names no machine never reads the machine's facts (and works as before)", () => {
  const plain = configWith("{}", "{}");
  let read = 0;
  const r = resolveNode(
    plain,
    new Uint8Array(64),
    parseKernelArgs("rd.clusterguard.node=a"),
    { hostMode: false, realtime: false, links: {} },
    () => {
      read++;
      return onB;
    },
  );
  assert.ok(r.ok);
  assert.is(read, 0);
});

test("the facts come from sysfs: product_uuid lower-cased, every NIC's address but the all-zero one", () => {
  const dir = mkdtempSync(join(tmp, "sys-"));
  mkdirSync(join(dir, "dmi"));
  writeFileSync(join(dir, "dmi", "product_uuid"), `${UUID_A.toUpperCase()}\n`);
  for (const [nic, mac] of [
    ["lo", "00:00:00:00:00:00"],
    ["eth0", "52:54:00:AA:BB:CC"],
  ] as const) {
    mkdirSync(join(dir, "net", nic), { recursive: true });
    writeFileSync(join(dir, "net", nic, "address"), `${mac}\n`);
  }
  const none = join(dir, "none");
  assert.equal(readMachineFacts(join(dir, "dmi"), join(dir, "net"), none), {
    uuid: UUID_A,
    macs: ["52:54:00:aa:bb:cc"],
  });
  assert.equal(readMachineFacts(none, none, none), { uuid: null, macs: [] });
});

test("systemd-boot's variables say which entry this machine booted and why; the identity line carries it", () => {
  const dir = mkdtempSync(join(tmp, "efivars-"));
  const put = (name: string, value: string | null) => {
    const f = join(dir, `${name}-${LOADER_GUID}`);
    if (value === null) rmSync(f, { force: true });
    else writeFileSync(f, Buffer.concat([Buffer.from([6, 0, 0, 0]), Buffer.from(`${value}\0`, "utf16le")]));
  };
  assert.is(readBootEntry(dir), undefined, "no boot loader said anything (BIOS, GRUB)");
  put("LoaderInfo", "systemd-boot 252.39-1~deb12u2");
  put("LoaderEntrySelected", "clusterguard-a.conf");
  put("LoaderEntryDefault", "clusterguard-a.conf");
  const own = readBootEntry(dir);
  assert.is(
    own,
    "systemd-boot 252.39-1~deb12u2 booted clusterguard-a.conf, this machine's default (EFI variable LoaderEntryDefault)",
  );
  put("LoaderEntryDefault", "ClusterGuard-A.conf");
  assert.is(readBootEntry(dir), own, "systemd-boot compares entry ids in lower case");
  put("LoaderEntryDefault", "clusterguard-b.conf");
  assert.match(
    readBootEntry(dir) ?? "",
    /booted clusterguard-a\.conf, chosen at the menu or once: this machine's default is clusterguard-b\.conf$/,
  );
  put("LoaderEntryDefault", null);
  assert.match(readBootEntry(dir) ?? "", /chosen at the menu: this machine has no default of its own$/);
  const id = identify(named, "a", { ...onA, bootEntry: own as string });
  assert.ok(id.ok);
  assert.match(
    id.ok ? id.how : "",
    /is node a's machine; systemd-boot 252\.39-1~deb12u2 booted clusterguard-a\.conf, this machine's default/,
  );
});

test("config: machine facts are checked for shape and must differ between the nodes", () => {
  const text = (a: string, b: string) =>
    `[cluster]\nname = "x"\n[[node]]\nname = "a"\naddress = "10.0.0.1"\n${a}\n[[node]]\nname = "b"\naddress = "10.0.0.2"\n${b}\n`;
  const bad = loadConfigText(text(`machine_uuid = "nope"`, ""), "t.toml");
  assert.not.ok(bad.ok);
  assert.match(JSON.stringify(bad.ok ? {} : bad.errors), /a UUID such as/);
  const same = loadConfigText(text(`machine_mac = "52:54:00:00:00:01"`, `machine_mac = "52:54:00:00:00:01"`), "t.toml");
  assert.not.ok(same.ok);
  assert.match(JSON.stringify(same.ok ? {} : same.errors), /different from node\[0\]\.machine_mac/);
  assert.ok(loadConfigText(text(`machine_uuid = "${UUID_A}"`, `machine_mac = "${MAC_B}"`), "t.toml").ok);
});

test.run();
