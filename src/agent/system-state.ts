// Where the machine is in its life: has the boot finished (services may be judged)? is it shutting down?
import { execa } from "execa";

/** True while the system is stopping (systemd says "stopping"), or its state cannot be asked (PID 1 gone). */
export async function systemStopping(): Promise<boolean> {
  try {
    const r = await execa("systemctl", ["is-system-running"], { reject: false, timeout: 2000 });
    return r.stdout.trim() === "stopping" || r.stdout.trim() === "" || r.exitCode === undefined;
  } catch {
    return true;
  }
}

/** Resolves once systemd reports the boot finished (running or degraded); at once in host mode or without systemd. */
export async function bootFinished(hostMode: boolean): Promise<void> {
  if (hostMode) return;
  await execa("systemctl", ["is-system-running", "--wait"], { reject: false, timeout: 15 * 60000 }).catch(() => {});
}
