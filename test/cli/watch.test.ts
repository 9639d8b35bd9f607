// The watch screen: its menu state machine and frame without a terminal; the live session against a real management
// socket (redraws only what changed, keeps q working while an action runs); and `clusterguard watch` on a real
// terminal (a pty from script(1)): the keys work in raw mode, and q leaves at once while a slow action still waits.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { rmSync } from "node:fs";
import { join } from "node:path";
import {
  frameLines,
  HOME_CLEAR,
  MENU,
  type MenuState,
  onKey,
  prompt,
  renderFrame,
  screenUpdate,
  WatchSession,
} from "../../src/cli/watch.ts";
import { sampleReport } from "../mgmt/fake.ts";
import { type Running, serve, tempDir } from "../mgmt/helpers.ts";
import { EXE } from "../helpers/exe.ts";

const MENU_STATE: MenuState = { mode: "menu" };
const report = sampleReport();

/** Feed keys from the main menu; return the last result. */
function keys(seq: string[], r = report) {
  let state = MENU_STATE;
  let last = onKey(state, "", r);
  for (const k of seq) {
    last = onKey(state, k, r);
    state = last.state;
  }
  return last;
}

test("every action asks y/N first and runs only on y", () => {
  assert.equal(keys(["t"]).state, { mode: "confirm", action: { op: "takeover" } });
  assert.is(prompt(keys(["t"]).state), "Take over: make THIS node ACTIVE? [y/N]");
  assert.equal(keys(["t", "y"]).run, { op: "takeover" });
  assert.equal(keys(["s", "Y"]).run, { op: "standby" });
  assert.equal(keys(["f", "y"]).run, { op: "fence", target: "b" }, "the peer's name comes from the status");
  assert.is(prompt(keys(["f"]).state), "FENCE b now (reset or power off)? [y/N]");
});

test("anything but y cancels, including Enter and n", () => {
  for (const k of ["n", "\r", "N", "x", "q"]) {
    const r = keys(["f", k]);
    assert.is(r.run, undefined, k);
    assert.is(r.message, "cancelled");
    assert.equal(r.state, MENU_STATE);
  }
});

test("pause and resume pick a monitor by number, then confirm", () => {
  const pick = keys(["p"]);
  assert.equal(pick.state, { mode: "pick", verb: "pause", names: ["web", "db"] });
  assert.is(prompt(pick.state), "Pause which monitor? 1) web 2) db (other key cancels)");
  assert.is(prompt(keys(["r", "2"]).state), "Resume monitor db? [y/N]");
  assert.equal(keys(["r", "2", "y"]).run, { op: "resume", name: "db" });
  assert.equal(keys(["p", "1", "y"]).run, { op: "pause", name: "web" });
  assert.is(keys(["p", "7"]).message, "cancelled");
});

test("without a status yet, fence and monitor actions explain why they cannot be chosen", () => {
  assert.match(onKey(MENU_STATE, "f", null).message ?? "", "peer's name is not known");
  assert.match(onKey(MENU_STATE, "p", null).message ?? "", "no service monitors");
});

test("q quits from the menu, Ctrl-C and Ctrl-D quit from anywhere; other keys do nothing", () => {
  assert.ok(keys(["q"]).quit);
  assert.ok(keys(["f", "\x03"]).quit);
  assert.ok(keys(["p", "\x04"]).quit);
  const idle = keys(["z"]);
  assert.equal(idle, { state: MENU_STATE });
  assert.is(prompt(MENU_STATE), MENU);
});

test("while an action waits for the agent only q, Ctrl-C and Ctrl-D do anything: they leave", () => {
  const confirm: MenuState = { mode: "confirm", action: { op: "standby" } };
  const rows: [string, boolean][] = [
    ["q", true],
    ["Q", true],
    ["\x03", true],
    ["\x04", true],
    ["y", false],
    ["s", false],
    ["p", false],
    ["\r", false],
  ];
  for (const [key, quits] of rows) {
    const r = onKey(confirm, key, report, true);
    assert.is(r.quit === true, quits, JSON.stringify(key));
    if (!quits) assert.equal(r, { state: confirm }, `${JSON.stringify(key)} changes nothing while busy`);
  }
});

test("a frame is cut to the terminal's rows: header, as much status as fits and how much is missing, then the menu", () => {
  const lines = frameLines({
    header: "clusterguard watch",
    report,
    error: "no reply",
    message: "standby: waiting",
    prompt: MENU,
    width: 80,
    height: 24,
  });
  assert.is(lines.length, 24, "a VT100's 24 rows");
  assert.is(lines[0], "clusterguard watch");
  assert.equal(lines.slice(-3), ["! no reply (showing the last status received)", "> standby: waiting", MENU]);
  assert.match(lines.at(-5)!, /^\.\.\. \d+ more line\(s\): a taller terminal shows them, or clusterguard status$/);
  const tall = frameLines({ header: "h", report, error: null, message: "", prompt: MENU, width: 80, height: 100 });
  assert.not.ok(
    tall.some((l) => l.startsWith("... ")),
    "all of it fits",
  );
  assert.ok(tall.length < 100);
  assert.equal(frameLines({ header: "h", report, error: "e", message: "m", prompt: MENU, width: 80, height: 3 }), [
    "! e (showing the last status received)",
    "> m",
    MENU,
  ]);
});

