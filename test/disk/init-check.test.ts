// The pure verdicts of `disk init`: content checks, the watch window, and what counts as movement.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkBeforeInit, movement, watchWindowMs } from "../../src/disk/init-check.ts";
import type { Header } from "../../src/disk/header.ts";
import type { BlockResult } from "../../src/disk/result.ts";
import type { AreaSnapshot } from "../../src/disk/snapshot.ts";
import { CLUSTER_ID, TIMERS, sampleMailbox, sampleSlot } from "./helpers.ts";

const EMPTY = { kind: "empty", detail: "all zero" } as const;
const HEADER: BlockResult<Header> = { kind: "ok", value: { version: 1, blockSize: 4096, slotCount: 2, clusterId: CLUSTER_ID, timers: TIMERS, createdAt: 1 } };

function snap(over: Partial<AreaSnapshot> = {}): AreaSnapshot {
  return { device: "/dev/sdz", offset: 0, mode: "direct", header: HEADER, slots: [EMPTY, EMPTY], mailboxes: [EMPTY, EMPTY], ...over };
}
const ok = <T>(value: T) => ({ kind: "ok" as const, value });

test("watchWindowMs: two keepalives plus margin, at least deadtime, the larger of header and config", () => {
  const rows: [number, number, number | undefined, number | undefined, number][] = [
    // keepalive, deadtime (config); keepalive, deadtime (header); window
    [200, 5000, undefined, undefined, 5000],
    [3000, 5000, undefined, undefined, 7000],
    [200, 5000, 1000, 8000, 8000],
    [200, 5000, 5000, 6000, 11000],
  ];
  for (const [k, d, hk, hd, want] of rows) {
    const header = hk === undefined || hd === undefined ? undefined : { ...(HEADER.kind === "ok" ? HEADER.value : ({} as Header)), timers: { ...TIMERS, keepaliveMs: hk, deadtimeMs: hd } };
    assert.is(watchWindowMs({ ...TIMERS, keepaliveMs: k, deadtimeMs: d }, header), want, `${k}/${d} ${hk}/${hd}`);
  }
});

test("movement: any change of a slot or mailbox counts, written-at alone included; the same blocks do not", () => {
  const a = snap({ slots: [ok(sampleSlot({ seq: 5, writtenAt: 1 })), EMPTY] });
  const rows: [string, AreaSnapshot, string | undefined][] = [
    ["unchanged", a, undefined],
    ["seq up", snap({ slots: [ok(sampleSlot({ seq: 6, writtenAt: 1 })), EMPTY] }), "slot 0's heartbeat changed within 1.5 s (from node node-a incarnation 1700000000000 seq 5 to node node-a incarnation 1700000000000 seq 6): a node is writing to this area"],
    ["only written-at moved", snap({ slots: [ok(sampleSlot({ seq: 5, writtenAt: 2 })), EMPTY] }), "slot 0's heartbeat changed within 1.5 s (from node node-a incarnation 1700000000000 seq 5 to node node-a incarnation 1700000000000 seq 5)"],
    ["new lower incarnation (clock stepped back)", snap({ slots: [ok(sampleSlot({ incarnation: 5, seq: 1, writtenAt: 1 })), EMPTY] }), "slot 0's heartbeat changed"],
    ["peer slot appears", snap({ slots: [a.slots[0] as BlockResult<never>, ok(sampleSlot({ node: "node-b" }))] }), "slot 1's heartbeat changed within 1.5 s (from empty to node node-b"],
    ["slot wiped", snap({ slots: [EMPTY, EMPTY] }), "slot 0's heartbeat changed"],
    ["pill written", snap({ slots: a.slots, mailboxes: [EMPTY, ok(sampleMailbox())] }), "slot 1's mailbox changed within 1.5 s (from empty to reset from node-b seq 7): a node is fencing through this area"],
    ["header rewritten", snap({ slots: a.slots, header: EMPTY }), "the header changed"],
  ];
  for (const [name, b, want] of rows) {
    const got = movement(a, b, 1500);
    if (want === undefined) assert.is(got, undefined, name);
    else assert.match(String(got), want, name);
  }
});

test("checkBeforeInit: a pending reset or off pill needs --force; a test message or a cleared mailbox does not; clocks are never read", () => {
  for (const type of ["reset", "off"] as const) {
    const c = checkBeforeInit(snap({ slots: [EMPTY, ok(sampleSlot({ node: "node-b" }))], mailboxes: [EMPTY, ok(sampleMailbox({ type, sender: "node-a" }))] }), CLUSTER_ID);
    assert.is(c.found, "own-cluster");
    assert.match(String(c.refusal), `slot 1's mailbox holds a pending ${type} pill from node-a`);
    assert.match(String(c.refusal), "a fence of node node-b may be in progress");
  }
  for (const type of ["test", "none"] as const) {
    assert.equal(checkBeforeInit(snap({ mailboxes: [ok(sampleMailbox({ type })), EMPTY] }), CLUSTER_ID), { found: "own-cluster", refusal: undefined }, type);
  }
  assert.equal(checkBeforeInit(snap({ slots: [ok(sampleSlot({ writtenAt: Date.now() })), EMPTY] }), CLUSTER_ID), { found: "own-cluster", refusal: undefined }, "a slot written just now is no refusal by itself");
  assert.equal(checkBeforeInit(snap({ header: EMPTY }), CLUSTER_ID), { found: "blank", refusal: undefined });
});

test.run();
