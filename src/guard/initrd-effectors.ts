// Effectors inside the initrd: continue the boot as ACTIVE, or reset the machine at once.
import { mkdirSync, writeFileSync } from "node:fs";
import { resetNow } from "../sys/reset.ts";
import { sdNotify } from "../sys/sd-notify.ts";
import type { Effectors } from "./effectors.ts";

/** Where the initrd scripts look for the ACTIVE decision (/run survives switch_root). */
export const ACTIVE_FLAG = "/run/clusterguard/active";

/** ContinueBoot: mark /run, tell systemd READY (the unit's start completes, sysroot.mount may run); SelfFence: log, then reset. */
export function initrdEffectors(o: { incarnation: () => number; beforeContinue: () => void; log: (msg: string) => void; reset?: typeof resetNow }): Effectors {
  const reset = o.reset ?? resetNow;
  return {
    continueBoot() {
      o.beforeContinue();
      try {
        mkdirSync("/run/clusterguard", { recursive: true, mode: 0o755 });
        writeFileSync(ACTIVE_FLAG, `incarnation=${o.incarnation()}\npid=${process.pid}\n`);
      } catch (e) {
        o.log(`cannot write ${ACTIVE_FLAG}: ${String(e)}`);
      }
      const err = sdNotify("READY=1\nSTATUS=ACTIVE: boot continues");
      if (err) o.log(err);
    },
    selfFence(reason, power, flush) {
      o.log(`${power === "off" ? "powering off" : "resetting"} now: ${reason}`);
      o.log(reset(power, flush));
    },
  };
}
