// Is the machine shutting down? systemd says "stopping"; no answer at all (PID 1 gone, systemd-shutdown) counts as yes.
import { execa } from "execa";

/** True while the system is stopping or its state cannot be asked. */
export async function systemStopping(): Promise<boolean> {
  try {
    const r = await execa("systemctl", ["is-system-running"], { reject: false, timeout: 2000 });
    return r.stdout.trim() === "stopping" || r.stdout.trim() === "" || r.exitCode === undefined;
  } catch {
    return true;
  }
}
