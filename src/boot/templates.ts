// The bootloader entry templates from bootloader/, embedded in the executable at build time.
import bls from "../../bootloader/bls/clusterguard.conf.in" with { type: "text" };
import grub from "../../bootloader/grub/45_clusterguard.in" with { type: "text" };

/** Fill `@KEY@` placeholders; a placeholder left unfilled is an error, not a silent blank. */
export function fill(template: string, values: Record<string, string>): string {
  const out = template.replace(/@([A-Z]+)@/g, (m, k: string) => values[k] ?? m);
  const left = /@([A-Z]+)@/.exec(out);
  if (left) throw new Error(`template placeholder ${left[0]} has no value`);
  return out;
}

export const GRUB_TEMPLATE: string = grub;
export const BLS_TEMPLATE: string = bls;
