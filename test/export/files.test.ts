// corosync.conf, the SBD configuration and MIGRATION.txt as text: the links, quorum and timers; the disk, watchdog
// and msgwait; what does not carry over (parking first), what to edit, and the steps in their order.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { fixture } from "../config/helpers.ts";
import { BASE, exported } from "./helpers.ts";

const NO_LEVELS = BASE.slice(0, BASE.indexOf("[[fencing.level]]"));
const PILL = (extra = "") =>
  `${NO_LEVELS}[channels.disk]\nenabled = true\ndevice = "/dev/vdb"\n${extra}[[fencing.level]]\ntype = "poison-pill"\nmsgwait = 21500\nwatchdog_device = "/dev/watchdog0"\nwatchdog_timeout = 10\n`;

test("corosync.conf: knet, a link per node address with corosync's ids, two_node and wait_for_all from the config", () => {
  const conf = exported(BASE).files["corosync.conf"] ?? "";
  assert.match(conf, /^\s*transport: knet$/m);
  assert.match(conf, /^\s*cluster_name: t$/m);
  assert.match(conf, /^\s*token: 3000$/m);
  assert.match(conf, /node \{\n\s+ring0_addr: 10\.0\.0\.1\n\s+name: a\n\s+nodeid: 1\n\s+\}/);
  assert.match(conf, /node \{\n\s+ring0_addr: 10\.0\.0\.2\n\s+name: b\n\s+nodeid: 2\n\s+\}/);
  assert.match(conf, /quorum \{\n\s+provider: corosync_votequorum\n[\s\S]*two_node: 1\n[\s\S]*wait_for_all: 1\n/);
  assert.not.match(conf, /ring1_addr/, "one address per node, one link");
  const off = exported(`${BASE}[fencing]\nwait_for_all = false\n`).files["corosync.conf"] ?? "";
  assert.match(off, /^\s*wait_for_all: 0$/m);
  const v6 = exported(BASE.replace("10.0.0.1", "fd00::1").replace("10.0.0.2", "fd00::2")).files["corosync.conf"];
  assert.match(v6 ?? "", /ring0_addr: fd00::1\n/);
});

test("corosync notes: the serial cable and the heartbeat port do not carry over, the timers differ", () => {
  const paths = (text: string) => exported(text).notes.map((n) => n.path.join("."));
  const base = paths(BASE);
  assert.ok(base.includes("channels.serial.enabled"), "the serial channel is on by default and named");
  assert.ok(base.includes("channels.udp.port"), "694 is not knet's port");
  assert.ok(base.includes("timers.deadtime"));
  const none = paths(`${BASE}[channels.serial]\nenabled = false\n[channels.udp]\nport = 5405\n`);
  assert.not.ok(none.includes("channels.serial.enabled"));
  assert.not.ok(none.includes("channels.udp.port"));
});

test("the sbd file: the disk channel's device, the pill level's watchdog and timeout, msgwait in the create command", () => {
  const { files, notes } = exported(PILL());
  const sbd = files.sbd ?? "";
  const vars = Object.fromEntries([...sbd.matchAll(/^([A-Z_]+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
  assert.equal(vars, {
    SBD_DEVICE: '"/dev/vdb"',
    SBD_PACEMAKER: "yes",
    SBD_STARTMODE: "clean",
    SBD_DELAY_START: "no",
    SBD_WATCHDOG_DEV: "/dev/watchdog0",
    SBD_WATCHDOG_TIMEOUT: "10",
  });
  assert.match(sbd, /^#\s+sbd -d \/dev\/vdb -1 10 -4 22 create$/m, "msgwait rounded up to whole seconds");
  const rounded = notes.find((n) => n.path.join(".") === "fencing.level.0.msgwait");
  assert.match(rounded?.text ?? "", /whole seconds: 22 s/);
});

test("the sbd file comes with the disk channel only; without a pill level it uses clusterguard's defaults and says so", () => {
  assert.is(exported(BASE).files.sbd, undefined);
  const { files, notes } = exported(`${BASE}[channels.disk]\nenabled = true\ndevice = "/dev/vdb"\noffset = 1048576\n`);
  assert.match(files.sbd ?? "", /-1 5 -4 10 create/);
  assert.match(files.sbd ?? "", /^SBD_WATCHDOG_DEV=\/dev\/watchdog$/m);
  const paths = notes.map((n) => n.path.join("."));
  assert.ok(paths.includes("channels.disk.enabled"), "no poison-pill level: named");
  const offset = notes.find((n) => n.path.join(".") === "channels.disk.offset");
  assert.ok(offset?.edit, "an area at an offset is to be moved before sbd create overwrites what lies before it");
});

test("MIGRATION.txt: parking first among what does not carry over; every note; the edits; the steps in order", () => {
  const { files, notes } = exported(fixture("export-all.toml"), "export-all.toml");
  const text = files["MIGRATION.txt"] ?? "";
  const section = (title: string) => {
    const at = text.indexOf(`\n${title}`);
    assert.ok(at >= 0, `section ${title}`);
    return text.slice(at + 1, text.indexOf("\n\n", at + 1));
  };
  const flat = (s: string) => s.replace(/\n\s+/g, " ");
  const missing = flat(section("What does not carry over"));
  assert.match(
    missing.split("\n")[1] ?? "",
    /^- Parking in the initrd before the root is mounted is unique to clusterguard/,
  );
  for (const n of notes) {
    const key =
      n.path.length === 0
        ? "Parking"
        : `${n.path
            .map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`))
            .join("")
            .slice(1)}`;
    assert.ok(missing.includes(key.replace(/\.\[/g, "[")), `MIGRATION.txt names ${key}`);
  }
  assert.match(missing, /fencing\.level\[4\]\.type = "peer-request": no counterpart in Pacemaker/);
  assert.match(missing, /monitor\[3\]\.plugin = "command": monitor "health": .*not carried over/);
  const edits = flat(section("Before the first start, edit"));
  assert.match(
    edits,
    /fencing\.level\[2\]\.type: set ip, username \(and identity_file\) and plug of fence-alpha-qmp, fence-beta-qmp/,
  );
  assert.match(edits, /fencing\.level\[0\]\.host: set ip of fence-alpha-ipmi, fence-beta-ipmi/);
  const steps = flat(section("Steps, in order"));
  const order = [
    "own system disk",
    "CHANGE-ME",
    "crm_verify --xml-file cib.xml",
    "corosync-keygen",
    "clusterguard bootloader remove",
    "sbd -d /dev/disk/by-id/wwn-0x5000c500a1b2c3d4 dump",
    "systemctl start corosync pacemaker",
    "cibadmin --replace --scope configuration",
    "stonith_admin --reboot beta",
    "systemctl enable corosync pacemaker",
  ];
  const at = order.map((s) => steps.indexOf(s));
  assert.ok(
    at.every((i) => i >= 0),
    `every step is there: ${order.filter((_, i) => (at[i] ?? -1) < 0)}`,
  );
  assert.equal(
    [...at].sort((x, y) => x - y),
    at,
    "the steps come in this order",
  );
  assert.match(text, /Corosync's token timeout of 3000 ms gave 6\.1 s detection/);
  for (const line of text.split("\n")) assert.ok(line.length <= 110, `a short line: ${line}`);
});

test("MIGRATION.txt without the disk channel has no SBD step and no edit section when nothing is to edit", () => {
  const text =
    exported(
      BASE.replace(
        'type = "qmp"\ndevice = "/dev/virtio-ports/fence"',
        'type = "ipmi"\nhost = "bmc"\nuser = "u"\npassword_file = "/etc/pw"',
      ),
    ).files["MIGRATION.txt"] ?? "";
  assert.not.match(text, /sbd -d/);
  assert.match(text, /Before the first start, edit/, "the one-BMC note is an edit");
  const pill = exported(PILL("[channels.serial]\nenabled = false\n")).files["MIGRATION.txt"] ?? "";
  assert.not.match(pill, /Before the first start, edit/);
  assert.not.match(pill, /CHANGE-ME/);
});

test.run();
