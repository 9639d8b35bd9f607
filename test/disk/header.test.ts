import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeHeader, encodeHeader, makeHeader, appliedTimeoutProblem } from "../../src/disk/header.ts";
import { BLOCK_SIZE } from "../../src/disk/block.ts";
import { AUTH, CLUSTER_ID, KEY, OTHER_KEY, TIMERS, resign } from "./helpers.ts";

const header = makeHeader(CLUSTER_ID, TIMERS, 1_700_000_000_000);
const kind = (bytes: Uint8Array): string => decodeHeader(bytes, AUTH).kind;
const detail = (bytes: Uint8Array): string => {
  const r = decodeHeader(bytes, AUTH);
  return r.kind === "ok" ? "ok" : r.detail;
};

test("a header round-trips through one 4096-byte block", () => {
  const bytes = encodeHeader(header, KEY);
  assert.is(bytes.length, BLOCK_SIZE);
  assert.equal(new TextDecoder().decode(bytes.subarray(0, 8)), "CGDISK01");
  assert.equal(decodeHeader(bytes, AUTH), { kind: "ok", value: header });
});

test("a header decodes from a view at a non-zero byte offset", () => {
  const big = new Uint8Array(BLOCK_SIZE * 2);
  big.set(encodeHeader(header, KEY), 100);
  assert.is(decodeHeader(big.subarray(100, 100 + BLOCK_SIZE), AUTH).kind, "ok");
});

test("an all-zero block is empty", () => {
  assert.is(kind(new Uint8Array(BLOCK_SIZE)), "empty");
});

test("another magic is bad-magic and the detail shows what arrived", () => {
  const bytes = encodeHeader(header, KEY);
  bytes.set(new TextEncoder().encode("EFI PART"), 0);
  assert.is(kind(bytes), "bad-magic");
  assert.match(detail(bytes), /expected magic "CGDISK01", got 45 46 49 .* \("EFI PART"\)/);
});

test("a block proven authentic once is still checked against the key it is read with, and a changed byte is hashed again", () => {
  const bytes = encodeHeader(header, KEY);
  assert.is(kind(bytes), "ok");
  assert.is(kind(bytes.slice()), "ok", "the same bytes again, in another buffer");
  assert.is(
    decodeHeader(bytes, { ...AUTH, key: OTHER_KEY }).kind,
    "bad-auth",
    "proven under KEY, read with another key",
  );
  const key = KEY.slice();
  assert.is(decodeHeader(bytes, { ...AUTH, key }).kind, "ok");
  key[0] = (key[0] ?? 0) ^ 1;
  assert.is(decodeHeader(bytes, { ...AUTH, key }).kind, "bad-auth", "the key's bytes changed in place");
  const flipped = bytes.slice();
  flipped[200] = (flipped[200] ?? 0) ^ 1;
  assert.is(kind(flipped), "bad-auth", "one flipped byte in a block identical but for it");
  for (let i = 1; i <= 20; i++)
    assert.is(kind(encodeHeader(makeHeader(CLUSTER_ID, TIMERS, 1_700_000_000_000 + i), KEY)), "ok");
  assert.is(kind(bytes), "ok", "pushed out of the memo by newer blocks: hashed again");
});

test("a header from another cluster is foreign-cluster, whatever its key", () => {
  const other = encodeHeader(makeHeader(0x1234_5678, TIMERS, 1), OTHER_KEY);
  const r = decodeHeader(other, AUTH);
  assert.is(r.kind, "foreign-cluster");
  if (r.kind === "foreign-cluster") assert.is(r.clusterId, 0x1234_5678);
  assert.match(detail(other), /expected cluster id 0x[0-9a-f]{8}, got 0x12345678/);
});

