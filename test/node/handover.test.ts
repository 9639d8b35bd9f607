// The handover snapshot is untrusted input: only a snapshot of this node, this boot and this version is used.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bootId, parseSnapshot, takeHandoverFile } from "../../src/node/handover.ts";

/** Every folder this file makes, removed at the end. */
const tmp = mkdtempSync(join(tmpdir(), "cg-handover-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

const good = {
  v: 1,
  bootId: "boot-1",
  node: "a",
  incarnation: 1795000000000,
  seq: 165,
  peerIncarnation: 1795000000001,
  peerRole: "STANDBY",
  at: 1795000100000,
  graceMs: 15000,
};
const text = (over: Record<string, unknown>) => JSON.stringify({ ...good, ...over });

test("a snapshot of this node and boot is accepted as it is", () => {
  assert.equal(parseSnapshot(text({}), "a", "boot-1"), good);
});

const rows: [string, string, RegExp][] = [
  ["another boot", text({ bootId: "boot-0" }), /bootId: expected this boot \(boot-1\), got boot-0/],
  ["another node", text({ node: "b" }), /node: expected a, got b/],
  ["another version", text({ v: 2 }), /version: expected 1, got 2/],
  ["a negative sequence", text({ seq: -1 }), /seq: expected a non-negative integer, got -1/],
  ["a fractional incarnation", text({ incarnation: 1.5 }), /incarnation: expected a non-negative integer/],
  ["an unknown role", text({ peerRole: "MASTER" }), /peerRole: expected a role or null, got MASTER/],
  ["not JSON", "{oops", /not JSON/],
  ["a receiver that is not an object", text({ receiver: [1] }), /receiver\.expected an object of links/],
  [
    "a receiver link of an unknown kind",
    text({ receiver: { tcp: {} } }),
    /receiver\.tcp: expected one of serial, udp, disk/,
  ],
  [
    "a receiver window with a negative top",
    text({ receiver: { udp: { b: { incarnation: 1, top: -1, seen: "1" } } } }),
    /receiver\.udp\.b: expected non-negative integers/,
  ],
  [
    "a receiver window with bits that are not hex",
    text({ receiver: { udp: { b: { incarnation: 1, top: 5, seen: "zz" } } } }),
    /receiver\.udp\.b\.seen: expected 1-16 hex digits, got zz/,
  ],
  [
    "a watchdog without a device",
    text({ watchdog: { device: "", timeoutS: 5 } }),
    /watchdog: expected null or \{device: a path, timeoutS: a positive integer\}/,
  ],
  [
    "a watchdog with a zero timeout",
    text({ watchdog: { device: "/dev/watchdog", timeoutS: 0 } }),
    /watchdog: expected/,
  ],
  [
    "a fenced incarnation that is not a count",
    text({ fencedIncarnation: "7" }),
    /fencedIncarnation: expected a non-negative integer or null/,
  ],
];

test("a snapshot carries the watchdog the guard left running, or null (row 18.2)", () => {
  const armed = { ...good, watchdog: { device: "/dev/watchdog", timeoutS: 5 } };
  assert.equal(parseSnapshot(JSON.stringify(armed), "a", "boot-1"), armed);
  assert.equal(parseSnapshot(text({ watchdog: null }), "a", "boot-1"), { ...good, watchdog: null });
});

test("a snapshot with the receiver's windows and the fenced boot is accepted", () => {
  const more = { ...good, receiver: { udp: { b: { incarnation: 9, top: 120, seen: "ffff" } } }, fencedIncarnation: 8 };
  assert.equal(parseSnapshot(JSON.stringify(more), "a", "boot-1"), more);
});
for (const [what, t, re] of rows) {
  test(`refused: ${what}`, () => {
    const r = parseSnapshot(t, "a", "boot-1");
    assert.type(r, "string");
    assert.match(String(r), re);
  });
}

test("a stopped agent's snapshot file is judged young or old by uptime, not by a wall clock that stepped", () => {
  const dir = mkdtempSync(join(tmp, "run-"));
  const file = join(dir, "handover.json");
  const snap = { ...good, bootId: bootId(), at: 1795000100000, uptimeMs: 50_000, graceMs: 15_000 };
  const put = () => writeFileSync(file, JSON.stringify(snap));
  put();
  const tenDaysOn = snap.at + 10 * 86_400_000;
  assert.type(
    takeHandoverFile(file, "a", tenDaysOn, 60_000),
    "object",
    "10 s of uptime later it is young, whatever the wall clock says",
  );
  put();
  assert.match(String(takeHandoverFile(file, "a", snap.at, 70_000)), /20000 ms old, older than the 15000 ms grace/);
  put();
  assert.type(
    takeHandoverFile(file, "a", snap.at - 86_400_000, 49_000),
    "string",
    "from before its own release: refused",
  );
});

test.run();
