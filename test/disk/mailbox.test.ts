import { test } from "uvu";
import * as assert from "uvu/assert";
import { BLOCK_SIZE } from "../../src/disk/layout.ts";
import { MAILBOX_TYPES, decodeMailbox, encodeMailbox } from "../../src/disk/mailbox.ts";
import { encodeSlot } from "../../src/disk/slot.ts";
import { AUTH, CLUSTER_ID, OTHER_KEY, resign, sampleMailbox, sampleSlot } from "./helpers.ts";

const detail = (bytes: Uint8Array, slot = 1): string => {
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
  assert.match(detail(encodeSlot(sampleSlot(), 1, AUTH)), /^bad-magic: slot 1 mailbox: expected magic "CGMBOX01"/);
  assert.match(detail(encodeMailbox(sampleMailbox(), 1, { key: OTHER_KEY, clusterId: 7 })), /^foreign-cluster: .*got 0x00000007/);
  assert.match(detail(encodeMailbox(sampleMailbox(), 1, { key: OTHER_KEY, clusterId: CLUSTER_ID })), /^bad-auth: slot 1 mailbox/);
  assert.match(detail(encodeMailbox(sampleMailbox(), 0, AUTH)), /^malformed: slot 1 mailbox: expected slot index 1, got 0/);
  const bytes = encodeMailbox(sampleMailbox(), 1, AUTH);
  bytes[13] = 4;
  assert.match(detail(resign(bytes)), /^malformed: slot 1 mailbox: message type: expected 0\.\.3, got 4/);
  const badSender = encodeMailbox(sampleMailbox(), 1, AUTH);
  badSender[15] = 0xff;
  assert.match(detail(resign(badSender)), /sender name: expected only/);
});

test("encodeMailbox refuses invalid fields, naming them", () => {
  assert.throws(() => encodeMailbox(sampleMailbox({ type: "kill" as never }), 1, AUTH), /type: expected one of none, reset, off, test, got kill/);
  assert.throws(() => encodeMailbox(sampleMailbox({ sender: "x".repeat(33) }), 1, AUTH), /sender: node name: expected 1\.\.32 characters, got 33/);
  assert.throws(() => encodeMailbox(sampleMailbox({ writtenAt: 2 ** 53 }), 1, AUTH), /writtenAt: expected an integer/);
});

test.run();
