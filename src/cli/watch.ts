// `clusterguard watch`: a live full-screen status with a single-key menu; --once prints one frame (no TTY needed).
// The session refreshes the status every interval, redraws and runs confirmed menu actions; the menu, the frame and
// the screen update below it are pure.
import type { Argv } from "yargs";
import type { Request, StatusReport } from "../mgmt/protocol.ts";
import type { MonitorStatus } from "../monitor/status.ts";
import { ACTION_TIMEOUT_MS } from "./actions.ts";
import { type CallArgs, explain } from "./call.ts";
import { request, type Target, where } from "../mgmt/client.ts";
import { withConnectOptions } from "./connect-options.ts";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./exit-codes.ts";
import { ascii, clip, renderStatus, reportProblem } from "./render.ts";
import { resolveTarget } from "./target.ts";

/** Register `watch`. */
export function watchCommand(y: Argv, setExit: (code: number) => void): Argv {
  return y.command(
    "watch",
    "live status view with a menu: [t]akeover [s]tandby [f]ence [p]ause/[r]esume monitor [q]uit",
    (a) =>
      withConnectOptions(a, 5_000)
        .option("interval", { type: "number", default: 2000, describe: "ms between refreshes" })
        .option("once", {
          type: "boolean",
          default: false,
          describe: "print one frame and exit (no screen clearing, no keys)",
        }),
    async (argv) => setExit(await runWatch(argv as CallArgs & { interval: number; once: boolean })),
  );
}

async function runWatch(argv: CallArgs & { interval: number; once: boolean }): Promise<number> {
  const t = resolveTarget(argv);
  if (!t.ok || !(argv.interval >= 100) || !(argv.timeout > 0)) {
    console.error(
      `clusterguard watch: ${t.ok ? `--interval ${argv.interval} / --timeout ${argv.timeout}: expected an interval of at least 100 ms and a positive timeout` : t.error}`,
    );
    return EXIT_USAGE;
  }
  for (const w of t.warnings) console.error(`warning: ${w}`);
  const out = process.stdout;
  const s = new WatchSession({
    target: t.target,
    intervalMs: argv.interval,
    timeoutMs: argv.timeout,
    clear: !argv.once,
    write: (x) => out.write(x),
    width: () => terminalWidth(out),
    height: () => terminalHeight(out),
  });
  if (argv.once) return (await s.refresh()) ? EXIT_OK : EXIT_FAILURE;
  return live(s, argv.interval);
}

/** Refresh until [q], Ctrl-C or a signal; keys only when stdin is a terminal (raw mode, restored on exit). */
async function live(s: WatchSession, intervalMs: number): Promise<number> {
  const stdin = process.stdin;
  const tty = stdin.isTTY === true;
  let done: () => void = () => {};
  const finished = new Promise<void>((r) => {
    done = r;
  });
  const onData = (d: Buffer) => {
    void (async () => {
      for (const ch of d.toString("latin1")) {
        await s.key(ch);
        if (s.quit) return done();
      }
    })();
  };
  if (tty) {
    stdin.setRawMode(true);
    stdin.on("data", onData);
    stdin.resume();
  }
  process.once("SIGINT", () => done());
  process.once("SIGTERM", () => done());
  const resized = () => {
    s.invalidate();
    s.draw();
  };
  process.stdout.on("resize", resized);
  const timer = setInterval(() => void s.refresh(), intervalMs);
  void s.refresh();
  await finished;
  clearInterval(timer);
  process.stdout.off("resize", resized);
  if (tty) {
    stdin.off("data", onData);
    stdin.setRawMode(false);
    stdin.pause();
  }
  process.stdout.write("\r\n");
  if (s.busyWith !== null) {
    // The agent goes on with it; the reply is not waited for (it may take minutes).
    process.stdout.write(`${s.busyWith} still runs on the agent: clusterguard status shows how it ends\r\n`);
    process.exit(EXIT_OK);
  }
  return EXIT_OK;
}

/** The terminal's rows; 24 (a VT100) when unknown (a pipe, or a serial console that reports 0). */
function terminalHeight(out: NodeJS.WriteStream): number {
  const r = out.isTTY ? out.rows : 0;
  return typeof r === "number" && r >= 5 ? r : 24;
}

