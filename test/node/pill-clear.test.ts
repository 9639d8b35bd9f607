// When the fencer takes its pill back: a failed check is tried again; no check runs while its fence is in flight.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { PillClear } from "../../src/node/mailbox.ts";

function rig(results: (string | null | Error)[], fencing = () => false) {
  const calls: number[] = [];
  const logs: string[] = [];
  const p = new PillClear({
    clear: async (inc) => {
      calls.push(inc);
      const r = results.shift() ?? null;
      if (r instanceof Error) throw r;
      return r;
    },
    fencing,
    log: (level, event, message) => void logs.push(`${level} ${event}: ${message}`),
    retryMs: 20,
  });
  return { p, calls, logs };
}

const settle = (ms = 0) => Bun.sleep(ms);

test("a clear that fails is tried again until it succeeds; the incarnation is handled only then", async () => {
  const { p, calls, logs } = rig([
    new Error("EIO writing slot 0"),
    "cleared the reset pill from slot 0: the peer came back as incarnation 9",
  ]);
  p.seen(9);
  await settle();
  assert.equal(calls, [9]);
  assert.is(p.handled, 0, "a failed check leaves the incarnation unhandled");
  assert.match(
    logs[0]!,
    /warning pill-clear: could not check the peer's mailbox for incarnation 9: EIO writing slot 0; trying again in 20 ms/,
  );
  p.seen(9); // frames of the same boot keep coming: they do not start a second check meanwhile
  await settle();
  assert.equal(calls, [9]);
  await settle(60);
  assert.equal(calls, [9, 9], "retried after the delay");
  assert.is(p.handled, 9);
  assert.match(logs[1]!, /notice pill-cleared: cleared the reset pill/);
  p.seen(9);
  await settle(40);
  assert.equal(calls, [9, 9], "once handled, the same incarnation is not checked again");
  p.stop();
});

test("no check while a fence of ours is in flight; the check that waited runs when it has finished", async () => {
  let fencing = true;
  const { p, calls } = rig([null], () => fencing);
  p.seen(11);
  await settle(30);
  assert.equal(calls, [], "the pill of a fence in flight stays where it is");
  fencing = false;
  p.fenceDone();
  await settle();
  assert.equal(calls, [11]);
  assert.is(p.handled, 11);
  p.stop();
});

test("a successor resumed with the peer's incarnation checks its mailbox once; stop() ends the retries", async () => {
  const { p, calls } = rig([new Error("EBADF"), new Error("EBADF")]);
  p.seen(5);
  await settle();
  p.stop();
  await settle(80);
  assert.equal(calls, [5], "stopped: no retry");
});

test.run();
