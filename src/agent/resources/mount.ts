// A takeover file system: `mount -t FSTYPE -o OPTIONS DEVICE TARGET` (target created when missing), `umount TARGET`.
import { mkdirSync } from "node:fs";
import { budget, type CommandOptions, Commands } from "./commands.ts";
import { mountedAt } from "./mountinfo.ts";
import { type Resource, ResourceState, type StepResult } from "./resource.ts";

/** One device on one mount point. */
export interface MountResourceOptions extends CommandOptions {
  name: string;
  /** An absolute device path, LABEL=... or UUID=... (or anything mount(8) takes, like "tmpfs"). */
  device: string;
  target: string;
  fstype: string;
  options: string;
  timeoutMs: number;
  /** Where to look for mounts (tests may point elsewhere). */
  mountinfo?: string;
}

/** Mounted means: /proc/self/mountinfo lists the target; idempotent both ways. */
export class MountResource implements Resource {
  readonly kind = "mount";
  readonly name: string;
  private readonly cmd: Commands;
  private readonly st: ResourceState;

  constructor(private readonly o: MountResourceOptions) {
    this.name = o.name;
    this.cmd = new Commands(o);
    this.st = new ResourceState(o.name, "mount");
  }

  /** Mount unless something is mounted at the target already (whatever it is: said in the detail). */
  up(signal: AbortSignal): Promise<StepResult> {
    return this.st.step("up", async () => {
      const { device, target, fstype, options } = this.o;
      const there = this.mounted();
      if (there !== null) return { ok: true, detail: `${target} already mounted (${there.source}, ${there.fstype})` };
      try {
        mkdirSync(target, { recursive: true, mode: 0o755 });
      } catch (e) {
        return { ok: false, detail: `cannot create the mount point ${target}: ${(e as Error).message}` };
      }
      const r = await this.cmd.run("mount", ["-t", fstype, "-o", options, device, target], budget(signal, this.o.timeoutMs));
      if (!r.ok) return { ok: false, detail: r.why };
      const now = this.mounted();
      return now === null ? { ok: false, detail: `mount ${device} ${target} exited 0 but ${target} is not a mount point` } : { ok: true, detail: `${device} mounted on ${target} (${now.fstype}, ${options})` };
    });
  }

  /** Unmount if mounted; still mounted afterwards (a mount underneath) is a failure. */
  down(signal: AbortSignal): Promise<StepResult> {
    return this.st.step("down", async () => {
      const target = this.o.target;
      if (this.mounted() === null) return { ok: true, detail: `${target} not mounted: nothing to release` };
      const r = await this.cmd.run("umount", [target], budget(signal, this.o.timeoutMs));
      if (!r.ok) return { ok: false, detail: r.why };
      const still = this.mounted();
      return still === null ? { ok: true, detail: `${target} unmounted` } : { ok: false, detail: `${target} unmounted once but ${still.source} is still mounted there` };
    });
  }

  /** The last known state. */
  state() {
    return this.st.report();
  }

  private mounted() {
    return mountedAt(this.o.target, this.o.mountinfo);
  }
}
