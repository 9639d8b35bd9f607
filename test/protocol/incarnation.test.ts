import { test } from "uvu";
import * as assert from "uvu/assert";
import { nextIncarnation } from "../../src/protocol/incarnation.ts";

test("the incarnation is the wall clock in ms when it is ahead of the stored one", () => {
  assert.is(nextIncarnation(1_700_000_000_000, 1_600_000_000_000), 1_700_000_000_000);
});

test("the incarnation is the stored one + 1 when the clock is behind or equal", () => {
  assert.is(nextIncarnation(1_000, 1_700_000_000_000), 1_700_000_000_001);
  assert.is(nextIncarnation(1_700_000_000_000, 1_700_000_000_000), 1_700_000_000_001);
});

test("the incarnation is never 0, even with no clock and nothing stored", () => {
  assert.is(nextIncarnation(0, 0), 1);
});

test("an incarnation that cannot be represented exactly is refused", () => {
  assert.throws(() => nextIncarnation(0, Number.MAX_SAFE_INTEGER), /expected a result up to 9007199254740991/);
  assert.throws(() => nextIncarnation(Number.NaN, 5), /nextIncarnation: expected a result/);
});

test.run();
