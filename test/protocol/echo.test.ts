import { test } from "uvu";
import * as assert from "uvu/assert";
import { MESSAGE_TYPES } from "../../src/core/types.ts";
import { checkEcho, requiresEcho } from "../../src/protocol/echo.ts";

const MINE = 1_700_000_000_500;

test("exactly the frames with consequences require the echo", () => {
  const required = MESSAGE_TYPES.filter(requiresEcho);
  assert.equal(required.sort(), [
    "fence-ack",
    "fence-request",
    "handoff-grace",
    "takeover",
    "takeover-answer",
    "takeover-request",
  ]);
});

test("a fence-request echoing my current incarnation passes", () => {
  assert.ok(checkEcho({ type: "fence-request", peerIncarnation: MINE }, MINE));
});

test("a fence-request with a wrong peerIncarnation fails, as does one echoing an earlier boot of mine", () => {
  assert.not.ok(checkEcho({ type: "fence-request", peerIncarnation: MINE + 1 }, MINE));
  assert.not.ok(checkEcho({ type: "fence-request", peerIncarnation: MINE - 60_000 }, MINE));
  assert.not.ok(checkEcho({ type: "takeover", peerIncarnation: 0 }, MINE));
});

test("an echo of 0 never passes, even for a receiver that claims incarnation 0", () => {
  assert.not.ok(checkEcho({ type: "fence-ack", peerIncarnation: 0 }, 0));
});

test("a heartbeat or status does not need the echo", () => {
  assert.ok(checkEcho({ type: "heartbeat", peerIncarnation: 0 }, MINE));
  assert.ok(checkEcho({ type: "status", peerIncarnation: 12345 }, MINE));
});

test.run();
