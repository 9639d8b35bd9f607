// The watch screen's menu state machine and frame, without a terminal.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { frameLines, HOME_CLEAR, renderFrame } from "../../src/cli/watch-frame.ts";
import { screenUpdate } from "../../src/cli/watch-screen.ts";
import { MENU, type MenuState, onKey, prompt } from "../../src/cli/watch-keys.ts";
import { sampleReport } from "../agent/mgmt-fake.ts";

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

test("pause and resume pick an agent by number, then confirm", () => {
  const pick = keys(["p"]);
  assert.equal(pick.state, { mode: "pick", verb: "pause", names: ["web", "db"] });
  assert.is(prompt(pick.state), "Pause which agent? 1) web 2) db (other key cancels)");
  assert.is(prompt(keys(["r", "2"]).state), "Resume agent db? [y/N]");
  assert.equal(keys(["r", "2", "y"]).run, { op: "resume", name: "db" });
  assert.equal(keys(["p", "1", "y"]).run, { op: "pause", name: "web" });
  assert.is(keys(["p", "7"]).message, "cancelled");
});

test("without a status yet, fence and agent actions explain why they cannot be chosen", () => {
  assert.match(onKey(MENU_STATE, "f", null).message ?? "", "peer's name is not known");
  assert.match(onKey(MENU_STATE, "p", null).message ?? "", "no service monitoring agents");
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
  const rows: [string, boolean][] = [["q", true], ["Q", true], ["\x03", true], ["\x04", true], ["y", false], ["s", false], ["p", false], ["\r", false]];
  for (const [key, quits] of rows) {
    const r = onKey(confirm, key, report, true);
    assert.is(r.quit === true, quits, JSON.stringify(key));
    if (!quits) assert.equal(r, { state: confirm }, `${JSON.stringify(key)} changes nothing while busy`);
  }
});

test("a frame is cut to the terminal's rows: header, as much status as fits and how much is missing, then the menu", () => {
  const lines = frameLines({ header: "clusterguard watch", report, error: "no reply", message: "standby: waiting", prompt: MENU, width: 80, height: 24 });
  assert.is(lines.length, 24, "a VT100's 24 rows");
  assert.is(lines[0], "clusterguard watch");
  assert.equal(lines.slice(-3), ["! no reply (showing the last status received)", "> standby: waiting", MENU]);
  assert.match(lines.at(-5)!, /^\.\.\. \d+ more line\(s\): a taller terminal shows them, or clusterguard status$/);
  const tall = frameLines({ header: "h", report, error: null, message: "", prompt: MENU, width: 80, height: 100 });
  assert.not.ok(tall.some((l) => l.startsWith("... ")), "all of it fits");
  assert.ok(tall.length < 100);
  assert.equal(frameLines({ header: "h", report, error: "e", message: "m", prompt: MENU, width: 80, height: 3 }), ["! e (showing the last status received)", "> m", MENU]);
});

test("after the first frame only changed lines are sent, and nothing when nothing changed", () => {
  const a = ["header 10:00:01", "", "this node a ACTIVE", MENU];
  const first = screenUpdate(null, a);
  assert.is(first, `${HOME_CLEAR}${a.join("\r\n")}\x1b[4;${MENU.length + 1}H`);
  assert.is(screenUpdate(a, [...a]), "", "an unchanged frame sends no byte");
  const b = ["header 10:00:03", "", "this node a ACTIVE", MENU];
  assert.is(screenUpdate(a, b), `\x1b[1;1Hheader 10:00:03\x1b[K\x1b[4;${MENU.length + 1}H`);
  const shorter = ["header", MENU];
  assert.is(screenUpdate(a, shorter), `\x1b[1;1Hheader\x1b[K\x1b[2;1H${MENU}\x1b[K\x1b[3;1H\x1b[K\x1b[4;1H\x1b[K\x1b[2;${MENU.length + 1}H`);
  const full = renderFrame({ header: "h", report, error: null, message: "", prompt: MENU, width: 80, clear: true });
  assert.ok(screenUpdate(frameLines({ header: "h", report, error: null, message: "", prompt: MENU, width: 80, height: 24 }), frameLines({ header: "h", report, error: null, message: "", prompt: MENU, width: 80, height: 24 })).length < full.length / 20);
});

test("a frame is home+clear, the status, the error and message lines, and the menu, clipped to the width", () => {
  const f = renderFrame({ header: "clusterguard watch  /run/x.sock", report, error: "no reply from /run/x.sock within 5000 ms", message: "standby: handing over to b", prompt: MENU, width: 40, clear: true });
  assert.ok(f.startsWith(HOME_CLEAR));
  const lines = f.slice(HOME_CLEAR.length).split("\r\n");
  assert.is(lines.at(-1), "", "ends with CRLF");
  assert.is(lines.at(-2), "[t]akeover [s]tandby [f]ence peer [p]...");
  assert.ok(lines.includes("> standby: handing over to b"));
  assert.ok(lines.some((l) => l.startsWith("! no reply from /run/x.sock within")));
  for (const l of lines) assert.ok(l.length <= 40, l);
  const none = renderFrame({ header: "h", report: null, error: null, message: "", prompt: MENU, width: 80, clear: false });
  assert.is(none, `h\r\n\r\n(no status yet)\r\n\r\n${MENU}\r\n`);
});

test.run();
