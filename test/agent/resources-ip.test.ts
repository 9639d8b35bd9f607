// The ip resource for real, inside a network namespace: added once, announced, removed once. The other end of the
// veth pair sits in a second namespace, the peer: its neighbour table shows the gratuitous ARP arrived.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { IpResource, type IpResourceOptions } from "../../src/agent/resources/ip.ts";
import { findAddress } from "../../src/agent/resources/ip.ts";

const NS = "cgres21";
const PEER_NS = "cgres21p";
const IF = "cgres21a";
const PEER_IF = "cgres21b";
const signal = () => new AbortController().signal;

function sh(...args: string[]): { ok: boolean; out: string } {
  const r = spawnSync("ip", args, { encoding: "utf8" });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

/** Two namespaces joined by a veth pair (both ends up, the peer's end with an address), or why that cannot be made here. */
function makeNs(): string | null {
  sh("netns", "del", NS);
  sh("netns", "del", PEER_NS);
  const steps = [
    ["netns", "add", NS],
    ["netns", "add", PEER_NS],
    ["-n", NS, "link", "add", IF, "type", "veth", "peer", "name", PEER_IF, "netns", PEER_NS],
    ["-n", NS, "link", "set", IF, "up"],
    ["-n", PEER_NS, "link", "set", PEER_IF, "up"],
    ["-n", PEER_NS, "addr", "add", "10.214.21.2/24", "dev", PEER_IF],
  ];
  for (const step of steps) {
    const r = sh(...step);
    if (!r.ok) {
      sh("netns", "del", NS);
      sh("netns", "del", PEER_NS);
      return `ip ${step.join(" ")}: ${r.out.trim()}`;
    }
  }
  return null;
}

/** The peer's neighbour entry for `ip`: its MAC ("" when none). */
const peerSees = (ip: string) =>
  /lladdr ([0-9a-f:]{17})/.exec(sh("-n", PEER_NS, "neigh", "show", ip, "dev", PEER_IF).out)?.[1] ?? "";
const macOf = (ns: string, dev: string) =>
  /link\/ether ([0-9a-f:]{17})/.exec(sh("-n", ns, "link", "show", dev).out)?.[1] ?? "?";

/** How often `cidr` appears on the interface. */
const count = (cidr: string) =>
  sh("-n", NS, "-o", "addr", "show", "dev", IF)
    .out.split("\n")
    .filter((l) => l.includes(` ${cidr} `)).length;

/** A resource whose commands run inside the namespace. */
const inNs = (o: Partial<IpResourceOptions> & { address: string }) =>
  new IpResource({
    name: `ip ${o.address}`,
    interface: IF,
    arpCount: 2,
    timeoutMs: 10000,
    wrap: ["ip", "netns", "exec", NS],
    ...o,
  });

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

real(
  "an IPv4 address comes up once and its gratuitous ARP reaches the peer, which learns the new MAC; released once",
  async () => {
    assert.ok(Bun.which("arping") !== null, "arping is missing: run test/install-host-deps.sh (iputils-arping)");
    // The peer still believes the address is at the old ACTIVE's MAC (a stale entry, as after a takeover).
    assert.ok(
      sh(
        "-n",
        PEER_NS,
        "neigh",
        "replace",
        "10.214.21.50",
        "lladdr",
        "02:00:00:00:00:99",
        "nud",
        "stale",
        "dev",
        PEER_IF,
      ).ok,
    );
    assert.is(peerSees("10.214.21.50"), "02:00:00:00:00:99");
    const r = inNs({ address: "10.214.21.50/24" });
    const first = await r.up(signal());
    assert.ok(first.ok, first.detail);
    assert.is(first.detail, "10.214.21.50/24 on cgres21a added; 2 gratuitous ARP(s) sent");
    assert.not.ok(first.warn);
    assert.is(count("10.214.21.50/24"), 1);
    assert.is(
      peerSees("10.214.21.50"),
      macOf(NS, IF),
      "the peer's neighbour table now has this node's MAC: the GARP arrived",
    );
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
  },
);

real("arp_count = 0 sends nothing and says so: the peer keeps the old MAC", async () => {
  assert.ok(
    sh("-n", PEER_NS, "neigh", "replace", "10.214.21.51", "lladdr", "02:00:00:00:00:98", "nud", "stale", "dev", PEER_IF)
      .ok,
  );
  const r = inNs({ address: "10.214.21.51/24", arpCount: 0 });
  const up = await r.up(signal());
  assert.ok(up.ok, up.detail);
  assert.match(up.detail, /no gratuitous ARP \(arp_count = 0\)/);
  await Bun.sleep(200);
  assert.is(peerSees("10.214.21.51"), "02:00:00:00:00:98", "nothing was announced");
  assert.ok((await r.down(signal())).ok);
});

real("without arping the address is still up and the detail says what to install", async () => {
  const r = inNs({ address: "10.214.21.54/24", bins: { arping: "/nonexistent/arping" } });
  const up = await r.up(signal());
  assert.ok(up.ok, up.detail);
  assert.is(up.warn, true);
  assert.match(
    up.detail,
    /arping is missing \(\/nonexistent\/arping not found; install iputils-arping\): no gratuitous ARP sent, the address is up/,
  );
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
  if (skip !== null) return;
  sh("netns", "del", NS);
  sh("netns", "del", PEER_NS);
});

test.run();
