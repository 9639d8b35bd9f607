// The export checked by the real tools, not by eye (make host-deps installs them: pacemaker-cli-utils, corosync):
// over the example configs (good.toml, the README's, export-all.toml with every fence and resource type) and a few
// variants, crm_verify accepts every CIB with nothing to say, crm_simulate starts the group on the node that outranks
// and each fence device away from the node it fences, and `corosync -t` accepts every corosync.conf as each node
// (run in its own UTS and mount namespaces: the node's hostname, a throwaway authkey, the host's files untouched).
// Needs root (unshare), like the other namespace tests.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixture } from "../config/helpers.ts";
import { BASE, exported } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "cg-export-tools-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** A tool the host-deps step installs; its absence fails the test with the way to get it. */
function tool(name: string, pkg: string): string {
  const path = Bun.which(name, { PATH: `${process.env.PATH ?? ""}:/usr/sbin:/sbin` });
  if (path === null) throw new Error(`${name} is missing: run 'make host-deps' (it installs ${pkg})`);
  return path;
}

function run(argv: string[]): { code: number; out: string } {
  const r = Bun.spawnSync(argv, { stdout: "pipe", stderr: "pipe", env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin" } });
  return { code: r.exitCode, out: `${r.stdout.toString()}${r.stderr.toString()}` };
}

/** The README's example configuration ("Configuring a node"). */
function readmeExample(): string {
  const readme = readFileSync(join(import.meta.dir, "..", "..", "README.md"), "utf8");
  const at = readme.indexOf("## Configuring a node");
  const block = /```toml\n([\s\S]*?)```/.exec(readme.slice(at));
  if (block?.[1] === undefined) throw new Error("the README's example configuration is gone");
  return block[1];
}

const NO_LEVELS = BASE.slice(0, BASE.indexOf("[[fencing.level]]"));
const CONFIGS: [string, () => string][] = [
  ["good.toml", () => fixture("good.toml")],
  ["the README's example", readmeExample],
  ["export-all.toml", () => fixture("export-all.toml")],
  [
    "IPv6 node addresses, no serial, wait_for_all off",
    () =>
      `${BASE.replace("10.0.0.1", "fd00::1").replace("10.0.0.2", "fd00::2")}[channels.serial]\nenabled = false\n[fencing]\nwait_for_all = false\n`,
  ],
  [
    "ipmi and redfish, resources without monitors",
    () => `${NO_LEVELS}
[[fencing.level]]
type = "redfish"
url = "http://bmc.local/redfish/v1"
user = "u"
password_file = "/etc/pw"
[[fencing.level]]
type = "ipmi"
host = "bmc"
user = "u"
password_file = "/etc/pw"
[[resource]]
type = "unit"
name = "timer-job.timer"
[[resource]]
type = "mount"
device = "/dev/vdc"
target = "/mnt/x"
fstype = "ext4"
`,
  ],
];

/** Writes `files` into a fresh directory and returns it. */
function writeAll(name: string, files: Record<string, string>): string {
  const out = mkdtempSync(join(dir, `${name.replace(/[^a-z0-9]+/gi, "-")}-`));
  for (const [f, text] of Object.entries(files)) writeFileSync(join(out, f), text);
  return out;
}

/** `corosync -t -c conf` as node `name`: its hostname, an authkey, /var/log/corosync, all private to the run. */
function corosyncCheck(conf: string, name: string): { code: number; out: string } {
  const corosync = tool("corosync", "corosync");
  const key = join(dir, "authkey");
  writeFileSync(key, new Uint8Array(crypto.getRandomValues(new Uint8Array(128))), { mode: 0o600 });
  const script = [
    "set -e",
    `hostname "$1"`,
    "mount -t tmpfs -o mode=0700 cg-test /etc/corosync",
    "mkdir -p /var/log/corosync && mount -t tmpfs cg-test /var/log/corosync",
    `cp "$2" /etc/corosync/authkey`,
    `exec "$3" -t -c "$4"`,
  ].join("\n");
  return run(["unshare", "--uts", "--mount", "sh", "-c", script, "sh", name, key, corosync, conf]);
}

test("the tools are installed (make host-deps) and this runs as root (namespaces)", () => {
  tool("crm_verify", "pacemaker-cli-utils");
  tool("crm_simulate", "pacemaker-cli-utils");
  tool("corosync", "corosync");
  assert.is(process.getuid?.(), 0, "corosync's check runs in namespaces: run the tests as root");
});

for (const [name, text] of CONFIGS) {
  test(`${name}: crm_verify accepts the CIB with nothing to say`, () => {
    const out = writeAll(name, exported(text(), name).files);
    const r = run([tool("crm_verify", "pacemaker-cli-utils"), "-V", "--xml-file", join(out, "cib.xml")]);
    assert.is(r.code, 0, r.out);
    assert.is(r.out, "", "no error, no warning");
  });

  test(`${name}: with both nodes up, crm_simulate starts the group on the node that outranks, fence devices away from their targets`, () => {
    const cib = exported(text(), name).files["cib.xml"] ?? "";
    const up = cib
      .replace(/<cib /, '<cib have-quorum="1" ')
      .replaceAll(
        'in_ccm="false" crmd="offline" join="down" expected="down"',
        'in_ccm="true" crmd="online" join="member" expected="member"',
      );
    const file = join(writeAll(name, { "up.xml": up }), "up.xml");
    const r = run([tool("crm_simulate", "pacemaker-cli-utils"), "--simulate", "--xml-file", file]);
    assert.is(r.code, 0, r.out);
    const revised = r.out.slice(r.out.indexOf("Revised Cluster Status"));
    const started = new Map([...revised.matchAll(/\* (\S+)\s+\([^)]*\):\s+Started (\S+)/g)].map((m) => [m[1], m[2]]));
    const group = [...(/<group[\s\S]*<\/group>/.exec(cib)?.[0] ?? "").matchAll(/<primitive id="([^"]+)"/g)].map(
      (m) => m[1],
    );
    const first = /<rsc_location id="prefer-[^"]*" rsc="[^"]*" node="([^"]+)"/.exec(cib)?.[1];
    for (const id of group) assert.is(started.get(id), first, `${id} runs on ${first}:\n${revised}`);
    for (const [, id, target] of cib.matchAll(
      /<primitive id="(fence-[^"]+)"[\s\S]*?name="pcmk_host_list" value="([^"]+)"/g,
    )) {
      const on = started.get(id);
      assert.ok(on !== undefined && on !== target, `${id} runs away from ${target}: ${on}`);
    }
  });

  test(`${name}: corosync -t accepts corosync.conf as each node`, () => {
    const files = exported(text(), name).files;
    const conf = join(writeAll(name, files), "corosync.conf");
    for (const node of [...(files["corosync.conf"] ?? "").matchAll(/^\s+name: (\S+)$/gm)].map((m) => m[1] ?? "")) {
      const r = corosyncCheck(conf, node);
      assert.is(r.code, 0, `${node}: ${r.out}`);
      assert.not.match(r.out, /warning|error/i, `${node}: ${r.out}`);
    }
  });
}

test("the checks are real: crm_verify refuses a CIB without its fence devices, corosync -t a host not in the nodelist", () => {
  const files = exported(fixture("good.toml"), "good.toml").files;
  const cib = (files["cib.xml"] ?? "").replace(/<primitive id="fence-[\s\S]*?<\/primitive>\n/g, "");
  const out = writeAll("negative", { "cib.xml": cib, "corosync.conf": files["corosync.conf"] ?? "" });
  const v = run([tool("crm_verify", "pacemaker-cli-utils"), "--xml-file", join(out, "cib.xml")]);
  assert.is.not(v.code, 0);
  const c = corosyncCheck(join(out, "corosync.conf"), "not-a-node");
  assert.is.not(c.code, 0);
  assert.match(c.out, /No valid name found for local host/);
});

test.run();
