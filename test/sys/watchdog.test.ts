// The watchdog device: a device that is not a watchdog is refused with the reason, never half-armed.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { openWatchdog } from "../../src/sys/watchdog.ts";

test("a missing device says it cannot be opened", () => {
  assert.match(String(openWatchdog("/nonexistent/watchdog", 5)), /cannot open \/nonexistent\/watchdog/);
});

test("a character device that is not a watchdog refuses WDIOC_SETTIMEOUT with the errno", () => {
  const w = openWatchdog("/dev/null", 5);
  assert.type(w, "string");
  assert.match(String(w), /\/dev\/null: WDIOC_SETTIMEOUT 5 s refused: errno 25/);
});

test.run();
