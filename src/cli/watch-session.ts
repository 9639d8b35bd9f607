// The live `clusterguard watch` loop: refresh the status every interval, redraw, and run confirmed menu actions.
import type { Request } from "../agent/mgmt-protocol.ts";
import type { StatusReport } from "../agent/report.ts";
import type { SmaStatus } from "../sma/status.ts";
import { explain } from "./call.ts";
import { request, type Target } from "./client.ts";
import { where } from "./client-errors.ts";
import { reportProblem } from "./report-shape.ts";
import { frameLines, renderFrame } from "./watch-frame.ts";
import { type MenuState, onKey, prompt, type WatchAction } from "./watch-keys.ts";
import { screenUpdate } from "./watch-screen.ts";

/** How a session runs; `write` is the screen, `width` and `height` its columns and rows. */
export interface SessionOptions {
  target: Target;
  intervalMs: number;
  timeoutMs: number;
  /** A live screen: drawn in place, only changed lines rewritten (off for --once: plain lines, no height limit). */
  clear: boolean;
  write: (s: string) => void;
  width: () => number;
  height?: () => number;
}

/** The state of one watch screen. */
export class WatchSession {
  private report: StatusReport | null = null;
  private error: string | null = null;
  private message = "";
  private menu: MenuState = { mode: "menu" };
  private refreshing = false;
  private shown: string[] | null = null;
  /** The action waiting for the agent, or null. */
  busyWith: string | null = null;
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

  /** Handle one key press; while an action waits for the agent only q and Ctrl-C (leave) do anything. */
  async key(k: string): Promise<void> {
    const busy = this.busyWith !== null;
    const r = onKey(this.menu, k, this.report, busy);
    if (r.quit) {
      this.quit = true;
      return;
    }
    if (busy) return;
    this.menu = r.state;
    if (r.message !== undefined) this.message = r.message;
    if (r.run === undefined) return this.draw();
    this.busyWith = describe(r.run);
    this.message = `${this.busyWith}: waiting for the agent... ([q] leaves; it goes on there)`;
    this.draw();
    this.message = await this.perform(r.run);
    this.busyWith = null;
    await this.refresh();
  }

  /** Draw the current frame: on a live screen only what changed since the last one (nothing when nothing did). */
  draw(): void {
    const header = `clusterguard watch  ${where(this.o.target)}  every ${this.o.intervalMs} ms  ${new Date().toISOString().slice(11, 19)}`;
    const f = { header, report: this.report, error: this.error, message: this.message, prompt: prompt(this.menu), width: this.o.width() };
    if (!this.o.clear) return this.o.write(renderFrame({ ...f, clear: false }));
    const lines = frameLines({ ...f, height: this.o.height?.() ?? Infinity });
    const update = screenUpdate(this.shown, lines);
    this.shown = lines;
    if (update !== "") this.o.write(update);
  }

  /** Forget what is on the screen (resized, or drawn over): the next draw clears and draws it all. */
  invalidate(): void {
    this.shown = null;
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
