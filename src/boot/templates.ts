// The bootloader entry templates from bootloader/, embedded in the executable at build time.
import bls from "../../bootloader/bls/clusterguard.conf.in" with { type: "text" };
import grub from "../../bootloader/grub/45_clusterguard.in" with { type: "text" };
import grubSelect from "../../bootloader/grub/46_clusterguard_select.in" with { type: "text" };

/**
 * Fill `@KEY@` placeholders; a placeholder without a value is an error, not a silent blank. Only the template's own
 * placeholders count: a value may hold text that looks like one (a serial number "@AB@").
 */
export function fill(template: string, values: Record<string, string>): string {
  const missing = /@([A-Z]+)@/.exec(template.replace(/@([A-Z]+)@/g, (m, k: string) => (k in values ? "" : m)));
  if (missing) throw new Error(`template placeholder ${missing[0]} has no value`);
  return template.replace(/@([A-Z]+)@/g, (_m, k: string) => values[k] ?? "");
}

export const GRUB_TEMPLATE: string = grub;
export const GRUB_SELECT_TEMPLATE: string = grubSelect;
export const BLS_TEMPLATE: string = bls;
