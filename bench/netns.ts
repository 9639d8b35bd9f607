// Two network namespaces joined by a veth pair, for the keepalived reference (traffic never leaves them).

/** The namespaces, the address of each, and the VRRP virtual address. */
export const NS = ["cgb-ka-1", "cgb-ka-2"] as const;
export const ADDR = ["10.213.1.1", "10.213.1.2"] as const;
export const VIP = "10.213.1.100";
const VETH = ["cgb-ka-v1", "cgb-ka-v2"] as const;

function ip(args: string[], mayFail = false): void {
  const r = Bun.spawnSync(["ip", ...args], { stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0 && !mayFail)
    throw new Error(`ip ${args.join(" ")} failed (exit ${r.exitCode}): ${r.stderr.toString().trim()}`);
}

/** The veth name inside namespace `i` (0 or 1). */
export function vethOf(i: 0 | 1): string {
  return VETH[i];
}

/** Create cgb-ka-1/2 with 10.213.1.1/2 on a veth pair; removes stale ones from an interrupted run first. */
export function createNetns(): void {
  deleteNetns();
  for (const ns of NS) ip(["netns", "add", ns]);
  ip(["link", "add", VETH[0], "type", "veth", "peer", "name", VETH[1]]);
  for (const i of [0, 1] as const) {
    ip(["link", "set", VETH[i], "netns", NS[i]]);
    ip(["-n", NS[i], "addr", "add", `${ADDR[i]}/24`, "dev", VETH[i]]);
    ip(["-n", NS[i], "link", "set", VETH[i], "up"]);
    ip(["-n", NS[i], "link", "set", "lo", "up"]);
  }
}

/** Delete both namespaces (the veth pair goes with them); never throws. */
export function deleteNetns(): void {
  for (const ns of NS) ip(["netns", "del", ns], true);
  ip(["link", "del", VETH[0]], true);
}
