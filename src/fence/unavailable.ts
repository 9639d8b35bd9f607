// A configured fence agent this build cannot drive: it never confirms, and says so.
import type { FenceAgent, FenceOutcome, PowerState } from "./agent.ts";
import { unknownPower } from "./agent.ts";

/** Stands in for a configured level that has no implementation here, so the level order stays visible. */
export class UnavailableFenceAgent implements FenceAgent {
  constructor(readonly name: string) {}

  async fence(): Promise<FenceOutcome> {
    return { confirmed: false, detail: `fence agent type "${this.name}" is not available in this build` };
  }

  status(): Promise<PowerState> {
    return unknownPower(`fence agent type "${this.name}" is not available in this build`);
  }
}