/** The terminal's columns; 80 when unknown (a pipe, or a serial console that reports 0). */
function terminalWidth(out: NodeJS.WriteStream): number {
  const c = out.isTTY ? out.columns : 0;
  return typeof c === "number" && c >= 20 ? c : 80;
}

// The session: refresh the status every interval, redraw, and run confirmed menu actions.

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
    const f = {
      header,
      report: this.report,
      error: this.error,
      message: this.message,
      prompt: prompt(this.menu),
      width: this.o.width(),
    };
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
    const r = await request(this.o.target, toRequest(a), Math.max(this.o.timeoutMs, ACTION_TIMEOUT_MS));
    if (!r.ok) return `${describe(a)} failed: ${r.error}`;
    if (!r.reply.ok) return `${describe(a)} refused: ${explain(r.reply.error)}`;
    return `${describe(a)}: ${summary(a, r.reply.result)}`;
  }
}

/** The handler's answer in a few words: its string, or the monitor's new state after pause/resume. */
function summary(a: WatchAction, result: unknown): string {
  if (typeof result === "string") return result;
  if ((a.op === "pause" || a.op === "resume") && Array.isArray(result)) {
    const monitor = (result as MonitorStatus[]).find((x) => x.name === a.name);
    if (monitor !== undefined) return `${a.name} is now ${monitor.state}`;
  }
  return "done";
}

function toRequest(a: WatchAction): Request {
  switch (a.op) {
    case "fence":
      return { op: "fence", target: a.target, confirm: true };
    case "pause":
    case "resume":
      return { op: "monitors", action: a.op, name: a.name };
    default:
      return { op: a.op };
  }
}

function describe(a: WatchAction): string {
  return a.op === "fence" ? `fence ${a.target}` : a.op === "pause" || a.op === "resume" ? `${a.op} ${a.name}` : a.op;
}

// The watch screen's single-key menu as a pure state machine: key in, next state, an action to run or a message out.

/** Something the operator confirmed. */
export type WatchAction =
  | { op: "takeover" }
  | { op: "standby" }
  | { op: "fence"; target: string }
  | { op: "pause" | "resume"; name: string };

/** Where the menu is: the main line, choosing a monitor, or waiting for y/N. */
export type MenuState =
  | { mode: "menu" }
  | { mode: "pick"; verb: "pause" | "resume"; names: string[] }
  | { mode: "confirm"; action: WatchAction };

/** What a key did. */
export interface KeyResult {
  state: MenuState;
  run?: WatchAction;
  quit?: boolean;
  message?: string;
}

/** The main menu line (ASCII, under 80 columns). */
export const MENU = "[t]akeover [s]tandby [f]ence peer [p]ause/[r]esume monitor [q]uit";
const MENU_STATE: MenuState = { mode: "menu" };
const CTRL_C = "\x03";
const CTRL_D = "\x04";

/**
 * Apply one key; `report` is the last status shown (needed for the peer's and the monitors' names). While an
 * action is `busy` waiting for the agent, only q, Ctrl-C and Ctrl-D do anything: they leave (the action goes on).
 */
export function onKey(state: MenuState, key: string, report: StatusReport | null, busy = false): KeyResult {
  if (key === CTRL_C || key === CTRL_D) return { state: MENU_STATE, quit: true };
  if (busy) return key === "q" || key === "Q" ? { state, quit: true } : { state };
  if (state.mode === "confirm") {
    return key === "y" || key === "Y"
      ? { state: MENU_STATE, run: state.action }
      : { state: MENU_STATE, message: "cancelled" };
  }
  if (state.mode === "pick") {
    const name = /^[1-9]$/.test(key) ? state.names[Number(key) - 1] : undefined;
    return name === undefined
      ? { state: MENU_STATE, message: "cancelled" }
      : { state: { mode: "confirm", action: { op: state.verb, name } } };
  }
  switch (key) {
    case "q":
    case "Q":
      return { state, quit: true };
    case "t":
      return { state: { mode: "confirm", action: { op: "takeover" } } };
    case "s":
      return { state: { mode: "confirm", action: { op: "standby" } } };
    case "f":
      if (report === null) return { state, message: "no status yet: the peer's name is not known" };
      return { state: { mode: "confirm", action: { op: "fence", target: report.peer.name } } };
    case "p":
    case "r": {
      const names = (report?.monitors ?? []).map((a) => a.name).slice(0, 9);
      if (names.length === 0) return { state, message: "no service monitors to choose from" };
      return { state: { mode: "pick", verb: key === "p" ? "pause" : "resume", names } };
    }
    default:
      return { state };
  }
}

