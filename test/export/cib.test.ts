// The CIB the export writes, read back as data: each resource type and each fence type by a table, the group in
// clusterguard's order, monitors on the resources they watch, the recovery policy, fencing.delay on the right
// devices, the topology in level order, the two-node settings, ids and escaping.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { BASE, exported, primitives, tags } from "./helpers.ts";

const cibOf = (text: string) => exported(text).files["cib.xml"] ?? "";

test("each resource type maps to its agent and parameters, by a table", () => {
  const rows: [string, string, Record<string, string>, Record<string, string>][] = [
    [
      'type = "ip"\nname = "vip"\naddress = "10.0.0.50/24"\ninterface = "eth0"\narp_count = 4',
      "vip",
      { class: "ocf", provider: "heartbeat", type: "IPaddr2" },
      { ip: "10.0.0.50", cidr_netmask: "24", nic: "eth0", arp_count: "4" },
    ],
    [
      'type = "ip"\naddress = "fd00::50/64"\ninterface = "eth1"',
      "ip-fd00-50-64",
      { class: "ocf", provider: "heartbeat", type: "IPaddr2" },
      { ip: "fd00::50", cidr_netmask: "64", nic: "eth1" },
    ],
    [
      'type = "mount"\nname = "data"\ndevice = "LABEL=my data/1"\ntarget = "/srv/data"\nfstype = "xfs"',
      "data",
      { class: "ocf", provider: "heartbeat", type: "Filesystem" },
      { device: "/dev/disk/by-label/my\\x20data\\x2f1", directory: "/srv/data", fstype: "xfs" },
    ],
    [
      'type = "mount"\ndevice = "UUID=0a1b-2c3d"\ntarget = "/srv/x"\nfstype = "vfat"\noptions = "ro,umask=077"',
      "mount-srv-x",
      { class: "ocf", provider: "heartbeat", type: "Filesystem" },
      { device: "/dev/disk/by-uuid/0a1b-2c3d", directory: "/srv/x", fstype: "vfat", options: "ro,umask=077" },
    ],
    [
      'type = "mount"\ndevice = "/dev/vdc1"\ntarget = "/srv"\nfstype = "ext4"\noptions = "defaults"',
      "mount-srv",
      { class: "ocf", provider: "heartbeat", type: "Filesystem" },
      { device: "/dev/vdc1", directory: "/srv", fstype: "ext4" },
    ],
    [
      'type = "unit"\nname = "nginx.service"\ntimeout = 45000',
      "nginx.service",
      { class: "systemd", type: "nginx.service" },
      {},
    ],
    ['type = "unit"\nname = "app.socket"', "app.socket", { class: "systemd", type: "app.socket" }, {}],
  ];
  for (const [body, id, attrs, params] of rows) {
    const p = primitives(cibOf(`${BASE}[[resource]]\n${body}\n`)).get(id);
    assert.ok(p, `${id} in the CIB for:\n${body}`);
    for (const [k, v] of Object.entries(attrs)) assert.is(p.attrs[k], v, `${id} ${k}`);
    assert.equal(p.params, params, `${id} parameters`);
  }
});

test("a resource's start, stop and monitor take its timeout; a monitor comes every 10 s (ip), 20 s (mount), 60 s (unit)", () => {
  const cib = cibOf(`${BASE}
[[resource]]
type = "ip"
name = "vip"
address = "10.0.0.50/24"
interface = "eth0"
timeout = 7500
[[resource]]
type = "mount"
name = "m"
device = "/dev/vdc1"
target = "/srv"
fstype = "ext4"
[[resource]]
type = "unit"
name = "nginx.service"
timeout = 45000
`);
  const ops = (id: string) =>
    primitives(cib)
      .get(id)
      ?.ops.map((o) => `${o.name} ${o.interval} ${o.timeout}`);
  assert.equal(ops("vip"), ["monitor 10s 7500ms", "start 0s 7500ms", "stop 0s 7500ms"]);
  assert.equal(ops("m"), ["monitor 20s 20s", "start 0s 20s", "stop 0s 20s"]);
  assert.equal(ops("nginx.service"), ["monitor 60s 45s", "start 0s 45s", "stop 0s 45s"]);
});

