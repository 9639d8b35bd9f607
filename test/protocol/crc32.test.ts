import { test } from "uvu";
import * as assert from "uvu/assert";
import { crc32 } from "../../src/protocol/crc32.ts";

test('the CRC-32 of "123456789" is 0xCBF43926', () => {
  assert.is(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
});

test("the CRC-32 of nothing is 0 and of other known inputs matches zlib", () => {
  assert.is(crc32(new Uint8Array(0)), 0);
  assert.is(crc32(new TextEncoder().encode("The quick brown fox jumps over the lazy dog")), 0x414fa339);
  assert.is(crc32(new Uint8Array(32)), 0x190a55ad);
});

test("the CRC-32 is unsigned", () => {
  assert.ok(crc32(new Uint8Array([0xff, 0xff, 0xff, 0xff])) >= 0);
});

test.run();
