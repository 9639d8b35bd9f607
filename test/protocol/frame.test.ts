import { test } from "uvu";
import * as assert from "uvu/assert";
import { MESSAGE_TYPES, ROLES } from "../../src/core/types.ts";
import { decodeFrame } from "../../src/protocol/decode.ts";
import type { Frame } from "../../src/protocol/frame.ts";
import { MAGIC, MAX_FRAME_BYTES, MAX_PAYLOAD, PROTOCOL_VERSION, encodeFrame } from "../../src/protocol/frame.ts";
import { MIN_FRAME_BYTES } from "../../src/protocol/layout.ts";
import { KEY, OPTS, sampleFrame } from "./helpers.ts";

function roundTrip(frame: Frame): Frame {
  const result = decodeFrame(encodeFrame(frame, KEY), OPTS);
  if (result.kind !== "ok") throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.frame;
}

test("a frame encoded then decoded comes back equal", () => {
  const frame = sampleFrame();
  assert.equal(roundTrip(frame), frame);
});

test("every message type and role survives a round trip, with and without payload", () => {
  for (const type of MESSAGE_TYPES) {
    for (const role of ROLES) {
      for (const payload of [new Uint8Array(0), new Uint8Array([0, 255, 7])]) {
        const frame = sampleFrame({ type, role, payload });
        assert.equal(roundTrip(frame), frame, `${type}/${role}/${payload.length}`);
      }
    }
  }
});

test("a frame with the longest name and payload is MAX_FRAME_BYTES long and round-trips", () => {
  const payload = new Uint8Array(MAX_PAYLOAD).map((_, i) => i * 7);
  const frame = sampleFrame({ node: "n".repeat(32), payload });
  assert.is(encodeFrame(frame, KEY).length, MAX_FRAME_BYTES);
  assert.equal(roundTrip(frame), frame);
});

test("a frame with a one-character name and no payload is MIN_FRAME_BYTES long", () => {
  assert.is(encodeFrame(sampleFrame({ node: "a", payload: new Uint8Array(0) }), KEY).length, MIN_FRAME_BYTES);
});

test("extreme field values round-trip: u64 at MAX_SAFE_INTEGER, u32 and u8 at their maximum", () => {
  const max = Number.MAX_SAFE_INTEGER;
  const frame = sampleFrame({ incarnation: max, seq: max, peerIncarnation: max, flags: 255 });
  assert.equal(roundTrip(frame), frame);
  const zeros = sampleFrame({ incarnation: 0, seq: 0, peerIncarnation: 0 });
  assert.equal(roundTrip(zeros), zeros);
  const wide = sampleFrame({ clusterId: 0xffff_ffff });
  const result = decodeFrame(encodeFrame(wide, KEY), { key: KEY, clusterId: 0xffff_ffff });
  assert.equal(result, { kind: "ok", frame: wide });
});

test("every name character class is allowed", () => {
  const frame = sampleFrame({ node: "Az09_.-" });
  assert.equal(roundTrip(frame), frame);
});

test("the header starts with magic CGHB and version 1, fields big-endian", () => {
  const bytes = encodeFrame(sampleFrame({ seq: 0x0102, type: "fence-ack", role: "STANDBY", flags: 9 }), KEY);
  assert.equal([...bytes.subarray(0, 4)], [...MAGIC]);
  assert.is(new TextDecoder().decode(bytes.subarray(0, 4)), "CGHB");
  assert.is(bytes[4], PROTOCOL_VERSION);
  assert.is(bytes[5], MESSAGE_TYPES.indexOf("fence-ack"));
  assert.is(bytes[6], ROLES.indexOf("STANDBY"));
  assert.is(bytes[7], 9);
  assert.equal([...bytes.subarray(20, 28)], [0, 0, 0, 0, 0, 0, 1, 2]);
});

test("a decoded payload does not alias the received buffer", () => {
  const bytes = encodeFrame(sampleFrame(), KEY);
  const result = decodeFrame(bytes, OPTS);
  if (result.kind !== "ok") throw new Error("expected ok");
  bytes.fill(0);
  assert.equal([...result.frame.payload], [1, 2, 3]);
});

function throwsRange(frame: Frame, pattern: RegExp, key: Uint8Array = KEY): void {
  try {
    encodeFrame(frame, key);
  } catch (error) {
    assert.instance(error, RangeError);
    assert.match((error as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected RangeError matching ${pattern}`);
}

test("encode rejects a name longer than 32 characters, saying what was expected and what arrived", () => {
  throwsRange(sampleFrame({ node: "n".repeat(33) }), /node name: expected 1\.\.32 characters, got 33/);
});

test("encode rejects an empty name", () => {
  throwsRange(sampleFrame({ node: "" }), /node name: expected 1\.\.32 characters, got 0/);
});

test("encode rejects names with characters outside [A-Za-z0-9_.-], including non-ASCII", () => {
  for (const node of ["node a", "node/a", "nöde", "a\u0000b", "ä"]) {
    throwsRange(sampleFrame({ node }), /node name: expected only \[A-Za-z0-9_\.-\]/);
  }
});

test("encode rejects a payload over 1024 bytes", () => {
  throwsRange(sampleFrame({ payload: new Uint8Array(1025) }), /payload: expected at most 1024 bytes, got 1025/);
});

test("encode rejects u64 values above Number.MAX_SAFE_INTEGER, negative or fractional", () => {
  throwsRange(sampleFrame({ seq: Number.MAX_SAFE_INTEGER + 1 }), /seq: expected an integer 0\.\.9007199254740991/);
  throwsRange(sampleFrame({ incarnation: -1 }), /incarnation: expected/);
  throwsRange(sampleFrame({ peerIncarnation: 1.5 }), /peerIncarnation: expected/);
});

test("encode rejects out-of-range flags and cluster id, unknown type and role, and an empty key", () => {
  throwsRange(sampleFrame({ flags: 256 }), /flags: expected an integer 0\.\.255, got 256/);
  throwsRange(sampleFrame({ clusterId: 2 ** 32 }), /clusterId: expected an integer 0\.\.4294967295/);
  throwsRange(sampleFrame({ type: "hello" as never }), /type: expected one of heartbeat, .*got "hello"/);
  throwsRange(sampleFrame({ role: "LEADER" as never }), /role: expected one of BOOTING, .*got "LEADER"/);
  throwsRange(sampleFrame(), /key: expected a non-empty Uint8Array, got 0 bytes/, new Uint8Array(0));
});

test.run();