test("the group holds the resources in file order, then the services the monitors start; it prefers the node that outranks", () => {
  const cib = cibOf(`${BASE}
[[resource]]
type = "unit"
name = "z-first.service"
[[resource]]
type = "ip"
name = "vip"
address = "10.0.0.50/24"
interface = "eth0"
[[monitor]]
name = "apache"
plugin = "ocf"
params = { agent = "heartbeat/apache" }
[[monitor]]
name = "worker"
plugin = "systemd"
params = { unit = "worker.service" }
`);
  const group = /<group id="([^"]+)">([\s\S]*?)<\/group>/.exec(cib);
  assert.is(group?.[1], "t-group");
  assert.equal(
    [...(group?.[2] ?? "").matchAll(/<primitive id="([^"]+)"/g)].map((m) => m[1]),
    ["z-first.service", "vip", "apache", "worker"],
  );
  const prefer = tags(cib, "rsc_location").filter((l) => l.rsc === "t-group");
  assert.equal(prefer, [{ id: "prefer-t-group-on-a", rsc: "t-group", node: "a", score: "100" }]);
  const sticky = tags(cib, "nvpair").find((n) => n.name === "resource-stickiness");
  assert.ok(Number(sticky?.value) > 100, "stickiness above the preference: no failback");
  const equal = cibOf(BASE.replace("priority = 200", "priority = 100").replace('name = "a"', 'name = "c"'));
  assert.not.match(equal, /<group/, "no resources, no group");
  const eq = cibOf(
    `${BASE.replace("priority = 200", "priority = 100").replace('name = "a"', 'name = "c"')}[[resource]]\ntype = "unit"\nname = "x.service"\n`,
  );
  assert.is(tags(eq, "rsc_location").find((l) => l.rsc === "t-group")?.node, "b", "equal priorities: the smaller name");
});

test("a systemd monitor of a resource's unit becomes its monitor operation; the recovery policy maps, by a table", () => {
  const rows: [string, Record<string, string>, Record<string, string | undefined>][] = [
    [
      'on_fail = "restart"\nmax_restarts = 2\nrestart_window = 300000',
      { "migration-threshold": "3", "failure-timeout": "300s" },
      { interval: "15s", timeout: "4s", "on-fail": undefined },
    ],
    ['on_fail = "failover"', { "migration-threshold": "1", "failure-timeout": "600s" }, { "on-fail": undefined }],
    ['on_fail = "stop"', {}, { "on-fail": "block" }],
  ];
  for (const [policy, meta, op] of rows) {
    const cib = cibOf(`${BASE}
[[resource]]
type = "unit"
name = "nginx.service"
[[monitor]]
name = "web"
plugin = "systemd"
interval = 15000
timeout = 4000
${policy}
params = { unit = "nginx" }
`);
    const p = primitives(cib).get("nginx.service");
    assert.ok(p);
    assert.equal(p.meta, meta, policy);
    const monitor = p.ops.find((o) => o.name === "monitor");
    for (const [k, v] of Object.entries(op)) assert.is(monitor?.[k], v, `${policy}: ${k}`);
    assert.is(p.ops.filter((o) => o.name === "monitor").length, 1, "one monitor operation");
    assert.not.ok(primitives(cib).has("web"), "no second resource for the same unit");
  }
});

