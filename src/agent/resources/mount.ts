// A takeover file system: `mount -t FSTYPE -o OPTIONS DEVICE TARGET` (target created when missing), `umount TARGET`.
import { mkdirSync } from "node:fs";
import { budget, type CommandOptions, Commands } from "./commands.ts";
import { loopBacking, resolveDevice } from "./mount-device.ts";
import { matchEntry, type TargetState, targetState } from "./mount-stack.ts";
import { mountsAt } from "./mountinfo.ts";
import { type Held, type Resource, ResourceState, type StepResult } from "./resource.ts";

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
  /** Where udev's by-label/by-uuid links are (tests may point elsewhere). */
  diskDir?: string;
}

/** Mounted means: /proc/self/mountinfo lists the configured device on the target; idempotent both ways. */
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

  /** Mount unless the device is on the target already; something else there is a failure that says what. */
  up(signal: AbortSignal): Promise<StepResult> {
    return this.st.step("up", async () => {
      const { device, target, fstype, options } = this.o;
      const there = this.where();
      if (there.kind === "ours")
        return { ok: true, detail: `${target} already mounted (${there.top.source}, ${there.top.fstype})` };
      if (there.kind !== "empty")
        return { ok: false, detail: `${this.occupied(there)}; expected ${device} or nothing there: unmount it first` };
      try {
        mkdirSync(target, { recursive: true, mode: 0o755 });
      } catch (e) {
        return { ok: false, detail: `cannot create the mount point ${target}: ${(e as Error).message}` };
      }
      const r = await this.cmd.run(
        "mount",
        ["-t", fstype, "-o", options, device, target],
        budget(signal, this.o.timeoutMs),
      );
      if (!r.ok) return { ok: false, detail: r.why };
      const now = this.where();
      if (now.kind === "ours" || now.kind === "unknown")
        return { ok: true, detail: `${device} mounted on ${target} (${now.top.fstype}, ${options})` };
      return {
        ok: false,
        detail:
          now.kind === "empty"
            ? `mount ${device} ${target} exited 0 but ${target} is not a mount point`
            : `mount ${device} ${target} exited 0 but ${this.occupied(now)}`,
      };
    });
  }

  /** Unmount the device if it is on top of the target; something else there is left alone; still mounted afterwards is a failure. */
  down(signal: AbortSignal): Promise<StepResult> {
    return this.st.step("down", async () => {
      const { device, target } = this.o;
      const before = this.where();
      if (before.kind === "empty") return { ok: true, detail: `${target} not mounted: nothing to release` };
      if (before.kind === "other")
        return { ok: true, detail: `${this.occupied(before)}, not ${device}: nothing of ours to release (left alone)` };
      if (before.kind === "buried")
        return { ok: false, detail: `${this.occupied(before)}, on top of ${device}: unmount that first` };
      const r = await this.cmd.run("umount", [target], budget(signal, this.o.timeoutMs));
      if (!r.ok) return { ok: false, detail: r.why };
      const after = this.where();
      return after.kind === "empty" || after.kind === "other"
        ? { ok: true, detail: `${target} unmounted` }
        : { ok: false, detail: `${target} unmounted once but ${after.top.source} is still mounted there` };
    });
  }

  /** Still mounted after a release (a busy umount): held at the target, which fsfreeze reaches; under another mount: stuck. */
  held(): Held {
    let there: TargetState;
    try {
      there = this.where();
    } catch (e) {
      return {
        state: "stuck",
        detail: `${this.name}: cannot tell whether ${this.o.target} is still mounted: ${(e as Error).message}`,
      };
    }
    switch (there.kind) {
      case "empty":
      case "other":
        return { state: "free" };
      case "buried":
        return {
          state: "stuck",
          detail: `${this.name}: ${this.o.device} is still mounted at ${this.o.target}, under ${there.top.source}: fsfreeze cannot reach it by the path`,
        };
      default:
        return {
          state: "held",
          target: this.o.target,
          detail: `${this.name}: ${there.top.source} still mounted on ${this.o.target}`,
        };
    }
  }

  /** The last known state. */
  state() {
    return this.st.report();
  }

  /** The mounts at the target, judged against the configured device (resolved afresh: a LABEL may move). */
  private where(): TargetState {
    const id = resolveDevice(this.o.device, this.o.diskDir);
    const stack = mountsAt(this.o.target, this.o.mountinfo).map((entry) => ({
      entry,
      match: matchEntry(entry, id, this.o.fstype, (d) => loopBacking(d)),
    }));
    return targetState(stack, id.kind === "unresolved" ? id.why : undefined);
  }

  private occupied(s: Exclude<TargetState, { kind: "empty" }>): string {
    const what = `${this.o.target} holds ${s.top.source} (${s.top.fstype})`;
    return s.kind === "unknown" ? `${what}; cannot tell whether that is ${this.o.device}: ${s.why}` : what;
  }
}
