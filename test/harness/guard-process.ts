// One compiled guard process in host mode, with its JSON events collected as they arrive.
import type { Subprocess } from "bun";
import { EXE } from "../helpers/exe.ts";

export interface GuardEvent {
  ts: string;
  node: string;
  event: string;
  level: string;
  message: string;
  role?: string;
  /** Host clock when the line was read (ms since epoch). */
  seenAt: number;
  [k: string]: unknown;
}

/** A running `dist/clusterguard guard --host-mode --log-format json`. */
export class GuardProcess {
  readonly events: GuardEvent[] = [];
  readonly stderr: string[] = [];
  proc!: Subprocess<"ignore", "pipe", "pipe">;
  startedAt = 0;

  constructor(
    readonly node: "a" | "b",
    private readonly args: string[],
    private readonly command: "guard" | "agent" = "guard",
  ) {}

  start(): void {
    this.startedAt = Date.now();
    this.proc = Bun.spawn(
      [EXE, this.command, "--host-mode", "--log-format", "json", "--node", this.node, ...this.args],
      { stdin: "ignore", stdout: "pipe", stderr: "pipe" },
    );
    void this.pump(this.proc.stdout, (line) => {
      try {
        this.events.push({ ...JSON.parse(line), seenAt: Date.now() });
      } catch {
        this.stderr.push(`stdout: ${line}`);
      }
    });
    void this.pump(this.proc.stderr, (line) => void this.stderr.push(line));
  }

  /** The role from the last role event (BOOTING before any). */
  get role(): string {
    for (let i = this.events.length - 1; i >= 0; i--)
      if (this.events[i]?.event === "role") return this.events[i]!.role!;
    return "BOOTING";
  }

  roles(): string[] {
    return this.events.filter((e) => e.event === "role").map((e) => e.role!);
  }

  find(event: string, pred: (e: GuardEvent) => boolean = () => true): GuardEvent | undefined {
    return this.events.find((e) => e.event === event && pred(e));
  }

  signal(sig: NodeJS.Signals | number): void {
    this.proc.kill(sig);
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill("SIGCONT");
      this.proc.kill("SIGKILL");
    }
    await this.proc.exited;
  }

  /** The latest `stats` event after asking for one with SIGUSR1. */
  async stats(): Promise<GuardEvent> {
    const n = this.events.length;
    this.proc.kill("SIGUSR1");
    const end = Date.now() + 3000;
    while (Date.now() < end) {
      const e = this.events.slice(n).find((x) => x.event === "stats");
      if (e) return e;
      await Bun.sleep(20);
    }
    throw new Error(`${this.node}: no stats event after SIGUSR1`);
  }

  describe(): string {
    return `${this.node} events:\n${this.events.map((e) => `  ${e.ts} ${e.event}${e.role ? ` [${e.role}]` : ""}: ${e.message}`).join("\n")}\n${this.node} stderr: ${this.stderr.join("\n")}`;
  }

  private async pump(stream: ReadableStream<Uint8Array>, onLine: (l: string) => void): Promise<void> {
    const dec = new TextDecoder();
    let buf = "";
    for await (const chunk of stream) {
      buf += dec.decode(chunk, { stream: true });
      let i: number;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line) onLine(line);
      }
    }
  }
}
