// Who this node is: from --node or rd.clusterguard.node, checked against the config.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { resolve } from "node:path";
import { loadConfig, loadConfigText } from "../../src/config/index.ts";
import { parseKernelArgs, splitCidr } from "../../src/node/kernel-args.ts";
import { fenceLevelsFor, resolveNode } from "../../src/node/bootstrap.ts";

const loaded = loadConfig(resolve(import.meta.dir, "../fixtures/config/good.toml"));
if (!loaded.ok) throw new Error("fixture must load");
const config = loaded.config;
const key = new Uint8Array(64);
const cli = { hostMode: false, realtime: false, links: {} };

test("the kernel argument names the node; the other one is the peer", () => {
  const r = resolveNode(
    config,
    key,
    parseKernelArgs("rd.clusterguard.node=b rd.clusterguard.address=10.0.0.2/16"),
    cli,
  );
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.is(r.options.self.name, "b");
  assert.is(r.options.peer.name, "a");
  assert.is(r.options.links.udpLocal, "10.0.0.2", "the prefix is for the interface, not the socket");
});

test("--node wins over the kernel argument", () => {
  const r = resolveNode(config, key, parseKernelArgs("rd.clusterguard.node=b"), { ...cli, node: "a" });
  assert.ok(r.ok && r.options.self.name === "a");
});

test("no node name, or an unknown one, is a configuration error naming where it came from", () => {
  const none = resolveNode(config, key, parseKernelArgs("quiet"), cli);
  assert.ok(!none.ok && none.error.key === "rd.clusterguard.node" && /one of a, b/.test(none.error.expected));
  const bad = resolveNode(config, key, parseKernelArgs("rd.clusterguard.node=c"), cli);
  assert.ok(!bad.ok && bad.error.file === "kernel command line");
});

test("addresses split into address and prefix, with per-family defaults", () => {
  assert.equal(splitCidr("192.168.100.1/24"), { address: "192.168.100.1", prefix: 24 });
  assert.equal(splitCidr("192.168.100.1"), { address: "192.168.100.1", prefix: 24 });
  assert.equal(splitCidr("fd00::1"), { address: "fd00::1", prefix: 64 });
});

test("each node fences with the levels aimed at its peer (and the untargeted ones), in order", () => {
  const bmc = (target: string, host: string) =>
    `[[fencing.level]]\ntype = "ipmi"\ntarget = "${target}"\nhost = "${host}"\nuser = "u"\npassword_file = "/etc/pw"\n`;
  const text = `[cluster]\nname = "t"\n[[node]]\nname = "a"\naddress = "10.0.0.1"\n[[node]]\nname = "b"\naddress = "10.0.0.2"\n${bmc("a", "bmc-a")}${bmc("b", "bmc-b")}[[fencing.level]]\ntype = "peer-request"\n`;
  const r = loadConfigText(text, "t.toml");
  if (!r.ok) throw new Error("must load");
  for (const [self, peerBmc] of [
    ["a", "bmc-b"],
    ["b", "bmc-a"],
  ] as const) {
    const node = resolveNode(r.config, key, parseKernelArgs(`rd.clusterguard.node=${self}`), cli);
    if (!node.ok) throw new Error("must resolve");
    const devices = fenceLevelsFor(r.config, node.options)({} as never);
    assert.equal(
      devices.map((d) => (d.name === "ipmi" ? `ipmi ${(d as unknown as { t: { host: string } }).t.host}` : d.name)),
      [`ipmi ${peerBmc}`, "peer-request"],
      `node ${self}`,
    );
  }
});

test.run();
