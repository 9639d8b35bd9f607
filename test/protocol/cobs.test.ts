import { test } from "uvu";
import * as assert from "uvu/assert";
import { cobsDecode, cobsEncode, cobsMaxEncodedLength } from "../../src/protocol/cobs.ts";
import { mulberry32, randomBytes } from "./helpers.ts";

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

function assertRoundTrip(data: Uint8Array, label: string): Uint8Array {
  const encoded = cobsEncode(data);
  assert.not.ok(encoded.includes(0), `${label}: encoding contains no 0x00`);
  assert.ok(encoded.length <= cobsMaxEncodedLength(data.length), `${label}: within the size bound`);
  assert.equal(cobsDecode(encoded), data, `${label}: decodes back`);
  return encoded;
}

test("the reference vectors from the COBS paper / Wikipedia encode exactly", () => {
  const vectors: [number[], number[]][] = [
    [[], [0x01]],
    [[0x00], [0x01, 0x01]],
    [
      [0x00, 0x00],
      [0x01, 0x01, 0x01],
    ],
    [
      [0x00, 0x11, 0x00],
      [0x01, 0x02, 0x11, 0x01],
    ],
    [
      [0x11, 0x22, 0x00, 0x33],
      [0x03, 0x11, 0x22, 0x02, 0x33],
    ],
    [
      [0x11, 0x22, 0x33, 0x44],
      [0x05, 0x11, 0x22, 0x33, 0x44],
    ],
    [
      [0x11, 0x00, 0x00, 0x00],
      [0x02, 0x11, 0x01, 0x01, 0x01],
    ],
    [range(0x01, 0xfe), [0xff, ...range(0x01, 0xfe)]],
    [range(0x00, 0xfe), [0x01, 0xff, ...range(0x01, 0xfe)]],
    [range(0x01, 0xff), [0xff, ...range(0x01, 0xfe), 0x02, 0xff]],
    [
      [...range(0x02, 0xff), 0x00],
      [0xff, ...range(0x02, 0xff), 0x01, 0x01],
    ],
    [
      [...range(0x03, 0xff), 0x00, 0x01],
      [0xfe, ...range(0x03, 0xff), 0x02, 0x01],
    ],
  ];
  for (const [data, encoded] of vectors) {
    assert.equal([...cobsEncode(bytes(...data))], encoded, `encode ${data.length} bytes`);
    assert.equal([...(cobsDecode(bytes(...encoded)) ?? [])], data, `decode ${encoded.length} bytes`);
  }
});

test("all-zero data of many lengths round-trips", () => {
  for (const n of [1, 2, 253, 254, 255, 256, 1000]) {
    const encoded = assertRoundTrip(new Uint8Array(n), `${n} zeros`);
    assert.is(encoded.length, n + 1);
  }
});

test("runs of 0xFF of length 253, 254, 255 and 256 round-trip, alone and between zeros", () => {
  for (const n of [253, 254, 255, 256, 508, 509]) {
    const run = new Uint8Array(n).fill(0xff);
    assertRoundTrip(run, `${n} x 0xFF`);
    const framed = new Uint8Array(n + 2);
    framed.set(run, 1);
    assertRoundTrip(framed, `0 + ${n} x 0xFF + 0`);
  }
  assert.is(cobsEncode(new Uint8Array(254).fill(0xff)).length, 255);
  assert.is(cobsEncode(new Uint8Array(255).fill(0xff)).length, 257);
});

test("random data round-trips", () => {
  const rand = mulberry32(7);
  for (let i = 0; i < 300; i++) {
    const data = randomBytes(rand, Math.floor(rand() * 1200));
    if (i % 3 === 0) for (let j = 0; j < data.length; j++) data[j] = rand() < 0.5 ? 0 : (data[j] as number);
    assertRoundTrip(data, `random #${i}`);
  }
});

test("decode returns null for invalid input instead of throwing", () => {
  assert.is(cobsDecode(bytes()), null, "empty");
  assert.is(cobsDecode(bytes(0x00)), null, "zero code byte");
  assert.is(cobsDecode(bytes(0x03, 0x11, 0x00)), null, "zero inside a block");
  assert.is(cobsDecode(bytes(0x05, 0x11, 0x22)), null, "block longer than input");
  assert.is(cobsDecode(bytes(0x02, 0x11, 0x00, 0x01)), null, "zero in code position");
});

test.run();