test("an ocf monitor is the OCF agent as it is: its parameters but agent and ocf_root; a systemd monitor of another unit is a resource", () => {
  const { files, notes } = exported(`${BASE}
[[monitor]]
name = "db"
plugin = "ocf"
interval = 20000
timeout = 9000
params = { agent = "heartbeat/pgsql", ocf_root = "/opt/ocf", pgdata = "/srv/pg", port = 5433, monitor_sql = true }
[[monitor]]
name = "9worker"
plugin = "systemd"
params = { unit = "worker@1.service" }
`);
  const all = primitives(files["cib.xml"] ?? "");
  const db = all.get("db");
  assert.equal(db?.attrs.class, "ocf");
  assert.equal(db?.attrs.provider, "heartbeat");
  assert.equal(db?.attrs.type, "pgsql");
  assert.equal(db?.params, { pgdata: "/srv/pg", port: "5433", monitor_sql: "true" });
  assert.equal(db?.ops, [{ id: "db-monitor-interval-20s", name: "monitor", interval: "20s", timeout: "9s" }]);
  assert.ok(
    notes.some((n) => n.path.join(".") === "monitor.0.params.ocf_root" && n.edit?.includes("/usr/lib/ocf")),
    "an OCF agent elsewhere than /usr/lib/ocf is named, to install",
  );
  const worker = all.get("monitor-9worker");
  assert.equal(worker?.attrs.class, "systemd");
  assert.equal(worker?.attrs.type, "worker@1.service");
});

test("checks with no resource agent are named, one note each, and carried nowhere", () => {
  const { files, notes } = exported(`${BASE}
[[monitor]]
name = "h"
plugin = "http"
params = { url = "http://127.0.0.1/" }
[[monitor]]
name = "t"
plugin = "tcp"
params = { port = 80 }
[[monitor]]
name = "p"
plugin = "process"
params = { name = "nginx" }
[[monitor]]
name = "c"
plugin = "command"
params = { path = "/bin/true" }
[[monitor]]
name = "f"
plugin = "/etc/clusterguard/monitors.d/file-fresh.ts"
params = { path = "/x" }
`);
  const plugins = notes.filter((n) => n.path[0] === "monitor" && n.path[2] === "plugin");
  assert.equal(
    plugins.map((n) => n.value),
    ["http", "tcp", "process", "command", "/etc/clusterguard/monitors.d/file-fresh.ts"],
  );
  for (const n of plugins) assert.match(n.text, /not carried over/);
  assert.is(primitives(files["cib.xml"] ?? "").size, 2, "only the two qmp fence devices");
});

test("each fence type maps to its agent, one device per node, by a table", () => {
  const rows: [string, string, Record<string, string>][] = [
    [
      'type = "ipmi"\nhost = "10.9.0.1"\nuser = "admin"\npassword_file = "/etc/clusterguard/ipmi.pw"',
      "fence_ipmilan",
      { ip: "10.9.0.1", username: "admin", password_script: "cat /etc/clusterguard/ipmi.pw", lanplus: "1" },
    ],
    [
      'type = "ipmi"\nhost = "bmc-b"\nuser = "admin"\npassword_file = "/etc/pw"\ninterface = "lan"',
      "fence_ipmilan",
      { ip: "bmc-b", username: "admin", password_script: "cat /etc/pw" },
    ],
    [
      'type = "ipmi"\nhost = "10.9.0.1"\nuser = "admin"\npassword_file = "/etc/pw"\nport = 16230\ncipher_suite = 3',
      "fence_ipmilan",
      { ip: "10.9.0.1", username: "admin", password_script: "cat /etc/pw", ipport: "16230", lanplus: "1", cipher: "3" },
    ],
    [
      'type = "redfish"\nurl = "https://[fd00::9]/redfish/v1"\nuser = "root"\npassword_file = "/etc/it\'s pw"\nsystem = "Self"',
      "fence_redfish",
      {
        ip: "fd00::9",
        ipport: "443",
        username: "root",
        password_script: "cat '/etc/it'\\''s pw'",
        systems_uri: "/redfish/v1/Systems/Self",
      },
    ],
    [
      'type = "redfish"\nurl = "https://bmc:8443"\nuser = "root"\npassword_file = "/etc/pw"\ninsecure = true',
      "fence_redfish",
      {
        ip: "bmc",
        ipport: "8443",
        username: "root",
        password_script: "cat /etc/pw",
        systems_uri: "/redfish/v1/Systems/1",
        ssl_insecure: "1",
      },
    ],
    [
      'type = "poison-pill"\nmsgwait = 40000\nwatchdog_timeout = 10',
      "fence_sbd",
      { devices: "/dev/vdb", pcmk_reboot_timeout: "48s", pcmk_off_timeout: "48s" },
    ],
    ['type = "poison-pill"', "fence_sbd", { devices: "/dev/vdb", pcmk_reboot_timeout: "30s", pcmk_off_timeout: "30s" }],
    ['type = "qmp"\ndevice = "/dev/x"', "fence_virsh", { ip: "CHANGE-ME", username: "CHANGE-ME", plug: "NODE" }],
    [
      'type = "qmp"\ndevice = "/dev/x"\naction = "off"',
      "fence_virsh",
      { ip: "CHANGE-ME", username: "CHANGE-ME", plug: "NODE", pcmk_reboot_action: "off" },
    ],
  ];
  const disk = '[channels.disk]\nenabled = true\ndevice = "/dev/vdb"\n[fencing]\ndelay = 0\n';
  for (const [body, agent, params] of rows) {
    const text = `${BASE.slice(0, BASE.indexOf("[[fencing.level]]"))}${disk}[[fencing.level]]\n${body}\n`;
    const devices = [...primitives(cibOf(text)).values()].filter((p) => p.attrs.class === "stonith");
    assert.is(devices.length, 2, body);
    for (const [d, node] of devices.map((p, i) => [p, i === 0 ? "a" : "b"] as const)) {
      assert.is(d.attrs.type, agent, body);
      const want = Object.fromEntries(
        Object.entries(params).map(([k, v]) => [k, v === "NODE" ? node : v] as [string, string]),
      );
      assert.equal(d.params, { ...want, pcmk_host_list: node }, body);
    }
  }
});

