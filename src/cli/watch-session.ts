// The live `clusterguard watch` loop: refresh the status every interval, redraw, and run confirmed menu actions.
import type { Request } from "../agent/mgmt-protocol.ts";
import type { StatusReport } from "../agent/report.ts";
import type { SmaStatus } from "../sma/status.ts";
import { explain } from "./call.ts";
import { request, type Target } from "./client.ts";
import { where } from "./client-errors.ts";
import { reportProblem } from "./report-shape.ts";
import { renderFrame } from "./watch-frame.ts";
import { type MenuState, onKey, prompt, type WatchAction } from "./watch-keys.ts";

/** How a session runs; `write` is the screen, `width` its columns. */
export interface SessionOptions {
  target: Target;
  intervalMs: number;
  timeoutMs: number;
  clear: boolean;
  write: (s: string) => void;
  width: () => number;
}

/** The state of one watch screen. */
export class WatchSession {
  private report: StatusReport | null = null;
  private error: string | null = null;
  private message = "";
  private menu: MenuState = { mode: "menu" };
  private refreshing = false;
  private busy = false;
  /** Set when the operator quits. */
  quit = false;

  constructor(private readonly o: SessionOptions) {}

  /** Fetch the status once and redraw; true when the agent answered. */
  async refresh(): Promise<boolean> {
    if (this.refreshing) return this.error === null;
    this.refreshing = true;
    const r = await request(this.o.target, { op: "status" }, this.o.timeoutMs);
    this.refreshing = false;
    if (!r.ok) this.error = r.error;
    else if (!r.reply.ok) this.error = explain(r.reply.error);
    else {
      this.error = reportProblem(r.reply.result);
      if (this.error === null) this.report = r.reply.result as StatusReport;
    }
    this.draw();
    return this.error === null;
  }

  /** Handle one key press. */
  async key(k: string): Promise<void> {
    if (this.busy) return;
    const r = onKey(this.menu, k, this.report);
    this.menu = r.state;
    if (r.message !== undefined) this.message = r.message;
    if (r.quit) {
      this.quit = true;
      return;
    }
    if (r.run === undefined) return this.draw();
    this.busy = true;
    this.message = `${describe(r.run)}: waiting for the agent...`;
    this.draw();
    this.message = await this.perform(r.run);
    this.busy = false;
    await this.refresh();
  }

  /** Draw the current frame. */
  draw(): void {
    const header = `clusterguard watch  ${where(this.o.target)}  every ${this.o.intervalMs} ms  ${new Date().toISOString().slice(11, 19)}`;
    this.o.write(renderFrame({ header, report: this.report, error: this.error, message: this.message, prompt: prompt(this.menu), width: this.o.width(), clear: this.o.clear }));
  }

  private async perform(a: WatchAction): Promise<string> {
    const r = await request(this.o.target, toRequest(a), Math.max(this.o.timeoutMs, 120_000));
    if (!r.ok) return `${describe(a)} failed: ${r.error}`;
    if (!r.reply.ok) return `${describe(a)} refused: ${explain(r.reply.error)}`;
    return `${describe(a)}: ${summary(a, r.reply.result)}`;
  }
}

/** The handler's answer in a few words: its string, or the agent's new state after pause/resume. */
function summary(a: WatchAction, result: unknown): string {
  if (typeof result === "string") return result;
  if ((a.op === "pause" || a.op === "resume") && Array.isArray(result)) {
    const agent = (result as SmaStatus[]).find((x) => x.name === a.name);
    if (agent !== undefined) return `${a.name} is now ${agent.state}`;
  }
  return "done";
}

function toRequest(a: WatchAction): Request {
  switch (a.op) {
    case "fence":
      return { op: "fence", target: a.target, confirm: true };
    case "pause":
    case "resume":
      return { op: "agents", action: a.op, name: a.name };
    default:
      return { op: a.op };
  }
}

function describe(a: WatchAction): string {
  return a.op === "fence" ? `fence ${a.target}` : a.op === "pause" || a.op === "resume" ? `${a.op} ${a.name}` : a.op;
}
