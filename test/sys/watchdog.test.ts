// The watchdog device: a device that is not a watchdog is refused with the reason, never half-armed; arm, pet and
// close against a recording fake of the system calls (the real device resets the machine: lab only).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { openWatchdog, type WatchdogIo } from "../../src/sys/watchdog.ts";

/** Records every call; the fake driver applies `applied` seconds, or refuses with `refuse`. */
function fakeIo(o: { applied?: number; refuse?: string; openError?: string } = {}) {
  const calls: string[] = [];
  const io: WatchdogIo = {
    open: (device) => {
      if (o.openError) throw new Error(o.openError);
      calls.push(`open ${device}`);
      return 7;
    },
    setTimeout: (fd, t) => {
      calls.push(`settimeout ${fd} ${t[0]}`);
      if (o.refuse) return o.refuse;
      if (o.applied !== undefined) t[0] = o.applied;
      return 0;
    },
    write: (fd, byte) => void calls.push(`write ${fd} ${byte}`),
    close: (fd) => void calls.push(`close ${fd}`),
  };
  return { io, calls };
}

test("a missing device says it cannot be opened", () => {
  assert.match(String(openWatchdog("/nonexistent/watchdog", 5)), /cannot open \/nonexistent\/watchdog/);
});

test("a character device that is not a watchdog refuses WDIOC_SETTIMEOUT with the errno", () => {
  const w = openWatchdog("/dev/null", 5);
  assert.type(w, "string");
  assert.match(String(w), /\/dev\/null: WDIOC_SETTIMEOUT 5 s refused: errno 25/);
});

test("arming sets the timeout and reports the one the driver applied; pets write 'k'", () => {
  const f = fakeIo({ applied: 4 });
  const w = openWatchdog("/dev/watchdog", 5, f.io);
  assert.ok(typeof w !== "string");
  if (typeof w === "string") return;
  assert.is(w.timeoutS, 4, "the applied timeout, not the requested one");
  w.pet();
  w.pet();
  assert.equal(f.calls, ["open /dev/watchdog", "settimeout 7 5", "write 7 k", "write 7 k"]);
});

test("a handover closes without the magic 'V' (the timer keeps running); a disarm writes it first", () => {
  const keep = fakeIo();
  const w1 = openWatchdog("/dev/watchdog", 5, keep.io);
  if (typeof w1 !== "string") w1.close(false);
  assert.equal(keep.calls.slice(2), ["close 7"]);
  const stop = fakeIo();
  const w2 = openWatchdog("/dev/watchdog", 5, stop.io);
  if (typeof w2 !== "string") w2.close(true);
  assert.equal(stop.calls.slice(2), ["write 7 V", "close 7"]);
});

test("a refused WDIOC_SETTIMEOUT stops the timer the open started (magic close) and says why", () => {
  const f = fakeIo({ refuse: "errno 22: Invalid argument" });
  assert.is(
    openWatchdog("/dev/watchdog", 300, f.io),
    "/dev/watchdog: WDIOC_SETTIMEOUT 300 s refused: errno 22: Invalid argument",
  );
  assert.equal(f.calls, ["open /dev/watchdog", "settimeout 7 300", "write 7 V", "close 7"]);
});

test("a refused WDIOC_SETTIMEOUT leaves a watchdog an earlier process of this boot armed running (row 18.5)", () => {
  const f = fakeIo({ refuse: "errno 22: Invalid argument" });
  assert.match(String(openWatchdog("/dev/watchdog", 300, f.io, { running: true })), /refused/);
  assert.equal(f.calls, ["open /dev/watchdog", "settimeout 7 300", "close 7"], "no magic 'V'");
});

test("a pet that fails is a missed pet, never an exception", () => {
  const f = fakeIo();
  f.io.write = () => {
    throw new Error("EBADF");
  };
  const w = openWatchdog("/dev/watchdog", 5, f.io);
  if (typeof w !== "string") w.pet();
});

test.run();