test("fence devices follow the levels' order per node, peer-request left out; each is banned from the node it fences", () => {
  const text = `${BASE.slice(0, BASE.indexOf("[[fencing.level]]"))}
[[fencing.level]]
type = "peer-request"
[[fencing.level]]
type = "ipmi"
host = "bmc"
user = "u"
password_file = "/etc/pw"
[[fencing.level]]
type = "qmp"
device = "/dev/x"
[[fencing.level]]
type = "ipmi"
host = "bmc2"
user = "u"
password_file = "/etc/pw"
`;
  const { files, notes } = exported(text);
  const cib = files["cib.xml"] ?? "";
  assert.equal(
    tags(cib, "fencing-level").map((l) => `${l.target} ${l.index} ${l.devices}`),
    [
      "a 1 fence-a-ipmi",
      "a 2 fence-a-qmp",
      "a 3 fence-a-ipmi-2",
      "b 1 fence-b-ipmi",
      "b 2 fence-b-qmp",
      "b 3 fence-b-ipmi-2",
    ],
  );
  const bans = tags(cib, "rsc_location").filter((l) => l.score === "-INFINITY");
  assert.is(bans.length, 6);
  for (const ban of bans) assert.ok(ban.rsc?.startsWith(`fence-${ban.node}-`), `${ban.rsc} banned from ${ban.node}`);
  const pr = notes.find((n) => n.value === "peer-request");
  assert.ok(pr, "peer-request is named");
  assert.is(pr.path.join("."), "fencing.level.0.type");
  assert.match(pr.text, /no counterpart in Pacemaker/);
});

test("a level with a target is that node's device only: each node's own BMC, levels in order per node", () => {
  const bmc = (target: string, host: string) =>
    `[[fencing.level]]\ntype = "ipmi"\ntarget = "${target}"\nhost = "${host}"\nuser = "u"\npassword_file = "/etc/pw"\n`;
  const text = `${BASE.slice(0, BASE.indexOf("[[fencing.level]]"))}
${bmc("a", "bmc-a")}${bmc("b", "bmc-b")}[[fencing.level]]
type = "qmp"
device = "/dev/x"
`;
  const cib = cibOf(text);
  assert.equal(
    tags(cib, "fencing-level").map((l) => `${l.target} ${l.index} ${l.devices}`),
    ["a 1 fence-a-ipmi", "a 2 fence-a-qmp", "b 1 fence-b-ipmi", "b 2 fence-b-qmp"],
  );
  const ip = (id: string) => primitives(cib).get(id)?.params.ip;
  assert.is(ip("fence-a-ipmi"), "bmc-a");
  assert.is(ip("fence-b-ipmi"), "bmc-b");
});

