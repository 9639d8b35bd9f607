// The slot's two records, heartbeat and mailbox: round trips, and every rejection saying what was expected.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ROLES } from "../../src/core/types.ts";
import { BLOCK_SIZE } from "../../src/disk/block.ts";
import {
  encodeMailbox,
  decodeSlot,
  encodeSlot,
  type HeartbeatSlot,
  MAILBOX_TYPES,
  decodeMailbox,
} from "../../src/disk/slot.ts";
import { AUTH, CLUSTER_ID, OTHER_KEY, resign, sampleMailbox, sampleSlot } from "./helpers.ts";

const detail = (bytes: Uint8Array, slot = 0): string => {
  const r = decodeSlot(bytes, slot, AUTH);
  return r.kind === "ok" ? "ok" : `${r.kind}: ${r.detail}`;
};
const edited = (write: (bytes: Uint8Array, view: DataView) => void): Uint8Array => {
  const bytes = encodeSlot(sampleSlot(), 0, AUTH);
  write(bytes, new DataView(bytes.buffer));
  return resign(bytes);
};

test("a heartbeat slot round-trips for every role, both slots and extreme values", () => {
  for (const role of ROLES) {
    for (const slot of [0, 1]) {
      const s = sampleSlot({ role, incarnation: Number.MAX_SAFE_INTEGER, seq: 0, node: "n".repeat(32) });
      const bytes = encodeSlot(s, slot, AUTH);
      assert.is(bytes.length, BLOCK_SIZE);
      assert.equal(decodeSlot(bytes, slot, AUTH), { kind: "ok", value: s });
    }
  }
});

test("a slot written before the writer mark (zeros there) reads writer 0; a mark above 2^53 is refused", () => {
  const old = edited((_, v) => v.setBigUint64(80, 0n));
  const r = decodeSlot(old, 0, AUTH);
  assert.is(r.kind, "ok");
  if (r.kind === "ok") assert.is(r.value.writer, 0);
  assert.is(
    (decodeSlot(encodeSlot(sampleSlot({ writer: 5 }), 0, AUTH), 0, AUTH) as { value: { writer: number } }).value.writer,
    5,
  );
  assert.throws(() => encodeSlot(sampleSlot({ writer: 2 ** 53 }), 0, AUTH), /writer: expected an integer/);
});

test("a slot carries the writer's armed watchdog and its own priority; 0 and absent read as not known (row 18.1, 18.3)", () => {
  const round = (o: Partial<HeartbeatSlot>) => {
    const r = decodeSlot(encodeSlot(sampleSlot(o), 0, AUTH), 0, AUTH);
    assert.is(r.kind, "ok");
    return (r as { value: HeartbeatSlot }).value;
  };
  assert.is(round({ watchdogMs: 5000 }).watchdogMs, 5000);
  assert.is(round({ watchdogMs: 0 }).watchdogMs, undefined, "none armed reads as absent");
  assert.is(round({ priority: 0 }).priority, 0, "priority 0 is a priority, not 'unknown'");
  assert.is(round({ priority: 1000 }).priority, 1000);
  assert.is(round({}).priority, undefined, "a slot from before the field says nothing");
  assert.throws(() => encodeSlot(sampleSlot({ watchdogMs: -1 }), 0, AUTH), /watchdogMs: expected an integer/);
});

test("an all-zero slot is empty", () => {
  assert.is(decodeSlot(new Uint8Array(BLOCK_SIZE), 1, AUTH).kind, "empty");
});

test("a mailbox block read as a heartbeat slot is bad-magic", () => {
  assert.match(
    detail(encodeMailbox(sampleMailbox(), 0, AUTH)),
    /^bad-magic: slot 0 heartbeat: expected magic "CGSLOT01", got .*\("CGMBOX01"\)/,
  );
});

test("a slot from another cluster is foreign-cluster", () => {
  const bytes = encodeSlot(sampleSlot(), 0, { key: OTHER_KEY, clusterId: CLUSTER_ID ^ 1 });
  assert.match(detail(bytes), /^foreign-cluster: slot 0 heartbeat: expected cluster id/);
});

test("a slot with another key or a flipped bit is bad-auth", () => {
  assert.match(
    detail(encodeSlot(sampleSlot(), 0, { key: OTHER_KEY, clusterId: CLUSTER_ID })),
    /^bad-auth: slot 0 heartbeat: the HMAC does not match/,
  );
  const bytes = encodeSlot(sampleSlot(), 0, AUTH);
  bytes[60] = (bytes[60] ?? 0) ^ 0x80;
  assert.is(decodeSlot(bytes, 0, AUTH).kind, "bad-auth");
});

test("a slot read from the other slot's place is malformed, saying which index it carries", () => {
  assert.match(
    detail(encodeSlot(sampleSlot(), 1, AUTH), 0),
    /^malformed: slot 0 heartbeat: expected slot index 0, got 1/,
  );
});