/** The bottom line for a state. */
export function prompt(state: MenuState): string {
  if (state.mode === "menu") return MENU;
  if (state.mode === "pick") {
    const verb = state.verb === "pause" ? "Pause" : "Resume";
    return `${verb} which monitor? ${state.names.map((n, i) => `${i + 1}) ${n}`).join(" ")} (other key cancels)`;
  }
  const a = state.action;
  switch (a.op) {
    case "takeover":
      return "Take over: make THIS node ACTIVE? [y/N]";
    case "standby":
      return "Standby: hand this node's services over to the peer? [y/N]";
    case "fence":
      return `FENCE ${a.target} now (reset or power off)? [y/N]`;
    default:
      return `${a.op === "pause" ? "Pause" : "Resume"} monitor ${a.name}? [y/N]`;
  }
}

// One screen of `clusterguard watch`: header, the status (or why it is missing), a message line and the menu; pure.

/** ANSI cursor home + clear screen: understood by every VT100-compatible terminal, serial consoles included. */
export const HOME_CLEAR = "\x1b[H\x1b[2J";

/** What goes on one screen. */
export interface FrameInput {
  header: string;
  report: StatusReport | null;
  /** Why the last refresh failed, or null. */
  error: string | null;
  message: string;
  prompt: string;
  width: number;
  /** Rows available (Infinity: no limit, as for --once). */
  height?: number;
}

/**
 * The frame's lines: ASCII, at most `width` columns and `height` rows. A status too long for the rows is cut,
 * with a line saying how much is missing; the header, the error and message lines and the menu always stay.
 */
export function frameLines(f: FrameInput): string[] {
  const body = f.report === null ? ["(no status yet)"] : renderStatus(f.report);
  const notes = [
    ...(f.error === null ? [] : [`! ${f.error}${f.report === null ? "" : " (showing the last status received)"}`]),
    ...(f.message === "" ? [] : [`> ${f.message}`]),
  ];
  const bottom = ["", ...notes, f.prompt];
  const height = f.height ?? Infinity;
  const room = height - 2 - bottom.length;
  let lines: string[];
  if (body.length <= room) lines = [f.header, "", ...body, ...bottom];
  else if (room >= 1)
    lines = [
      f.header,
      "",
      ...body.slice(0, room - 1),
      `... ${body.length - room + 1} more line(s): a taller terminal shows them, or clusterguard status`,
      ...bottom,
    ];
  else lines = [f.header, ...notes, f.prompt].slice(-Math.max(1, height));
  const width = Math.max(20, f.width);
  return lines.map((l) => clip(ascii(l), width));
}

/** The frame as one string, CRLF-terminated lines (raw-mode terminals do not add CR); `clear` prefixes HOME_CLEAR. */
export function renderFrame(f: FrameInput & { clear: boolean }): string {
  return `${f.clear ? HOME_CLEAR : ""}${frameLines(f).join("\r\n")}\r\n`;
}

// What to send a terminal to turn the frame on it into the next one: at 9600 baud only the lines that changed; pure.

/** Cursor to row `row` (1-based), column 1. */
const at = (row: number) => `\x1b[${row};1H`;
/** Erase from the cursor to the end of the line. */
const EOL = "\x1b[K";

/**
 * The bytes that turn screen `prev` into `next`: the whole frame after a clear the first time (prev null), then
 * each changed line rewritten in place and lines no longer used erased; nothing at all when nothing changed.
 * The cursor is left at the end of the last line (the menu).
 */
export function screenUpdate(prev: readonly string[] | null, next: readonly string[]): string {
  const park = `\x1b[${next.length};${(next.at(-1)?.length ?? 0) + 1}H`;
  if (prev === null) return `${HOME_CLEAR}${next.join("\r\n")}${park}`;
  let out = "";
  for (let i = 0; i < Math.max(prev.length, next.length); i++) {
    if (prev[i] === next[i]) continue;
    out += `${at(i + 1)}${next[i] ?? ""}${EOL}`;
  }
  return out === "" ? "" : `${out}${park}`;
}