test("after the first frame only changed lines are sent, and nothing when nothing changed", () => {
  const a = ["header 10:00:01", "", "this node a ACTIVE", MENU];
  const first = screenUpdate(null, a);
  assert.is(first, `${HOME_CLEAR}${a.join("\r\n")}\x1b[4;${MENU.length + 1}H`);
  assert.is(screenUpdate(a, [...a]), "", "an unchanged frame sends no byte");
  const b = ["header 10:00:03", "", "this node a ACTIVE", MENU];
  assert.is(screenUpdate(a, b), `\x1b[1;1Hheader 10:00:03\x1b[K\x1b[4;${MENU.length + 1}H`);
  const shorter = ["header", MENU];
  assert.is(
    screenUpdate(a, shorter),
    `\x1b[1;1Hheader\x1b[K\x1b[2;1H${MENU}\x1b[K\x1b[3;1H\x1b[K\x1b[4;1H\x1b[K\x1b[2;${MENU.length + 1}H`,
  );
  const full = renderFrame({ header: "h", report, error: null, message: "", prompt: MENU, width: 80, clear: true });
  assert.ok(
    screenUpdate(
      frameLines({ header: "h", report, error: null, message: "", prompt: MENU, width: 80, height: 24 }),
      frameLines({ header: "h", report, error: null, message: "", prompt: MENU, width: 80, height: 24 }),
    ).length <
      full.length / 20,
  );
});

test("a frame is home+clear, the status, the error and message lines, and the menu, clipped to the width", () => {
  const f = renderFrame({
    header: "clusterguard watch  /run/x.sock",
    report,
    error: "no reply from /run/x.sock within 5000 ms",
    message: "standby: handing over to b",
    prompt: MENU,
    width: 40,
    clear: true,
  });
  assert.ok(f.startsWith(HOME_CLEAR));
  const lines = f.slice(HOME_CLEAR.length).split("\r\n");
  assert.is(lines.at(-1), "", "ends with CRLF");
  assert.is(lines.at(-2), "[t]akeover [s]tandby [f]ence peer [p]...");
  assert.ok(lines.includes("> standby: handing over to b"));
  assert.ok(lines.some((l) => l.startsWith("! no reply from /run/x.sock within")));
  for (const l of lines) assert.ok(l.length <= 40, l);
  const none = renderFrame({
    header: "h",
    report: null,
    error: null,
    message: "",
    prompt: MENU,
    width: 80,
    clear: false,
  });
  assert.is(none, `h\r\n\r\n(no status yet)\r\n\r\n${MENU}\r\n`);
});

const dir = tempDir("cg-watch-");
const socket = join(dir, "cg.sock");
let running: Running;
test.before(async () => {
  running = await serve({ socket });
});
test.after(() => running.server.stop());
test.after(() => rmSync(dir, { recursive: true, force: true }));

function session() {
  const out: string[] = [];
  const s = new WatchSession({
    target: { kind: "unix", path: socket },
    intervalMs: 2000,
    timeoutMs: 2000,
    clear: true,
    write: (x) => out.push(x),
    width: () => 80,
    height: () => 24,
  });
  return { s, out };
}

test("refreshes of an unchanged status send nothing but the clock line; the frame never exceeds 24 rows", async () => {
  const { s, out } = session();
  await s.refresh();
  assert.ok(out[0]?.startsWith(HOME_CLEAR));
  assert.ok((out[0]?.split("\r\n").length ?? 0) <= 24);
  for (let i = 0; i < 5; i++) await s.refresh();
  const later = out.slice(1).join("");
  assert.not.match(later, HOME_CLEAR, "no full redraw");
  assert.ok(later.length <= 5 * 120, `${later.length} bytes for 5 refreshes`);
  s.invalidate();
  s.draw();
  assert.ok(out.at(-1)?.startsWith(HOME_CLEAR), "after a resize: one full redraw");
});

test("while an action waits for the agent, q still leaves at once, and other keys do not start another", async () => {
  const { s, out } = session();
  await s.refresh();
  running.handler.calls = [];
  running.handler.delayMs = 3000;
  try {
    await s.key("s");
    const waiting = s.key("y");
    await Bun.sleep(100);
    assert.is(s.busyWith, "standby");
    assert.match(out.join(""), /standby: waiting for the agent\.\.\. \(\[q\] leaves; it goes on there\)/);
    const t0 = performance.now();
    await s.key("t");
    await s.key("y");
    await s.key("q");
    assert.ok(performance.now() - t0 < 50, "answered at once");
    assert.is(s.quit, true);
    assert.equal(
      running.handler.calls.filter((c) => c !== "status"),
      ["standby"],
      "t, y did nothing while busy",
    );
    void waiting;
  } finally {
    running.handler.delayMs = 0;
  }
});

test("q leaves while a standby still waits for the agent, saying it goes on there", async () => {
  if (Bun.which("script") === null) return console.log("  (watch-tty: no script(1); skipped)");
  running.handler.calls = [];
  running.handler.delayMs = 20_000;
  try {
    const p = Bun.spawn(["script", "-qfec", `${EXE} watch --interval 500 --socket ${socket}`, "/dev/null"], {
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
    });
    await Bun.sleep(700);
    p.stdin.write("sy");
    await p.stdin.flush();
    for (let i = 0; i < 50 && !running.handler.calls.includes("standby"); i++) await Bun.sleep(20);
    assert.ok(running.handler.calls.includes("standby"), "s then y asked for the standby");
    const t0 = performance.now();
    p.stdin.write("q");
    await p.stdin.flush();
    const code = await Promise.race([p.exited, Bun.sleep(3000).then(() => "still running")]);
    if (code === "still running") p.kill("SIGKILL");
    assert.is(code, 0, "q ended watch while the standby was still running");
    assert.ok(performance.now() - t0 < 2000);
    const out = await new Response(p.stdout).text();
    assert.match(out, /standby: waiting for the agent\.\.\. \(\[q\] leaves; it goes on there\)/);
    assert.match(out, /standby still runs on the agent: clusterguard status shows how it ends/);
  } finally {
    running.handler.delayMs = 0;
  }
});

test.run();
