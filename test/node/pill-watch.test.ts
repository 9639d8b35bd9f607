// The mailbox servant with a recording fake watchdog: when it arms, pets, reports to the core, and refuses to arm.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { MailboxRead } from "../../src/disk/channel-options.ts";
import type { DiskTimers } from "../../src/disk/header.ts";
import { ARM_TRIES_BEFORE_FAILED, PillWatch } from "../../src/node/mailbox.ts";
import { type ArmResult, armForPill } from "../../src/node/mailbox.ts";
import type { Watchdog } from "../../src/sys/watchdog.ts";

const HEADER: DiskTimers = { keepaliveMs: 200, deadtimeMs: 5000, msgwaitMs: 10000, watchdogTimeoutMs: 5000 };
const CLEAR: MailboxRead = { kind: "empty", detail: "zeros" };
const pill = (type: "reset" | "off" = "reset", seq = 9): MailboxRead => ({
  kind: "ok",
  value: { type, sender: "b", senderIncarnation: 5, seq, writtenAt: Date.now(), targetIncarnation: 3 },
});

/** A watchdog that records what was done to it. */
function fakeWatchdog(timeoutS = 5) {
  const calls: string[] = [];
  const w: Watchdog = {
    device: "/dev/fake-watchdog",
    timeoutS,
    pet: () => void calls.push("pet"),
    close: (disarm) => void calls.push(disarm ? "close+disarm" : "close"),
  };
  return { w, calls };
}

/** A PillWatch fed from a script of reads, recording everything it tells the core. */
function harness(reads: MailboxRead[], arm: (() => ArmResult) | null) {
  const events: string[] = [];
  let i = 0;
  const watch = new PillWatch({
    read: async () => reads[Math.min(i++, reads.length - 1)]!,
    arm,
    periodMs: 1000,
    report: (r) => void events.push(`pill:${r.present ? (r.fresh ? "fresh" : "at-boot") : "clear"}`),
    check: (c, ok, detail) => void events.push(`${c}:${ok ? "ok" : `failed(${detail})`}`),
    log: () => {},
  });
  return {
    watch,
    events,
    async run(n: number) {
      for (let k = 0; k < n; k++) await watch.check();
    },
  };
}

test("a normal boot: the first clean read reports clear, then arms once and pets at every clean read", async () => {
  const dog = fakeWatchdog();
  let arms = 0;
  const h = harness([CLEAR], () => (arms++, dog.w));
  await h.run(3);
  assert.equal(
    h.events,
    ["pill:clear", "watchdog:ok"],
    "the mailbox is met by the clear report, the watchdog once armed",
  );
  assert.is(arms, 1);
  assert.equal(dog.calls, ["pet", "pet", "pet"]);
});

test("an unreadable disk: never armed, never petted, the core told once per reason", async () => {
  let arms = 0;
  const h = harness([{ kind: "unavailable", detail: "disk down: EIO" }], () => (arms++, fakeWatchdog().w));
  await h.run(3);
  assert.equal(h.events, ["mailbox:failed(own mailbox unreadable: disk down: EIO)"]);
  assert.is(arms, 0);
});

test("a pill found at the first read is reported before anything else, and the node (blocked) still pets", async () => {
  const dog = fakeWatchdog();
  const h = harness([pill()], () => dog.w);
  await h.run(2);
  assert.equal(h.events, ["pill:at-boot", "watchdog:ok"]);
  assert.equal(dog.calls, ["pet", "pet"]);
});

test("a fresh pill stops the pets for good while it stays, in any role (the watchdog does the rest)", async () => {
  const dog = fakeWatchdog();
  const h = harness([CLEAR, pill("off"), pill("off"), pill("off")], () => dog.w);
  await h.run(4);
  assert.equal(h.events, ["pill:clear", "watchdog:ok", "pill:fresh"]);
  assert.equal(dog.calls, ["pet"], "petted only after the clean read");
});

test("a refused arm is final and reported failed once; activation stays blocked", async () => {
  let arms = 0;
  const h = harness(
    [CLEAR],
    () => (arms++, { error: "/dev/watchdog: WDIOC_SETTIMEOUT 5 s refused: errno 22", retry: false }),
  );
  await h.run(4);
  assert.equal(h.events, ["pill:clear", "watchdog:failed(/dev/watchdog: WDIOC_SETTIMEOUT 5 s refused: errno 22)"]);
  assert.is(arms, 1);
});