test("fencing.delay is pcmk_delay_base on the devices that fence the node that outranks, and only there", () => {
  const cases: [string, string | undefined][] = [
    [BASE, "a"],
    [BASE.replace("priority = 200", "priority = 50"), "b"],
    [BASE.replace("priority = 200", "priority = 100"), "a"],
    [`${BASE}[fencing]\ndelay = 0\n`, undefined],
  ];
  for (const [text, delayedTarget] of cases) {
    const devices = [...primitives(cibOf(text)).values()];
    const delayed = devices.filter((d) => d.params.pcmk_delay_base !== undefined);
    assert.equal(
      delayed.map((d) => [d.params.pcmk_host_list, d.params.pcmk_delay_base]),
      delayedTarget === undefined ? [] : [[delayedTarget, "5s"]],
    );
  }
});

test("the two-node settings: stonith on, no-quorum-policy stop, the fence timeout; nodes with corosync's ids", () => {
  const cib = cibOf(`${BASE}[fencing]\ntimeout = 45000\n`);
  const props = Object.fromEntries(
    tags(/<cluster_property_set[\s\S]*?<\/cluster_property_set>/.exec(cib)?.[0] ?? "", "nvpair").map((n) => [
      n.name,
      n.value,
    ]),
  );
  assert.equal(props, {
    "cluster-name": "t",
    "stonith-enabled": "true",
    "stonith-timeout": "45s",
    "no-quorum-policy": "stop",
  });
  assert.equal(tags(cib, "node"), [
    { id: "1", uname: "a" },
    { id: "2", uname: "b" },
  ]);
  const root = tags(cib, "cib")[0];
  assert.is(root?.["validate-with"], "pacemaker-3.0");
  assert.is(root?.epoch, "1");
  assert.equal(
    tags(cib, "node_state").map((s) => `${s.uname} ${s.crmd} ${s.expected}`),
    ["a offline down", "b offline down"],
  );
});

test("names from the config are escaped in the XML, ids are XML IDs and unique", () => {
  const cib = cibOf(`${BASE}
[[resource]]
type = "ip"
name = "a <b> & \\"c\\" 'd' end"
address = "10.0.0.50/24"
interface = "eth0"
[[resource]]
type = "ip"
name = "a b c d end"
address = "10.0.0.51/24"
interface = "eth0"
[[resource]]
type = "ip"
address = "10.0.0.52/24"
interface = "eth0"
[[monitor]]
name = "x"
plugin = "ocf"
params = { agent = "local/x", banner = "one\\ttwo\\nthree\\r<&>" }
`);
  assert.ok(cib.includes("description=\"resource[0] &quot;a &lt;b&gt; &amp; \\&quot;c\\&quot; 'd' end&quot;\""));
  assert.ok(cib.includes('value="one&#9;two&#10;three&#13;&lt;&amp;&gt;"'), "tab, newline, CR as references");
  assert.is(primitives(cib).get("x")?.params.banner, "one\ttwo\nthree\r<&>");
  assert.not.match(cib, /<b>/);
  const ids = [...cib.matchAll(/ id="([^"]*)"/g)].map((m) => m[1] ?? "");
  const xmlIds = ids.filter((id) => !/^[12]$/.test(id)); // node ids are corosync's numbers, not XML IDs
  for (const id of xmlIds) assert.match(id, /^[A-Za-z_][A-Za-z0-9._-]*$/);
  assert.is(new Set(xmlIds).size, xmlIds.length, "ids are unique");
  const group = [...(/<group[\s\S]*<\/group>/.exec(cib)?.[0] ?? "").matchAll(/<primitive id="([^"]+)"/g)];
  assert.equal(
    group.map((m) => m[1]),
    ["a-b-c-d-end", "a-b-c-d-end-2", "ip-10.0.0.52-24", "x"],
  );
});

test.run();