test("a header signed with another key, or with any flipped bit, is bad-auth", () => {
  assert.is(kind(encodeHeader(header, OTHER_KEY)), "bad-auth");
  for (const at of [20, 37, 100, 4000, 4063, 4064, 4095]) {
    const bytes = encodeHeader(header, KEY);
    bytes[at] = (bytes[at] ?? 0) ^ 0x01;
    assert.is(kind(bytes), "bad-auth", `bit flipped at byte ${at}`);
  }
  assert.is(
    decodeHeader(encodeHeader(header, KEY), { key: new Uint8Array(0), clusterId: CLUSTER_ID }).kind,
    "bad-auth",
  );
});

test("wrong sizes, layout versions, block sizes, slot counts and timers are malformed", () => {
  assert.match(detail(new Uint8Array(512)), /expected 4096 bytes, got 512/);
  const edit = (_at: number, write: (v: DataView) => void, sign = true): Uint8Array => {
    const bytes = encodeHeader(header, KEY);
    write(new DataView(bytes.buffer));
    return sign ? resign(bytes) : bytes;
  };
  assert.match(detail(edit(8, (v) => v.setUint16(8, 2))), /expected layout version 1, got 2/);
  assert.match(detail(edit(10, (v) => v.setUint32(10, 512))), /expected block size 4096, got 512/);
  assert.match(detail(edit(14, (v) => v.setUint16(14, 3))), /expected 2 slots, got 3/);
  assert.match(
    detail(edit(20, (v) => v.setUint32(20, 0))),
    /keepaliveMs: expected an integer 1\.\.4294967295 ms, got 0/,
  );
  assert.match(
    detail(edit(20, (v) => v.setUint32(20, 9000))),
    /keepaliveMs: expected less than deadtimeMs \(5000\), got 9000/,
  );
  assert.match(detail(edit(36, (v) => v.setBigUint64(36, 2n ** 60n))), /created-at: expected at most 9007199254740991/);
  assert.is(
    kind(edit(20, (v) => v.setUint32(20, 9000), false)),
    "bad-auth",
    "field edits without re-signing are bad-auth",
  );
});

test("msgwait below 2 x the watchdog timeout is refused at encode and rejected at decode (SBD's rule, as the config's)", () => {
  assert.throws(
    () => encodeHeader({ ...header, timers: { ...TIMERS, msgwaitMs: 9999 } }, KEY),
    /msgwaitMs: expected at least 2 x watchdogTimeoutMs \(2 x 5000 = 10000\), got 9999/,
  );
  assert.is(
    encodeHeader({ ...header, timers: { ...TIMERS, msgwaitMs: 10000 } }, KEY).length,
    BLOCK_SIZE,
    "exactly 2 x is enough",
  );
  const bytes = encodeHeader(header, KEY);
  new DataView(bytes.buffer).setUint32(28, 9999);
  assert.match(detail(resign(bytes)), /header: timers\.msgwaitMs: expected at least 2 x watchdogTimeoutMs .*got 9999/);
});

test("a watchdog backs a pill only when 2 x its applied timeout fits the header's msgwait", () => {
  assert.is(appliedTimeoutProblem(5, 10000), undefined);
  assert.is(appliedTimeoutProblem(1, 2000), undefined);
  assert.match(
    String(appliedTimeoutProblem(6, 10000)),
    /applied a 6 s timeout: expected at most msgwait \/ 2 \(5 s for the disk header's msgwait of 10000 ms\)/,
  );
});

test("encodeHeader refuses invalid fields, naming them", () => {
  assert.throws(() => encodeHeader({ ...header, clusterId: -1 }, KEY), /clusterId: expected a u32, got -1/);
  assert.throws(
    () => encodeHeader({ ...header, timers: { ...TIMERS, msgwaitMs: 10 } }, KEY),
    /msgwaitMs: expected at least 2 x watchdogTimeoutMs \(2 x 5000 = 10000\), got 10/,
  );
  assert.throws(() => encodeHeader({ ...header, createdAt: 1.5 }, KEY), /createdAt/);
  assert.throws(() => encodeHeader(header, new Uint8Array(0)), /key: expected a non-empty Uint8Array/);
});

test.run();
