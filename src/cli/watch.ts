// `clusterguard watch`: a live full-screen status with a single-key menu; --once prints one frame (no TTY needed).
import type { Argv } from "yargs";
import type { CallArgs } from "./call.ts";
import { withConnectOptions } from "./connect-options.ts";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./exit-codes.ts";
import { resolveTarget } from "./target.ts";
import { WatchSession } from "./watch-session.ts";

/** Register `watch`. */
export function watchCommand(y: Argv, setExit: (code: number) => void): Argv {
  return y.command(
    "watch",
    "live status view with a menu: [t]akeover [s]tandby [f]ence [p]ause/[r]esume agent [q]uit",
    (a) =>
      withConnectOptions(a, 5_000)
        .option("interval", { type: "number", default: 2000, describe: "ms between refreshes" })
        .option("once", { type: "boolean", default: false, describe: "print one frame and exit (no screen clearing, no keys)" }),
    async (argv) => setExit(await runWatch(argv as CallArgs & { interval: number; once: boolean })),
  );
}

async function runWatch(argv: CallArgs & { interval: number; once: boolean }): Promise<number> {
  const t = resolveTarget(argv);
  if (!t.ok || !(argv.interval >= 100) || !(argv.timeout > 0)) {
    console.error(`clusterguard watch: ${t.ok ? `--interval ${argv.interval} / --timeout ${argv.timeout}: expected an interval of at least 100 ms and a positive timeout` : t.error}`);
    return EXIT_USAGE;
  }
  for (const w of t.warnings) console.error(`warning: ${w}`);
  const out = process.stdout;
  const s = new WatchSession({ target: t.target, intervalMs: argv.interval, timeoutMs: argv.timeout, clear: !argv.once, write: (x) => out.write(x), width: () => terminalWidth(out), height: () => terminalHeight(out) });
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
