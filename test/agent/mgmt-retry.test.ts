// The TCP endpoint's retry pacing and which failures get a log line: pure, by table.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { shouldLogFailure } from "../../src/agent/log-limit.ts";
import { tcpRetryDelay } from "../../src/agent/mgmt-retry.ts";

test("retries start at a second and double up to 30 s", () => {
  assert.equal([1, 2, 3, 4, 5, 6, 7, 50, 1e9].map((n) => tcpRetryDelay(n)), [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
  assert.is(tcpRetryDelay(0), 1000);
});

test("a failure is logged the first time, when its reason changes, and again only every 10 minutes", () => {
  const last = { reason: "EADDRNOTAVAIL", at: 1000 };
  const rows: [typeof last | null, string, number, boolean][] = [
    [null, "EADDRNOTAVAIL", 0, true],
    [last, "EADDRNOTAVAIL", 2000, false],
    [last, "EADDRNOTAVAIL", 600_999, false],
    [last, "EADDRNOTAVAIL", 601_000, true],
    [last, "EADDRINUSE", 2000, true],
  ];
  for (const [l, reason, now, want] of rows) assert.is(shouldLogFailure(l, reason, now), want, `${JSON.stringify(l)} ${reason} at ${now}`);
});

test.run();
