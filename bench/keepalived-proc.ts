// One keepalived (VRRP only) in a network namespace: its config, its pids, its MASTER transitions.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import type { KillHow } from "./detection.ts";
import { ADDR, NS, VIP, vethOf } from "./netns.ts";

export type { KillHow } from "./detection.ts";

/** keepalived.conf for instance `i`: VRRPv3, unicast to the other address, notify_master stamps ms. */
export function keepalivedConf(i: 0 | 1, advertInt: number, notify: string): string {
  const other = i === 0 ? 1 : 0;
  // Instance 0 is the address owner (priority 255, state MASTER) so it is MASTER at once after start;
  // the measured side is instance 1 (priority 100), whose master down interval does not depend on that.
  return `global_defs {
  router_id ${NS[i]}
  vrrp_version 3
  script_user root
}
vrrp_instance VI_1 {
  state ${i === 0 ? "MASTER" : "BACKUP"}
  interface ${vethOf(i)}
  virtual_router_id 51
  priority ${i === 0 ? 255 : 100}
  advert_int ${advertInt}
  unicast_src_ip ${ADDR[i]}
  unicast_peer {
    ${ADDR[other]}
  }
  virtual_ipaddress {
    ${VIP}/24
  }
  notify_master "${notify} ${i}"
}
`;
}

/** The master down interval of the backup (RFC 5798): 3 x advert_int + (256 - priority) x advert_int / 256. */
export function masterDownMs(advertInt: number, priority = 100): number {
  return (3 * advertInt + ((256 - priority) * advertInt) / 256) * 1000;
}

/** The notify_master script: appends `<epoch ms> <instance>` to DIR/master-<instance>. */
export function notifyScript(dir: string): string {
  return `#!/bin/sh\necho "$(date +%s%3N) $1" >> "${dir}/master-$1"\n`;
}

/** A running `ip netns exec NS keepalived -n -l -D -G -P ...`. */
export class Keepalived {
  proc!: Subprocess<"ignore", "pipe", "pipe">;
  readonly lines: { at: number; text: string }[] = [];
  readonly conf: string;
  readonly pidFile: string;
  readonly vrrpPidFile: string;
  readonly masterFile: string;

  constructor(
    readonly i: 0 | 1,
    readonly dir: string,
  ) {
    this.conf = join(dir, `ka${i}.conf`);
    this.pidFile = join(dir, `ka${i}.pid`);
    this.vrrpPidFile = join(dir, `ka${i}-vrrp.pid`);
    this.masterFile = join(dir, `master-${i}`);
  }

  /** Start fresh (no pid files, no MASTER stamps) and wait until both processes wrote their pid files. */
  async start(advertInt: number): Promise<void> {
    for (const f of [this.pidFile, this.vrrpPidFile, this.masterFile]) rmSync(f, { force: true });
    writeFileSync(this.conf, keepalivedConf(this.i, advertInt, join(this.dir, "notify.sh")));
    this.proc = Bun.spawn(
      [
        "ip",
        "netns",
        "exec",
        NS[this.i],
        "keepalived",
        "-n",
        "-l",
        "-D",
        "-G",
        "-P",
        "-f",
        this.conf,
        "-p",
        this.pidFile,
        "-r",
        this.vrrpPidFile,
      ],
      {
        stdin: "ignore",
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    void this.pump(this.proc.stdout);
    void this.pump(this.proc.stderr);
    const end = Date.now() + 5000;
    while (this.pids() === null) {
      if (Date.now() > end || this.proc.exitCode !== null)
        throw new Error(`keepalived ${NS[this.i]} did not start:\n${this.lines.map((l) => l.text).join("\n")}`);
      await Bun.sleep(10);
    }
  }

  /** [parent, vrrp child] from the pid files, or null until both exist. */
  pids(): [number, number] | null {
    if (!existsSync(this.pidFile) || !existsSync(this.vrrpPidFile)) return null;
    const p = Number(readFileSync(this.pidFile, "utf8").trim());
    const c = Number(readFileSync(this.vrrpPidFile, "utf8").trim());
    return p > 0 && c > 0 ? [p, c] : null;
  }

  /** Epoch-ms stamps the notify_master script wrote, oldest first. */
  masterStamps(): number[] {
    if (!existsSync(this.masterFile)) return [];
    return readFileSync(this.masterFile, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => Number(l.split(" ")[0]));
  }

  /** Host time at which stdout said "Entering MASTER STATE", after `since`. */
  logMasterAt(since: number): number | undefined {
    return this.lines.find((l) => l.at >= since && l.text.includes("Entering MASTER STATE"))?.at;
  }

  /**
   * Kill (-9) or freeze (SIGSTOP) the node: the parent is frozen first so it cannot respawn its VRRP child
   * (and the child gets no parent-death SIGTERM, which would send a priority-0 advert); returns the host time.
   */
  hit(how: KillHow): number {
    const [parent, child] = this.pids()!;
    const at = Date.now();
    process.kill(parent, "SIGSTOP");
    process.kill(child, how);
    if (how === "SIGKILL") process.kill(parent, "SIGKILL");
    return at;
  }

  /** SIGCONT + SIGKILL both processes and wait for the exit. */
  async stop(): Promise<void> {
    const pids = this.pids();
    for (const p of pids ? [pids[1], pids[0]] : []) {
      for (const sig of ["SIGCONT", "SIGKILL"] as const) {
        try {
          process.kill(p, sig);
        } catch {
          // already gone
        }
      }
    }
    this.proc?.kill("SIGKILL");
    await this.proc?.exited;
  }

  private async pump(stream: ReadableStream<Uint8Array>): Promise<void> {
    const dec = new TextDecoder();
    let buf = "";
    for await (const chunk of stream) {
      buf += dec.decode(chunk, { stream: true });
      let k: number;
      while ((k = buf.indexOf("\n")) >= 0) {
        this.lines.push({ at: Date.now(), text: buf.slice(0, k) });
        buf = buf.slice(k + 1);
      }
    }
  }
}
