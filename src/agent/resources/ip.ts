// A takeover IP address: `ip addr add` on an interface, then gratuitous ARPs (IPv4) so neighbours learn the new MAC.
//
// IPv6 sends nothing itself: adding the address makes the kernel run duplicate address detection and, with
// net.ipv6.conf.IF.ndisc_notify = 1, send unsolicited neighbour advertisements (the IPv6 gratuitous ARP).
import { canonicalIp, parseCidr } from "../../config/index.ts";
import { type Budget, budget, type CommandOptions, Commands } from "./commands.ts";
import { type Resource, ResourceState, type StepResult } from "./resource.ts";

/** One address on one interface. */
export interface IpResourceOptions extends CommandOptions {
  name: string;
  /** "10.0.0.5/24" or "fd00::5/64". */
  address: string;
  interface: string;
  /** Gratuitous ARPs after adding an IPv4 address (0: none). */
  arpCount: number;
  timeoutMs: number;
}

/** `ip addr add/del`, checked with `ip -o addr show dev IF`; idempotent both ways. */
export class IpResource implements Resource {
  readonly kind = "ip";
  readonly name: string;
  private readonly cmd: Commands;
  private readonly st: ResourceState;
  private readonly addr: { address: string; family: 4 | 6; prefix: number };

  constructor(private readonly o: IpResourceOptions) {
    const a = parseCidr(o.address);
    if (a === null) throw new Error(`${o.address}: expected an IPv4 or IPv6 address with a /prefix`);
    this.name = o.name;
    this.addr = a;
    this.cmd = new Commands(o);
    this.st = new ResourceState(o.name, "ip");
  }

  /** Add the address unless it is there, then announce it. */
  up(signal: AbortSignal): Promise<StepResult> {
    return this.st.step("up", async () => {
      const b = budget(signal, this.o.timeoutMs);
      const where = `${this.o.address} on ${this.o.interface}`;
      const found = await this.prefixesNow(b);
      if (typeof found === "string") return { ok: false, detail: found };
      const present = found.includes(this.addr.prefix);
      if (!present && found.length > 0)
        return {
          ok: false,
          detail: `${this.addr.address} is already on ${this.o.interface} with prefix /${found.join(", /")}, not /${this.addr.prefix}; remove it first`,
        };
      if (!present) {
        const r = await this.cmd.run("ip", ["addr", "add", this.o.address, "dev", this.o.interface], b);
        if (!r.ok) return { ok: false, detail: r.why };
      }
      const announced = await this.announce(b);
      return {
        ok: true,
        detail: `${where} ${present ? "already present" : "added"}; ${announced.detail}`,
        warn: announced.warn,
      };
    });
  }

  /** Delete the address if it is there (with every prefix it has: the peer is about to add it). */
  down(signal: AbortSignal): Promise<StepResult> {
    return this.st.step("down", async () => {
      const b = budget(signal, this.o.timeoutMs);
      const found = await this.prefixesNow(b, true);
      if (typeof found === "string") return { ok: false, detail: found };
      if (found.length === 0)
        return { ok: true, detail: `${this.o.address} not on ${this.o.interface}: nothing to release` };
      for (const prefix of found) {
        const r = await this.cmd.run(
          "ip",
          ["addr", "del", `${this.addr.address}/${prefix}`, "dev", this.o.interface],
          b,
        );
        if (!r.ok) return { ok: false, detail: r.why };
      }
      return { ok: true, detail: `${this.addr.address}/${found.join(", /")} removed from ${this.o.interface}` };
    });
  }

  /** The last known state. */
  state() {
    return this.st.report();
  }

  /** The prefixes the address has on the interface now, or why that cannot be told; a missing interface holds nothing when releasing. */
  private async prefixesNow(b: Budget, releasing = false): Promise<number[] | string> {
    const r = await this.cmd.run("ip", ["-o", "addr", "show", "dev", this.o.interface], b);
    if (r.ok) return findAddress(r.stdout, this.addr.address);
    return releasing && /does not exist/i.test(r.stderr) ? [] : r.why;
  }

  /** Gratuitous ARPs for IPv4 (arping -U); missing or failing arping leaves the address up, with a warning. */
  private async announce(b: Budget): Promise<{ detail: string; warn: boolean }> {
    if (this.addr.family === 6)
      return { detail: "IPv6: no ARP; the kernel announces it (DAD, unsolicited NA with ndisc_notify=1)", warn: false };
    const n = this.o.arpCount;
    if (n === 0) return { detail: "no gratuitous ARP (arp_count = 0)", warn: false };
    const missing = {
      detail: `arping is missing (${this.cmd.bin("arping")} not found; install iputils-arping): no gratuitous ARP sent, the address is up but neighbours learn it only when their ARP caches expire`,
      warn: true,
    };
    if (!this.cmd.available("arping")) return missing;
    const r = await this.cmd.run("arping", ["-U", "-c", String(n), "-I", this.o.interface, this.addr.address], b);
    if (r.missing) return missing;
    return r.ok
      ? { detail: `${n} gratuitous ARP(s) sent`, warn: false }
      : { detail: `gratuitous ARP failed, the address is up: ${r.why}`, warn: true };
  }
}

// Read `ip -o addr show dev IF` output: which prefixes does an address carry there (IPv4 allows several)?

/** Every prefix `address` carries in `ip -o addr` output, empty when absent (spellings compared canonically). */
export function findAddress(output: string, address: string): number[] {
  const want = canonicalIp(address);
  const prefixes: number[] = [];
  for (const m of output.matchAll(/\binet6? ([0-9A-Fa-f.:]+)\/(\d{1,3})\b/g)) {
    if (canonicalIp(m[1] ?? "") === want) prefixes.push(Number(m[2]));
  }
  return prefixes;
}
