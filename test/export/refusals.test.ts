// What the export refuses, by a table: each a config error naming the file, the line, the key, the value and what
// was expected (formatted like every config error, exit 2 in the CLI), and no file at all.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { fixture } from "../config/helpers.ts";
import { BASE, exportText, refused } from "./helpers.ts";

const NO_LEVELS = BASE.slice(0, BASE.indexOf("[[fencing.level]]"));
const DISK = '[channels.disk]\nenabled = true\ndevice = "/dev/vdb"\n';

test("what cannot be carried is refused, named like a config error, by a table", () => {
  const rows: [string, string, RegExp][] = [
    [
      "no fence level (minimal.toml's case)",
      NO_LEVELS,
      /^t\.toml: fencing\.level = \[\]: no fence level configured; expected at least one \[\[fencing\.level\]\] of type ipmi, redfish, poison-pill or qmp \(Pacemaker starts no resource without a fence device, and stonith-enabled stays true\)$/,
    ],
    [
      "only peer-request",
      `${NO_LEVELS}[[fencing.level]]\ntype = "peer-request"\n`,
      /^t\.toml:14: fencing\.level = \["peer-request"\]: no fence level with a counterpart in Pacemaker; expected at least one/,
    ],
    [
      "a node without an address",
      `${BASE.replace('address = "10.0.0.2"\n', "").replace("[[fencing.level]]", "[channels.udp]\nenabled = false\n[[fencing.level]]")}`,
      /^t\.toml:9: node\[1\]\.address: missing; expected the node's heartbeat IP address \(corosync's knet link 0/,
    ],
    [
      "a unit Pacemaker's systemd class cannot manage",
      `${BASE}[[resource]]\ntype = "unit"\nname = "multi-user.target"\n`,
      /^t\.toml:19: resource\[0\]\.name = "multi-user\.target": expected a unit Pacemaker's systemd class can manage: \*\.service, \*\.socket, \*\.mount, \*\.timer, \*\.path/,
    ],
    [
      "a mount of fstype auto",
      `${BASE}[[resource]]\ntype = "mount"\ndevice = "/dev/vdc"\ntarget = "/srv"\n`,
      /^t\.toml:17: resource\[0\]\.fstype = "auto": expected the file system type, like "ext4" \(Pacemaker's Filesystem agent requires it/,
    ],
    [
      "a systemd monitor without a unit",
      `${BASE}[[monitor]]\nname = "w"\nplugin = "systemd"\n`,
      /^t\.toml:17: monitor\[0\]\.params\.unit: missing; expected a systemd unit name like "nginx\.service"/,
    ],
    [
      "an ocf monitor whose agent is not provider/type",
      `${BASE}[[monitor]]\nname = "w"\nplugin = "ocf"\nparams = { agent = "apache" }\n`,
      /^t\.toml:20: monitor\[0\]\.params\.agent = "apache": expected an OCF agent as "provider\/type"/,
    ],
    [
      "a control character XML cannot hold",
      `${BASE}[[monitor]]\nname = "w"\nplugin = "ocf"\nparams = { agent = "a/b", x = "bell\\u0007" }\n`,
      /^t\.toml:20: monitor\[0\]\.params\.x = "bell\\u0007": expected text without control characters other than tab and newline \(the CIB is XML/,
    ],
    [
      "a parameter name XML cannot hold",
      `${BASE}[[monitor]]\nname = "w"\nplugin = "ocf"\nparams = { agent = "a/b", "x\\u0001" = "1" }\n`,
      /^t\.toml:20: monitor\[0\]\.params\."x\\u0001": the key itself; expected text without control characters/,
    ],
    [
      "an SBD device the shell-style file cannot hold as it is",
      `${BASE}[channels.disk]\nenabled = true\ndevice = "/dev/disk/by-id/my disk;x"\n`,
      /^t\.toml:19: channels\.disk\.device = "\/dev\/disk\/by-id\/my disk;x": expected an absolute path of the characters/,
    ],
    [
      "a watchdog device likewise",
      `${NO_LEVELS}${DISK}[[fencing.level]]\ntype = "poison-pill"\nwatchdog_device = "/dev/$(reboot)"\n`,
      /^t\.toml:19: fencing\.level\[0\]\.watchdog_device = "\/dev\/\$\(reboot\)": expected an absolute path/,
    ],
  ];
  for (const [what, text, message] of rows) {
    const errors = refused(text);
    assert.is(errors.length, 1, `${what}: ${errors.join("\n")}`);
    assert.match(errors[0] ?? "", message, what);
  }
});

test("every refusal is reported at once, and nothing is exported", () => {
  const text = `${NO_LEVELS}[[fencing.level]]\ntype = "peer-request"\n[[resource]]\ntype = "unit"\nname = "a.target"\n`;
  const r = exportText(text);
  assert.is(r.ok, false);
  if (r.ok) return;
  assert.equal(
    r.errors.map((e) => e.key),
    ["fencing.level", "resource[0].name"],
  );
  for (const e of r.errors) {
    assert.is(e.file, "t.toml");
    assert.ok(e.expected.length > 0);
  }
});

test("minimal.toml (no fence level) is refused; good.toml exports", () => {
  const mini = refused(fixture("minimal.toml"), "minimal.toml");
  assert.equal(mini.length, 1);
  assert.match(mini[0] ?? "", /^minimal\.toml: fencing\.level = \[\]: no fence level configured; expected/);
  assert.ok(exportText(fixture("good.toml"), "good.toml").ok);
});

test.run();
