// Bring the heartbeat interface up in the initrd (ip link/addr via execa), independent of dracut's network stack.
import { execa } from "execa";
import { addressPresent } from "../channels/udp-address.ts";
import { splitCidr } from "../node/kernel-args.ts";

/** Make sure `iface` is up and carries `cidr`; returns what was done, or throws with ip's own words. */
export async function ensureAddress(iface: string, cidr: string): Promise<string> {
  const { address, prefix } = splitCidr(cidr);
  const done: string[] = [];
  const ip = async (...args: string[]) => {
    const r = await execa("ip", args, { reject: false, timeout: 5000 });
    if (r.exitCode !== 0) throw new Error(`ip ${args.join(" ")} failed (exit ${r.exitCode}): ${r.stderr || r.stdout}`);
    done.push(`ip ${args.join(" ")}`);
  };
  await ip("link", "set", "dev", iface, "up");
  if (!addressPresent(address)) await ip("addr", "add", `${address}/${prefix}`, "dev", iface);
  return done.join("; ");
}