test("a missing device is retried at every read, reported failed after a minute of tries, and armed when it appears", async () => {
  const dog = fakeWatchdog();
  let arms = 0;
  let present = false;
  const h = harness(
    [CLEAR],
    () => (arms++, present ? dog.w : { error: "cannot open /dev/watchdog: ENOENT", retry: true }),
  );
  await h.run(ARM_TRIES_BEFORE_FAILED - 1);
  assert.equal(h.events, ["pill:clear"], "still only waiting");
  await h.run(3);
  assert.equal(h.events, ["pill:clear", "watchdog:failed(cannot open /dev/watchdog: ENOENT)"]);
  present = true;
  await h.run(1);
  assert.equal(h.events.at(-1), "watchdog:ok");
  assert.is(arms, ARM_TRIES_BEFORE_FAILED + 3);
  assert.equal(dog.calls, ["pet"]);
});

test("stop hands an armed watchdog over (still running) or disarms it", async () => {
  const a = fakeWatchdog();
  const h1 = harness([CLEAR], () => a.w);
  await h1.run(1);
  h1.watch.stop(false);
  assert.equal(a.calls, ["pet", "close"]);
  const b = fakeWatchdog();
  const h2 = harness([CLEAR], () => b.w);
  await h2.run(1);
  h2.watch.stop(true);
  assert.equal(b.calls, ["pet", "close+disarm"]);
});

test("armForPill keeps a watchdog whose applied timeout fits msgwait / 2, and never disarms one that does not (row 18.1)", () => {
  const ok = fakeWatchdog(5);
  assert.is(
    armForPill(() => ok.w, HEADER),
    ok.w,
  );
  assert.equal(ok.calls, []);
  const long = fakeWatchdog(6);
  const r = armForPill(() => long.w, HEADER);
  assert.ok("error" in r && !r.retry, "final");
  assert.match(
    "error" in r ? r.error : "",
    /\/dev\/fake-watchdog: the driver applied a 6 s timeout: expected at most msgwait \/ 2 \(5 s for the disk header's msgwait of 10000 ms\)/,
  );
  // It may be the guard's, running since activation: a magic close would leave the node unarmed.
  assert.equal(long.calls, []);
  assert.ok("watchdog" in r && r.watchdog === long.w, "returned armed, with the problem");
});

test("a watchdog too long for msgwait is kept armed and petted, reported failed, and shown as armed (row 18.1)", async () => {
  // The agent reopening the watchdog the guard left running, on terms its own (edited) config made too long.
  const dog = fakeWatchdog(6);
  let arms = 0;
  const h = harness([CLEAR], () => (arms++, armForPill(() => dog.w, HEADER)));
  await h.run(3);
  assert.is(arms, 1, "tried once: the refusal is final");
  assert.match(h.events.join(" "), /watchdog:failed\(\/dev\/fake-watchdog: the driver applied a 6 s timeout/);
  assert.equal(dog.calls, ["pet", "pet", "pet"], "petted at every clean read, never disarmed");
  assert.equal(h.watch.armed, { device: "/dev/fake-watchdog", timeoutS: 6 }, "the slot shows the peer its timeout");
});

test("armForPill waits for the header before opening anything, and retries only a missing device", () => {
  let opened = 0;
  const r = armForPill(() => (opened++, fakeWatchdog().w), undefined);
  assert.equal(r, { error: "watchdog not armed: the disk header (its msgwait) has not been read yet", retry: true });
  assert.is(opened, 0);
  assert.equal(
    armForPill(() => "cannot open /dev/watchdog: ENOENT: no such file", HEADER),
    { error: "cannot open /dev/watchdog: ENOENT: no such file", retry: true },
  );
  assert.equal(
    armForPill(() => "/dev/watchdog: WDIOC_SETTIMEOUT 5 s refused: errno 22", HEADER),
    { error: "/dev/watchdog: WDIOC_SETTIMEOUT 5 s refused: errno 22", retry: false },
  );
});

test.run();
