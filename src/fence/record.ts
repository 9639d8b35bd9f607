// A fence agent for host-mode tests only: it records the call in a file and reports a confirmation.
import { appendFileSync } from "node:fs";
import type { FenceAction, FenceAgent, FenceOutcome, PowerState } from "./agent.ts";
import { unknownPower } from "./agent.ts";

/** Appends `TIME fence TARGET ACTION` to `path`; confirms unless the file's directory is unwritable. */
export class RecordingFenceAgent implements FenceAgent {
  readonly name = "record";
  constructor(private readonly path: string) {}

  async fence(target: string, action: FenceAction): Promise<FenceOutcome> {
    try {
      appendFileSync(this.path, `${new Date().toISOString()} fence ${target} ${action}\n`);
      return { confirmed: true, detail: `recorded in ${this.path} (host-mode test agent)` };
    } catch (e) {
      return { confirmed: false, detail: `cannot record in ${this.path}: ${String(e)}` };
    }
  }

  status(): Promise<PowerState> {
    return unknownPower("the recording test agent has no power device");
  }
}
