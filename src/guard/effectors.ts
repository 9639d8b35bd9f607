// What the guard does to the machine itself: continue the boot, or reset at once (self-fence).

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
      exit(3);
    },
  };
}
