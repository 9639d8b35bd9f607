// Two test hosts joined by a veth pair: the root namespace (10.213.N.1) and a namespace (10.213.N.2).
import { spawnSync } from "node:child_process";

export interface VethPair {
  ns: string;
  hostIf: string;
  hostAddr: string;
  nsAddr: string;
  ip(...args: string[]): void;
  destroy(): void;
}

function ip(...args: string[]): void {
  const r = spawnSync("ip", args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ip ${args.join(" ")} failed: ${r.stderr || r.error}`);
}

/** Create the pair, or return null (with the reason) when this machine cannot; hostAddress false leaves the host end bare. */
export function makeVeth(n: number, opts: { hostAddress?: boolean } = {}): VethPair | { skip: string } {
  const ns = `cgtest${n}`;
  const hostIf = `cgh${n}`;
  const nsIf = `cgn${n}`;
  try {
    spawnSync("ip", ["netns", "del", ns]);
    spawnSync("ip", ["link", "del", hostIf]);
    ip("netns", "add", ns);
    ip("link", "add", hostIf, "type", "veth", "peer", "name", nsIf, "netns", ns);
    if (opts.hostAddress !== false) ip("addr", "add", `10.213.${n}.1/24`, "dev", hostIf);
    ip("link", "set", hostIf, "up");
    ip("-n", ns, "addr", "add", `10.213.${n}.2/24`, "dev", nsIf);
    ip("-n", ns, "link", "set", nsIf, "up");
    ip("-n", ns, "link", "set", "lo", "up");
  } catch (e) {
    spawnSync("ip", ["netns", "del", ns]);
    return { skip: String(e) };
  }
  return {
    ns,
    hostIf,
    hostAddr: `10.213.${n}.1`,
    nsAddr: `10.213.${n}.2`,
    ip,
    destroy() {
      spawnSync("ip", ["link", "del", hostIf]);
      spawnSync("ip", ["netns", "del", ns]);
    },
  };
}
