// What the guard initrd must hold for each fence level, and why a level could not work from there, judged against a
// small system tree: ipmitool installed or not, the CA bundle present or not, password files right, loose or missing.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { findTool, initrdNeeds, initrdProblems } from "../../src/boot/initrd-needs.ts";
import { formatConfigError, loadConfigText } from "../../src/config/index.ts";

const root = mkdtempSync(join(tmpdir(), "cg-needs-"));
test.after(() => rmSync(root, { recursive: true, force: true }));

function put(path: string, text: string, mode: number): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
  chmodSync(join(root, path), mode);
}

const NODES = `[cluster]\nname = "t"\n[[node]]\nname = "a"\naddress = "10.0.0.1"\nfencing_address = "192.168.77.1/24"\n[[node]]\nname = "b"\naddress = "10.0.0.2"\nfencing_address = "192.168.77.2/24"\n[fencing.network]\ninterface = "eth2"\n`;
const IPMI = `[[fencing.level]]\ntype = "ipmi"\nhost = "192.168.77.12"\nuser = "fence"\npassword_file = "/etc/clusterguard/bmc.pw"\n`;
const REDFISH = (more = "") =>
  `[[fencing.level]]\ntype = "redfish"\nurl = "https://192.168.77.13"\nuser = "fence"\npassword_file = "/etc/clusterguard/redfish.pw"\n${more}`;
const PILL = `[channels.disk]\nenabled = true\ndevice = "/dev/vdb"\n[[fencing.level]]\ntype = "poison-pill"\n[[fencing.level]]\ntype = "qmp"\ndevice = "/dev/virtio-ports/fence"\n`;

function config(levels: string) {
  const r = loadConfigText(`${NODES}${levels}`, "t.toml");
  if (!r.ok) throw new Error(r.errors.map(formatConfigError).join("\n"));
  return r.config;
}
const brief = (ps: { key: string; message: string }[]) => ps.map((p) => `${p.key}: ${p.message}`);

test("levels that work through the cluster itself (poison pill, qmp) need nothing in the initrd", () => {
  assert.equal(initrdNeeds(config(PILL), root), []);
  assert.equal(initrdProblems(config(PILL), root), []);
});

test("without ipmitool, CA bundle or password files in the tree, each missing piece is named with its key and fix", () => {
  const c = config(`${IPMI}${REDFISH()}`);
  assert.equal(
    initrdNeeds(c, root).map((n) => [n.kind, n.path, n.key]),
    [
      ["tool", "ipmitool", "fencing.level[0].type"],
      ["secret", "/etc/clusterguard/bmc.pw", "fencing.level[0].password_file"],
      ["secret", "/etc/clusterguard/redfish.pw", "fencing.level[1].password_file"],
      ["file", "/etc/ssl/certs/ca-certificates.crt", "fencing.level[1].ca_file"],
    ],
  );
  assert.equal(brief(initrdProblems(c, root)), [
    `fencing.level[0].type: the ipmi level runs ipmitool, which is not installed in ${root}, so the initrd cannot hold it: apt-get install ipmitool`,
    `fencing.level[0].password_file: ${root}/etc/clusterguard/bmc.pw: cannot open the file (ENOENT); expected a readable regular file holding the BMC password`,
    `fencing.level[1].password_file: ${root}/etc/clusterguard/redfish.pw: cannot open the file (ENOENT); expected a readable regular file holding the BMC password`,
    `fencing.level[1].ca_file: the redfish level verifies https against /etc/ssl/certs/ca-certificates.crt, which is missing in ${root}: apt-get install ca-certificates, or set ca_file`,
  ]);
});

test("with everything in the tree the needs resolve to real paths; a loose password file is still refused", () => {
  put("usr/bin/ipmitool", "#!/bin/sh\n", 0o755);
  put("etc/ssl/certs/ca-certificates.crt", "PEM\n", 0o644);
  put("etc/clusterguard/bmc.pw", "s3cret\n", 0o600);
  put("etc/clusterguard/redfish.pw", "s3cret\n", 0o644);
  assert.is(findTool("ipmitool", root), "/usr/bin/ipmitool");
  const c = config(`${IPMI}${REDFISH()}`);
  assert.equal(initrdNeeds(c, root)[0], {
    kind: "tool",
    path: "/usr/bin/ipmitool",
    key: "fencing.level[0].type",
    segs: ["fencing", "level", 0, "type"],
  });
  const p = brief(initrdProblems(c, root));
  assert.is(p.length, 1, p.join("\n"));
  assert.match(
    p[0]!,
    `fencing.level[1].password_file: ${root}/etc/clusterguard/redfish.pw: mode is 0644; expected mode 0600 or stricter`,
  );
  chmodSync(join(root, "etc/clusterguard/redfish.pw"), 0o600);
  assert.equal(initrdProblems(c, root), []);
});

test("a redfish ca_file replaces the system bundle; insecure or plain http needs no CA at all", () => {
  put("etc/clusterguard/bmc-ca.pem", "PEM\n", 0o644);
  const files = (levels: string) =>
    initrdNeeds(config(levels), root)
      .filter((n) => n.kind === "file")
      .map((n) => n.path);
  assert.equal(files(REDFISH('ca_file = "/etc/clusterguard/bmc-ca.pem"\n')), ["/etc/clusterguard/bmc-ca.pem"]);
  assert.equal(files(REDFISH("insecure = true\n")), []);
  assert.equal(files(REDFISH().replace("https://", "http://")), []);
  assert.equal(brief(initrdProblems(config(REDFISH('ca_file = "/etc/clusterguard/none.pem"\n')), root)), [
    `fencing.level[0].ca_file: the redfish level verifies https against /etc/clusterguard/none.pem, which is missing in ${root}: fix ca_file`,
  ]);
});

test("an unreachable BMC is a problem for the initrd too, under the key that names it", () => {
  const off = config(IPMI.replace("192.168.77.12", "172.16.5.12"));
  assert.equal(
    initrdProblems(off, root).map((p) => [p.kind, p.key]),
    [["reach", "fencing.level[0].host"]],
  );
});

test.run();
