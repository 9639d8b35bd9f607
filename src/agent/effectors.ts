// What the agent does to the machine: nothing to continue (the boot is done); a self-fence resets at once, kmsg first.
import type { Effectors } from "../guard/effectors.ts";
import { resetNow } from "../sys/reset.ts";

/** Real effectors on a booted node; `hostMode` (tests) ends the process instead of the machine. */
export function agentEffectors(o: { hostMode: boolean; kmsg: (msg: string) => void; exit?: (code: number) => void; reset?: typeof resetNow }): Effectors {
  return {
    continueBoot() {},
    selfFence(reason, power, flush) {
      o.kmsg(`self-fence (${power}): ${reason}`);
      if (o.hostMode) return (o.exit ?? ((c: number) => process.exit(c)))(3);
      o.kmsg((o.reset ?? resetNow)(power, flush));
    },
  };
}