test("authentic slots with out-of-range fields are malformed, naming the field", () => {
  assert.match(detail(edited((b) => (b[13] = ROLES.length))), /role: expected index 0\.\.4, got 5/);
  assert.match(detail(edited((b) => (b[14] = 0))), /node name length: expected 1\.\.32, got 0/);
  assert.match(detail(edited((b) => (b[14] = 33))), /node name length: expected 1\.\.32, got 33/);
  assert.match(detail(edited((b) => (b[15] = 0x20))), /node name: expected only \[A-Za-z0-9_.-\]/);
  assert.match(detail(edited((b) => (b[40] = 0x41))), /expected zero padding after 6 name bytes/);
  assert.match(
    detail(edited((_, v) => v.setBigUint64(56, 2n ** 63n))),
    /seq: expected at most 9007199254740991, got 9223372036854775808/,
  );
  assert.match(detail(new Uint8Array(4095)), /^malformed: slot 0 heartbeat: expected 4096 bytes, got 4095/);
});

test("encodeSlot refuses invalid fields, naming them", () => {
  assert.throws(
    () => encodeSlot(sampleSlot({ node: "" }), 0, AUTH),
    /encodeSlot: node: node name: expected 1\.\.32 characters, got 0/,
  );
  assert.throws(() => encodeSlot(sampleSlot({ node: "a b" }), 0, AUTH), /expected only \[A-Za-z0-9_.-\], got "a b"/);
  assert.throws(
    () => encodeSlot(sampleSlot({ seq: -1 }), 0, AUTH),
    /seq: expected an integer 0\.\.9007199254740991, got -1/,
  );
  assert.throws(
    () => encodeSlot(sampleSlot({ role: "LEADER" as never }), 0, AUTH),
    /role: expected one of BOOTING, STANDBY, ACTIVE, FENCING, STOPPED, got LEADER/,
  );
  assert.throws(() => encodeSlot(sampleSlot(), 2, AUTH), /slot: expected an integer 0\.\.1, got 2/);
  assert.throws(
    () => encodeSlot(sampleSlot(), 0, { key: new Uint8Array(0), clusterId: 1 }),
    /key: expected a non-empty Uint8Array/,
  );
});

const mailboxDetail = (bytes: Uint8Array, slot = 1): string => {
  const r = decodeMailbox(bytes, slot, AUTH);
  return r.kind === "ok" ? "ok" : `${r.kind}: ${r.detail}`;
};

test("a mailbox message round-trips for every message type", () => {
  for (const type of MAILBOX_TYPES) {
    const m = sampleMailbox({ type });
    const bytes = encodeMailbox(m, 1, AUTH);
    assert.is(bytes.length, BLOCK_SIZE);
    assert.equal(new TextDecoder().decode(bytes.subarray(0, 8)), "CGMBOX01");
    assert.is(bytes[13], MAILBOX_TYPES.indexOf(type), `${type} is stored as ${MAILBOX_TYPES.indexOf(type)}`);
    assert.equal(decodeMailbox(bytes, 1, AUTH), { kind: "ok", value: m });
  }
});

test("an all-zero mailbox is empty (nothing was ever sent)", () => {
  assert.is(decodeMailbox(new Uint8Array(BLOCK_SIZE), 0, AUTH).kind, "empty");
});

test("every rejection kind of a mailbox says what was expected", () => {
  assert.match(
    mailboxDetail(encodeSlot(sampleSlot(), 1, AUTH)),
    /^bad-magic: slot 1 mailbox: expected magic "CGMBOX01"/,
  );
  assert.match(
    mailboxDetail(encodeMailbox(sampleMailbox(), 1, { key: OTHER_KEY, clusterId: 7 })),
    /^foreign-cluster: .*got 0x00000007/,
  );
  assert.match(
    mailboxDetail(encodeMailbox(sampleMailbox(), 1, { key: OTHER_KEY, clusterId: CLUSTER_ID })),
    /^bad-auth: slot 1 mailbox/,
  );
  assert.match(
    mailboxDetail(encodeMailbox(sampleMailbox(), 0, AUTH)),
    /^malformed: slot 1 mailbox: expected slot index 1, got 0/,
  );
  const bytes = encodeMailbox(sampleMailbox(), 1, AUTH);
  bytes[13] = 4;
  assert.match(mailboxDetail(resign(bytes)), /^malformed: slot 1 mailbox: message type: expected 0\.\.3, got 4/);
  const badSender = encodeMailbox(sampleMailbox(), 1, AUTH);
  badSender[15] = 0xff;
  assert.match(mailboxDetail(resign(badSender)), /sender name: expected only/);
});

test("encodeMailbox refuses invalid fields, naming them", () => {
  assert.throws(
    () => encodeMailbox(sampleMailbox({ type: "kill" as never }), 1, AUTH),
    /type: expected one of none, reset, off, test, got kill/,
  );
  assert.throws(
    () => encodeMailbox(sampleMailbox({ sender: "x".repeat(33) }), 1, AUTH),
    /sender: node name: expected 1\.\.32 characters, got 33/,
  );
  assert.throws(() => encodeMailbox(sampleMailbox({ writtenAt: 2 ** 53 }), 1, AUTH), /writtenAt: expected an integer/);
});

test.run();
