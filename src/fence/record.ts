// A fence device for host-mode tests only: it records the call in a file and reports a confirmation.
import { appendFileSync } from "node:fs";
import type { FenceAction, FenceDevice, FenceOutcome, PowerState } from "./device.ts";
import { unknownPower } from "./device.ts";

/** Appends `TIME fence TARGET ACTION` to `path`; confirms unless the file's directory is unwritable. */
export class RecordingFence implements FenceDevice {
  readonly name = "record";
  constructor(private readonly path: string) {}

  async fence(target: string, action: FenceAction): Promise<FenceOutcome> {
    try {
      appendFileSync(this.path, `${new Date().toISOString()} fence ${target} ${action}\n`);
      return { confirmed: true, detail: `recorded in ${this.path} (host-mode test device)` };
    } catch (e) {
      return { confirmed: false, detail: `cannot record in ${this.path}: ${String(e)}` };
    }
  }

  status(): Promise<PowerState> {
    return unknownPower("the recording test device has no power device");
  }
}
