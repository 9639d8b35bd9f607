import { test } from "uvu";
import * as assert from "uvu/assert";
import { ROLES } from "../../src/core/types.ts";
import { decodeHeader, encodeHeader, makeHeader } from "../../src/disk/header.ts";
import { BLOCK_SIZE, BLOCK_RESULT_KINDS } from "../../src/disk/block.ts";
import { MAILBOX_TYPES, decodeMailbox, encodeMailbox, decodeSlot, encodeSlot } from "../../src/disk/slot.ts";
import type { BlockResult } from "../../src/disk/block.ts";
import { below, mulberry32, randomBytes, toHex } from "../protocol/helpers.ts";
import { AUTH, CLUSTER_ID, KEY, TIMERS, resign } from "./helpers.ts";

const SEED = Number(process.env.CLUSTERGUARD_FUZZ_SEED ?? 0xd15c_0001) >>> 0;
const ROUNDS = 10_000;
const NAME_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-";

type Decoder = { name: string; decode: (bytes: Uint8Array) => BlockResult<unknown> };
const DECODERS: Decoder[] = [
  { name: "header", decode: (b) => decodeHeader(b, AUTH) },
  ...[0, 1].flatMap((i) => [
    { name: `slot${i}`, decode: (b: Uint8Array) => decodeSlot(b, i, AUTH) },
    { name: `mailbox${i}`, decode: (b: Uint8Array) => decodeMailbox(b, i, AUTH) },
  ]),
];

function randomName(rand: () => number): string {
  let name = "";
  for (let i = 0, n = 1 + below(rand, 32); i < n; i++) name += NAME_CHARS[below(rand, NAME_CHARS.length)];
  return name;
}
const u64 = (rand: () => number): number =>
  rand() < 0.2
    ? ([0, 1, Number.MAX_SAFE_INTEGER][below(rand, 3)] ?? 0)
    : below(rand, 2 ** 21) * 2 ** 32 + below(rand, 2 ** 32);

/** A genuine block and the decoder name that must accept it. */
function genuine(rand: () => number): { bytes: Uint8Array; accepts: string } {
  const r = below(rand, 5);
  if (r === 0) return { bytes: encodeHeader(makeHeader(CLUSTER_ID, TIMERS, u64(rand)), KEY), accepts: "header" };
  const slot = r % 2;
  if (r <= 2) {
    const role = ROLES[below(rand, ROLES.length)] ?? "STANDBY";
    const s = {
      node: randomName(rand),
      incarnation: u64(rand),
      seq: u64(rand),
      role,
      writtenAt: u64(rand),
      uptimeMs: u64(rand),
    };
    return { bytes: encodeSlot(s, slot, AUTH), accepts: `slot${slot}` };
  }
  const type = MAILBOX_TYPES[below(rand, MAILBOX_TYPES.length)] ?? "none";
  const m = {
    type,
    sender: randomName(rand),
    senderIncarnation: u64(rand),
    seq: u64(rand),
    writtenAt: u64(rand),
    targetIncarnation: u64(rand),
  };
  return { bytes: encodeMailbox(m, slot, AUTH), accepts: `mailbox${slot}` };
}

/** A mutated copy: bit flips, byte overwrites, zeroed or randomised ranges, truncation or extension. */
function mutate(rand: () => number, bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const kind = below(rand, 6);
  if (kind === 4)
    return rand() < 0.5
      ? out.subarray(0, below(rand, BLOCK_SIZE))
      : Uint8Array.from([...out, ...randomBytes(rand, 1 + below(rand, 16))]);
  const edits = 1 + below(rand, 8);
  for (let e = 0; e < edits; e++) {
    const at = rand() < 0.7 ? below(rand, 96) : below(rand, BLOCK_SIZE);
    if (kind === 0) out[at] = (out[at] ?? 0) ^ (1 << below(rand, 8));
    else if (kind === 1) out[at] = below(rand, 256);
    else if (kind === 2) out.fill(0, at, at + below(rand, 64));
    else if (kind === 3) out.set(randomBytes(rand, Math.min(32, BLOCK_SIZE - at)), at);
    else out[BLOCK_SIZE - 32 + (at % 32)] = below(rand, 256); // a byte of the trailing HMAC
  }
  return out;
}

test(`${ROUNDS} random and mutated blocks never throw and never decode as ok unless genuine`, () => {
  const rand = mulberry32(SEED);
  const accepted = new Map<string, string>();
  const pool = Array.from({ length: 300 }, () => genuine(rand));
  for (const g of pool) accepted.set(`${g.accepts}:${toHex(g.bytes)}`, g.accepts);
  const kinds = new Map<string, number>();
  let okGenuine = 0;
  let okResigned = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const base = pool[below(rand, pool.length)] ?? pool[0]!;
    const r = rand();
    let bytes: Uint8Array;
    let resigned = false;
    if (r < 0.01) bytes = new Uint8Array(BLOCK_SIZE);
    else if (r < 0.15) bytes = randomBytes(rand, BLOCK_SIZE);
    else if (r < 0.25) bytes = base.bytes.slice();
    else if (r < 0.85) bytes = mutate(rand, base.bytes);
    else {
      bytes = mutate(rand, base.bytes);
      if (bytes.length === BLOCK_SIZE) resign(bytes);
      resigned = bytes.length === BLOCK_SIZE;
    }
    for (const d of DECODERS) {
      let result: BlockResult<unknown>;
      try {
        result = d.decode(bytes);
      } catch (error) {
        assert.unreachable(`seed ${SEED} round ${round}: ${d.name} threw ${String(error)}`);
        return;
      }
      assert.ok(
        (BLOCK_RESULT_KINDS as readonly string[]).includes(result.kind),
        `round ${round}: unknown kind ${result.kind}`,
      );
      if (result.kind !== "ok")
        assert.not.match(result.detail, /internal decoder error/, `seed ${SEED} round ${round} ${d.name}`);
      kinds.set(result.kind, (kinds.get(result.kind) ?? 0) + 1);
      if (result.kind !== "ok") continue;
      if (accepted.has(`${d.name}:${toHex(bytes)}`)) okGenuine++;
      else {
        assert.ok(
          resigned,
          `seed ${SEED} round ${round}: ${d.name} accepted a block that was never written with the key`,
        );
        okResigned++;
      }
    }
  }
  console.log(
    `  seed 0x${SEED.toString(16)}: ${ROUNDS} blocks x ${DECODERS.length} decoders -> ${JSON.stringify(Object.fromEntries(kinds))}; ok: ${okGenuine} genuine, ${okResigned} re-signed by the test`,
  );
  assert.ok(okGenuine > 0, "genuine blocks were accepted");
  for (const kind of BLOCK_RESULT_KINDS) assert.ok((kinds.get(kind) ?? 0) > 0, `kind ${kind} occurred`);
});

test("every genuine block is accepted by exactly its own decoder", () => {
  const rand = mulberry32(SEED ^ 0x55);
  for (let i = 0; i < 200; i++) {
    const g = genuine(rand);
    const oks = DECODERS.filter((d) => d.decode(g.bytes).kind === "ok").map((d) => d.name);
    assert.equal(oks, [g.accepts]);
  }
});

test.run();
