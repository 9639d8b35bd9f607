// What a node does to its own machine: continue the boot (in the initrd), or stop writing at once (self-fence);
// one set for the initrd guard, one for the agent after boot, one for host-mode tests.
import { mkdirSync, writeFileSync } from "node:fs";
import { EXIT_SELF_FENCED } from "../cli/exit-codes.ts";
import { resetNow } from "../sys/reset.ts";
import { sdNotify } from "../sys/sd-notify.ts";

export interface Effectors {
  /** The core decided ACTIVE: let the boot continue. */
  continueBoot(): void;
  /** Stop writing to the shared disk at once (flush, reset). Does not return on real hardware. */
  selfFence(reason: string, power: "reset" | "off", flush?: boolean): void;
}

/** Host mode (tests): ACTIVE just keeps heartbeating; a self-fence ends the process like a reset would. */
export function hostEffectors(exit: (code: number) => void = (c) => process.exit(c)): Effectors {
  return {
    continueBoot() {},
    selfFence() {
      exit(EXIT_SELF_FENCED);
    },
  };
}

// Effectors inside the initrd: continue the boot as ACTIVE, or reset the machine at once.
/** Where the initrd scripts look for the ACTIVE decision (/run survives switch_root). */
export const ACTIVE_FLAG = "/run/clusterguard/active";

/** ContinueBoot: mark /run, tell systemd READY (the unit's start completes, sysroot.mount may run); SelfFence: log, then reset. */
export function initrdEffectors(o: {
  incarnation: () => number;
  beforeContinue: () => void;
  log: (msg: string) => void;
  reset?: typeof resetNow;
}): Effectors {
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

// What the agent does to the machine: nothing to continue (the boot is done); a self-fence resets at once, kmsg first.
/** Real effectors on a booted node; `hostMode` (tests) ends the process instead of the machine. */
export function agentEffectors(o: {
  hostMode: boolean;
  kmsg: (msg: string) => void;
  exit?: (code: number) => void;
  reset?: typeof resetNow;
}): Effectors {
  return {
    continueBoot() {},
    selfFence(reason, power, flush) {
      o.kmsg(`self-fence (${power}): ${reason}`);
      if (o.hostMode) return (o.exit ?? ((c: number) => process.exit(c)))(EXIT_SELF_FENCED);
      o.kmsg((o.reset ?? resetNow)(power, flush));
    },
  };
}
