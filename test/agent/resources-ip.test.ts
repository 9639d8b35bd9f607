// The ip resource for real, inside a network namespace: added once, announced (or said not to be), removed once.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { IpResource, type IpResourceOptions } from "../../src/agent/resources/ip.ts";
import { findAddress } from "../../src/agent/resources/ip-addr.ts";

const NS = "cgres21";
const IF = "cgres21a";
const signal = () => new AbortController().signal;

function sh(...args: string[]): { ok: boolean; out: string } {
  const r = spawnSync("ip", args, { encoding: "utf8" });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

/** A namespace holding a veth pair (both ends up), or why it cannot be made here. */
function makeNs(): string | null {
  sh("netns", "del", NS);
  for (const step of [["netns", "add", NS], ["-n", NS, "link", "add", IF, "type", "veth", "peer", "name", "cgres21b"], ["-n", NS, "link", "set", IF, "up"], ["-n", NS, "link", "set", "cgres21b", "up"]]) {
    const r = sh(...step);
    if (!r.ok) {
      sh("netns", "del", NS);
      return `ip ${step.join(" ")}: ${r.out.trim()}`;
    }
  }
  return null;
}

/** How often `cidr` appears on the interface. */
const count = (cidr: string) => sh("-n", NS, "-o", "addr", "show", "dev", IF).out.split("\n").filter((l) => l.includes(` ${cidr} `)).length;

/** A resource whose commands run inside the namespace. */
const inNs = (o: Partial<IpResourceOptions> & { address: string }) =>
  new IpResource({ name: `ip ${o.address}`, interface: IF, arpCount: 2, timeoutMs: 10000, wrap: ["ip", "netns", "exec", NS], ...o });

const skip = makeNs();
if (skip !== null) console.log(`  (resources-ip: namespace tests skipped: ${skip})`);
const real = (name: string, fn: () => Promise<void>) => test(name, async () => (skip === null ? fn() : undefined));

test("ip -o addr output is read for every prefix of the address, IPv6 spellings compared canonically", () => {
  const out = [
    "3: eth0    inet 10.0.0.5/24 brd 10.0.0.255 scope global eth0\\       valid_lft forever preferred_lft forever",
    "3: eth0    inet 10.0.0.50/16 scope global eth0\\       valid_lft forever preferred_lft forever",
    "3: eth0    inet 10.0.0.5/16 scope global secondary eth0\\       valid_lft forever preferred_lft forever",
    "3: eth0    inet6 fd00::5/64 scope global tentative \\       valid_lft forever preferred_lft forever",
  ].join("\n");
  assert.equal(findAddress(out, "10.0.0.5"), [24, 16]);
  assert.equal(findAddress(out, "fd00:0:0::5"), [64]);
  assert.equal(findAddress(out, "10.0.0.6"), []);
});

real("an IPv4 address comes up once, is announced or said not to be, and is released once", async () => {
  const r = inNs({ address: "10.214.21.50/24" });
  const first = await r.up(signal());
  assert.ok(first.ok, first.detail);
  assert.match(first.detail, /^10\.214\.21\.50\/24 on cgres21a added; /);
  assert.is(count("10.214.21.50/24"), 1);
  if (Bun.which("arping")) {
    assert.match(first.detail, /2 gratuitous ARP\(s\) sent|gratuitous ARP failed/);
  } else {
    assert.match(first.detail, /arping is missing .*install iputils-arping.*the address is up/);
    assert.is(first.warn, true);
  }
  assert.equal(r.state(), { name: "ip 10.214.21.50/24", kind: "ip", state: "up", detail: first.detail });
  const again = await r.up(signal());
  assert.ok(again.ok, again.detail);
  assert.match(again.detail, /already present/);
  assert.is(count("10.214.21.50/24"), 1, "no duplicate");
  const down = await r.down(signal());
  assert.ok(down.ok, down.detail);
  assert.is(down.detail, "10.214.21.50/24 removed from cgres21a");
  assert.is(count("10.214.21.50/24"), 0);
  const downAgain = await r.down(signal());
  assert.ok(downAgain.ok, downAgain.detail);
  assert.match(downAgain.detail, /not on cgres21a: nothing to release/);
  assert.is(r.state().state, "down");
});

real("arp_count = 0 sends nothing and says so", async () => {
  const r = inNs({ address: "10.214.21.51/24", arpCount: 0 });
  const up = await r.up(signal());
  assert.ok(up.ok, up.detail);
  assert.match(up.detail, /no gratuitous ARP \(arp_count = 0\)/);
  assert.ok((await r.down(signal())).ok);
});

real("an IPv6 address leaves the announcement to the kernel", async () => {
  const r = inNs({ address: "fd00:214:21::50/64" });
  const up = await r.up(signal());
  assert.ok(up.ok, up.detail);
  assert.match(up.detail, /IPv6: no ARP; the kernel announces it/);
  assert.is(count("fd00:214:21::50/64"), 1);
  assert.ok((await r.up(signal())).ok, "idempotent");
  assert.is(count("fd00:214:21::50/64"), 1);
  assert.ok((await r.down(signal())).ok);
  assert.is(count("fd00:214:21::50/64"), 0);
});

real("the address already there with another prefix is refused on up and removed on down", async () => {
  sh("-n", NS, "addr", "add", "10.214.21.52/16", "dev", IF);
  const r = inNs({ address: "10.214.21.52/24" });
  const up = await r.up(signal());
  assert.is(up.ok, false);
  assert.match(up.detail, /10\.214\.21\.52 is already on cgres21a with prefix \/16, not \/24; remove it first/);
  assert.is(r.state().state, "failed");
  const down = await r.down(signal());
  assert.ok(down.ok, down.detail);
  assert.is(count("10.214.21.52/16"), 0);
});

real("a missing interface fails up with ip's own words; down has nothing to release", async () => {
  const r = inNs({ address: "10.214.21.53/24", interface: "cgnosuch" });
  const up = await r.up(signal());
  assert.is(up.ok, false);
  assert.match(up.detail, /ip -o addr show dev cgnosuch failed \(exit 1\): Device "cgnosuch" does not exist/);
  const down = await r.down(signal());
  assert.ok(down.ok, down.detail);
});

test.after(() => {
  if (skip === null) sh("netns", "del", NS);
});

test.run();
