// A takeover systemd unit: `systemctl start NAME` / `systemctl stop NAME`, judged by `systemctl is-active NAME`.
import { type Budget, budget, type CommandOptions, Commands } from "./commands.ts";
import { type Resource, ResourceState, type StepResult } from "./resource.ts";

/** One unit ("nginx.service"); its name is the resource name. */
export interface UnitResourceOptions extends CommandOptions {
  name: string;
  timeoutMs: number;
}

/** States in which a started unit counts as up (reloading and activating are on their way or still serving). */
const UP = new Set(["active", "reloading", "activating"]);

/** Start/stop one unit; idempotent both ways (start of an active unit, stop of an inactive one, are not run). */
export class UnitResource implements Resource {
  readonly kind = "unit";
  readonly name: string;
  private readonly cmd: Commands;
  private readonly st: ResourceState;

  constructor(private readonly o: UnitResourceOptions) {
    this.name = o.name;
    this.cmd = new Commands(o);
    this.st = new ResourceState(o.name, "unit");
  }

  /** Start unless active; up when is-active then says active (a oneshot needs RemainAfterExit=yes). */
  up(signal: AbortSignal): Promise<StepResult> {
    return this.st.step("up", async () => {
      const b = budget(signal, this.o.timeoutMs);
      const unit = this.o.name;
      if ((await this.isActive(b)) === "active") return { ok: true, detail: `${unit} already active` };
      const r = await this.cmd.run("systemctl", ["start", "--", unit], b);
      if (!r.ok) return { ok: false, detail: r.why };
      const now = await this.isActive(b);
      return UP.has(now)
        ? { ok: true, detail: `${unit} started (${now})` }
        : { ok: false, detail: `systemctl start ${unit} succeeded but the unit is ${now}` };
    });
  }

  /** Stop unless already inactive. */
  down(signal: AbortSignal): Promise<StepResult> {
    return this.st.step("down", async () => {
      const b = budget(signal, this.o.timeoutMs);
      const unit = this.o.name;
      const before = await this.isActive(b);
      if (before === "inactive") return { ok: true, detail: `${unit} not active: nothing to stop` };
      const r = await this.cmd.run("systemctl", ["stop", "--", unit], b);
      if (!r.ok) return { ok: false, detail: r.why };
      return { ok: true, detail: `${unit} stopped (${await this.isActive(b)})` };
    });
  }

  /** The last known state. */
  state() {
    return this.st.report();
  }

  /** is-active's word (active, inactive, failed, activating...); exits non-zero when not active, so stdout is what counts. */
  private async isActive(b: Budget): Promise<string> {
    const r = await this.cmd.run("systemctl", ["is-active", "--", this.o.name], b);
    return r.stdout.trim().split("\n")[0] || `unknown (${r.why || "is-active said nothing"})`;
  }
}
