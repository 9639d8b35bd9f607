// The watch screen's menu state machine and frame, without a terminal.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { HOME_CLEAR, renderFrame } from "../../src/cli/watch-frame.ts";
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
