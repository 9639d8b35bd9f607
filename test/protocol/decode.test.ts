import { test } from "uvu";
import * as assert from "uvu/assert";
import { MESSAGE_TYPES, ROLES } from "../../src/core/types.ts";
import { decodeFrame } from "../../src/protocol/decode.ts";
import type { DecodeResult } from "../../src/protocol/decode.ts";
import { encodeFrame } from "../../src/protocol/frame.ts";
import { OFFSET } from "../../src/protocol/layout.ts";
import { CLUSTER_ID, KEY, OPTS, resign, sampleFrame } from "./helpers.ts";

const valid = (): Uint8Array => encodeFrame(sampleFrame(), KEY);

function expectMalformed(result: DecodeResult, pattern: RegExp): void {
  if (result.kind !== "malformed") throw new Error(`expected malformed, got ${JSON.stringify(result)}`);
  assert.match(result.reason, pattern);
}

test("empty and too-short input is malformed, saying the minimum size", () => {
  expectMalformed(decodeFrame(new Uint8Array(0), OPTS), /too short: expected at least 72 bytes, got 0/);
  expectMalformed(decodeFrame(valid().subarray(0, 4), OPTS), /too short: expected at least 72 bytes, got 4/);
  expectMalformed(decodeFrame(valid().subarray(0, 40), OPTS), /too short: expected at least 72 bytes, got 40/);
});

test("bad magic is malformed, showing the expected and received bytes", () => {
  const bytes = valid();
  bytes[0] = 0x58;
  expectMalformed(decodeFrame(bytes, OPTS), /bad magic: expected 43 47 48 42 \("CGHB"\), got 58 47 48 42/);
});

test("a truncated frame is malformed", () => {
  const bytes = valid();
  expectMalformed(
    decodeFrame(bytes.subarray(0, bytes.length - 1), OPTS),
    /truncated: header announces 80 bytes, got 79/,
  );
});

test("trailing bytes after the MAC are malformed", () => {
  const bytes = valid();
  const longer = new Uint8Array(bytes.length + 3);
  longer.set(bytes);
  expectMalformed(decodeFrame(longer, OPTS), /trailing bytes: header announces 80 bytes, got 83/);
});

test("input longer than any frame is malformed", () => {
  expectMalformed(decodeFrame(new Uint8Array(5000).fill(0x43), OPTS), /bad magic/);
  const huge = new Uint8Array(5000);
  huge.set(valid());
  expectMalformed(decodeFrame(huge, OPTS), /too long: expected at most 1127 bytes, got 5000/);
});

test("an out-of-range name or payload length is malformed", () => {
  const zeroName = valid();
  zeroName[OFFSET.nameLength] = 0;
  expectMalformed(decodeFrame(zeroName, OPTS), /node name length: expected 1\.\.32, got 0/);
  const longName = valid();
  longName[OFFSET.nameLength] = 33;
  expectMalformed(decodeFrame(longName, OPTS), /node name length: expected 1\.\.32, got 33/);
  const bigPayload = valid();
  const payloadLengthAt = OFFSET.name + "node-a".length;
  bigPayload[payloadLengthAt] = 0x04;
  bigPayload[payloadLengthAt + 1] = 0x01;
  expectMalformed(decodeFrame(bigPayload, OPTS), /payload length: expected 0\.\.1024, got 1025/);
});

test("an authenticated frame with an unknown type index is malformed", () => {
  const bytes = valid();
  bytes[OFFSET.type] = MESSAGE_TYPES.length;
  expectMalformed(
    decodeFrame(resign(bytes), OPTS),
    new RegExp(`type: expected index 0\\.\\.${MESSAGE_TYPES.length - 1}, got ${MESSAGE_TYPES.length}`),
  );
});

test("an authenticated frame with an unknown role index is malformed", () => {
  const bytes = valid();
  bytes[OFFSET.role] = 200;
  expectMalformed(
    decodeFrame(resign(bytes), OPTS),
    new RegExp(`role: expected index 0\\.\\.${ROLES.length - 1}, got 200`),
  );
});

