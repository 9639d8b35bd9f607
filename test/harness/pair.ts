// Two real guards (dist/clusterguard, host mode) on one machine: a socat serial cable, a UDP relay, a disk file.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runExe } from "../helpers/exe.ts";
import { type PtyPair, startPtyPair } from "../helpers/pty-pair.ts";
import { GuardProcess } from "./guard-process.ts";
import { UdpRelay } from "./udp-relay.ts";

export interface PairTimers {
  keepalive: number;
  warntime: number;
  deadtime: number;
  initdead: number;
  fenceDelay: number;
}

export const HARNESS_TIMERS: PairTimers = {
  keepalive: 100,
  warntime: 500,
  deadtime: 1500,
  initdead: 3000,
  fenceDelay: 1000,
};

/** The lab on one host. Call setup(), then start nodes; teardown() always. */
export class Pair {
  #dir: string | null = null;
  readonly relay: UdpRelay;
  serial!: PtyPair;
  readonly nodes: Record<"a" | "b", GuardProcess | null> = { a: null, b: null };

  /**
   * The pair's folder: setup() makes it and teardown() removes it. Not made at construction: uvu imports every test
   * file before it runs the first, so a run that ends early would leave one empty folder per file behind.
   */
  get dir(): string {
    if (this.#dir === null) throw new Error("the pair has no folder before setup()");
    return this.#dir;
  }
  get cfg(): string {
    return join(this.dir, "clusterguard.toml");
  }
  get key(): string {
    return join(this.dir, "authkey");
  }
  get disk(): string {
    return join(this.dir, "shared-disk.img");
  }

  constructor(
    readonly port: number,
    readonly timers: PairTimers = HARNESS_TIMERS,
    readonly withDisk = true,
    /**
     * TOML appended to the config after the [fencing] keys: more of them, [[fencing.level]]s (host mode still fences
     * through the recording agent), or further tables.
     */
    readonly extraToml = "",
  ) {
    this.relay = new UdpRelay(port);
  }

  async setup(): Promise<void> {
    try {
      await this.prepare();
    } catch (e) {
      // uvu swallows errors thrown in hooks: say it loudly.
      console.error(`harness setup failed: ${e instanceof Error ? e.stack : String(e)}`);
      throw e;
    }
  }

  private async prepare(): Promise<void> {
    this.#dir ??= mkdtempSync(join(tmpdir(), "cg-pair-"));
    writeFileSync(this.cfg, this.configText());
    const k = runExe(["keygen", "--authkey", this.key]);
    if (k.code !== 0) throw new Error(`keygen failed: ${k.stderr}`);
    if (this.withDisk) {
      writeFileSync(this.disk, "");
      truncateSync(this.disk, 1 << 20);
      const r = runExe(["disk", "init", "--config", this.cfg, "--authkey", this.key]);
      if (r.code !== 0) throw new Error(`disk init failed: ${r.stderr}`);
    }
    mkdirSync(join(this.dir, "pty"));
    this.serial = await startPtyPair(join(this.dir, "pty"));
    await this.relay.start();
  }

  /**
   * Spawn node `n`'s guard (a fresh process: a fresh boot), or its agent; `extra` arguments are appended. `record`
   * false: fence through the configured levels (extraToml) instead of the recording test device.
   */
  start(n: "a" | "b", extra: string[] = [], command: "guard" | "agent" = "guard", record = true): GuardProcess {
    const face = n === "a" ? UdpRelay.FACE_A : UdpRelay.FACE_B;
    const g = new GuardProcess(
      n,
      [
        "--config",
        this.cfg,
        "--authkey",
        this.key,
        "--serial-device",
        n === "a" ? this.serial.a : this.serial.b,
        "--udp-local",
        n === "a" ? UdpRelay.A : UdpRelay.B,
        "--udp-peer",
        face,
        ...(record ? ["--fence-record", this.fenceFile(n)] : []),
        ...extra,
      ],
      command,
    );
    g.start();
    this.nodes[n] = g;
    return g;
  }

  fenceFile(n: "a" | "b"): string {
    return join(this.dir, `fence-calls-${n}`);
  }

  /** The fence calls node `n` made. */
  fenceCalls(n: "a" | "b"): string[] {
    const f = this.fenceFile(n);
    return existsSync(f) ? readFileSync(f, "utf8").split("\n").filter(Boolean) : [];
  }

  node(n: "a" | "b"): GuardProcess {
    const g = this.nodes[n];
    if (!g) throw new Error(`node ${n} was not started`);
    return g;
  }

  /** Pull the serial cable (socat ends); plug it back in on the same paths. */
  async cutSerial(): Promise<void> {
    await this.serial.kill();
  }
  async healSerial(): Promise<void> {
    this.serial = await startPtyPair(this.serial.dir);
  }

  /** Wait until `pred` holds, or fail with both nodes' events. */
  async until(pred: () => boolean, ms: number, what: string): Promise<number> {
    const t0 = Date.now();
    while (!pred()) {
      if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}\n${this.describe()}`);
      await Bun.sleep(10);
    }
    return Date.now() - t0;
  }

  describe(): string {
    return (["a", "b"] as const).map((n) => this.nodes[n]?.describe() ?? `${n}: not started`).join("\n");
  }

  async stopNodes(): Promise<void> {
    for (const n of ["a", "b"] as const) {
      await this.nodes[n]?.stop();
      this.nodes[n] = null;
    }
  }

  async teardown(): Promise<void> {
    await this.stopNodes();
    this.relay.stop();
    await this.serial?.kill().catch(() => {});
    if (this.#dir !== null) rmSync(this.#dir, { recursive: true, force: true });
    this.#dir = null;
  }

  private configText(): string {
    const t = this.timers;
    return `[cluster]
name = "harness"

[[node]]
name = "a"
priority = 200
address = "${UdpRelay.A}"

[[node]]
name = "b"
priority = 100
address = "${UdpRelay.B}"

[timers]
keepalive = ${t.keepalive}
warntime = ${t.warntime}
deadtime = ${t.deadtime}
initdead = ${t.initdead}
handoff_grace = ${Math.max(t.deadtime, 3000)}

[channels.serial]
device = "/dev/null-overridden"

[channels.udp]
port = ${this.port}

[channels.disk]
enabled = ${this.withDisk}
${this.withDisk ? `device = "${this.disk}"` : ""}

[fencing]
delay = ${t.fenceDelay}
timeout = 5000
${this.extraToml}`;
  }
}