test("an authenticated frame with a bad character in the node name is malformed", () => {
  for (const bad of [0x20, 0x2f, 0x00, 0xc3, 0x7f]) {
    const bytes = valid();
    bytes[OFFSET.name + 2] = bad;
    expectMalformed(decodeFrame(resign(bytes), OPTS), /node name: expected only \[A-Za-z0-9_\.-\], got bytes/);
  }
});

test("an authenticated frame with a u64 above Number.MAX_SAFE_INTEGER is malformed", () => {
  for (const field of ["incarnation", "seq", "peerIncarnation"] as const) {
    const bytes = valid();
    new DataView(bytes.buffer).setBigUint64(OFFSET[field], 2n ** 53n);
    const pattern = new RegExp(`^${field}: expected at most 9007199254740991 .*got 9007199254740992$`);
    expectMalformed(decodeFrame(resign(bytes), OPTS), pattern);
  }
});

test("a version other than 1 is unsupported-version, whatever follows it", () => {
  const bytes = valid();
  bytes[OFFSET.version] = 2;
  assert.equal(decodeFrame(bytes, OPTS), { kind: "unsupported-version", version: 2 });
  // A future version may have another layout: a short v2 frame is still classified by version.
  assert.equal(decodeFrame(bytes.subarray(0, 5), OPTS), { kind: "unsupported-version", version: 2 });
  bytes[OFFSET.version] = 0;
  assert.equal(decodeFrame(bytes, OPTS), { kind: "unsupported-version", version: 0 });
});

test("a frame for another cluster id is foreign-cluster, naming that id", () => {
  const bytes = encodeFrame(sampleFrame({ clusterId: 12345 }), KEY);
  assert.equal(decodeFrame(bytes, OPTS), { kind: "foreign-cluster", clusterId: 12345 });
});

test("a frame signed with another key is bad-auth", () => {
  const other = new TextEncoder().encode("another key");
  assert.equal(decodeFrame(encodeFrame(sampleFrame(), other), OPTS), { kind: "bad-auth" });
});

test("one flipped bit anywhere after the version byte is bad-auth or an earlier rejection, never ok", () => {
  const original = valid();
  const macAt = original.length - 32;
  for (let bit = (OFFSET.version + 1) * 8; bit < original.length * 8; bit++) {
    const bytes = original.slice();
    bytes[bit >> 3] = (bytes[bit >> 3] as number) ^ (1 << (bit & 7));
    const result = decodeFrame(bytes, OPTS);
    const at = bit >> 3;
    const isClusterId = at >= OFFSET.clusterId && at < OFFSET.clusterId + 4;
    const isLength = at === OFFSET.nameLength || at === OFFSET.name + 6 || at === OFFSET.name + 7;
    if (isClusterId) assert.is(result.kind, "foreign-cluster", `bit ${bit}`);
    else if (isLength) assert.is(result.kind, "malformed", `bit ${bit}`);
    else assert.equal(result, { kind: "bad-auth" }, `bit ${bit} (byte ${at}, MAC at ${macAt})`);
  }
});

test("an empty key never authenticates anything", () => {
  assert.equal(decodeFrame(valid(), { key: new Uint8Array(0), clusterId: CLUSTER_ID }), { kind: "bad-auth" });
});

test("decoding works on a frame that sits at an offset inside a larger buffer", () => {
  const bytes = valid();
  const big = new Uint8Array(bytes.length + 11);
  big.set(bytes, 7);
  assert.equal(decodeFrame(big.subarray(7, 7 + bytes.length), OPTS), { kind: "ok", frame: sampleFrame() });
});

test("non-byte input from untyped callers is malformed, not a throw", () => {
  for (const junk of [undefined, null, "CGHB", 42, {}, [1, 2, 3]]) {
    assert.is(decodeFrame(junk as never, OPTS).kind, "malformed");
  }
  assert.is(decodeFrame(valid(), undefined as never).kind, "malformed");
  assert.equal(decodeFrame(valid(), { clusterId: CLUSTER_ID, key: "secret" as never }), { kind: "bad-auth" });
});

test.run();
