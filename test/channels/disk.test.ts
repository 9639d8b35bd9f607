import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { DiskChannel } from "../../src/channels/disk.ts";
import type { PeerSlot } from "../../src/channels/disk.ts";
import { DiskArea } from "../../src/disk/area.ts";
import { initDisk } from "../../src/disk/init.ts";
import { AUTH, OTHER_KEY, TIMERS, blankFile, sampleMailbox, scratchDir, waitFor } from "../disk/helpers.ts";
import { channelOptions, initArea, recordingSink } from "./disk-helpers.ts";

/** Runs `fn` with an initialised area file, removed afterwards. */
async function withArea(fn: (path: string) => Promise<void>, init = true): Promise<void> {
  const { dir, cleanup } = scratchDir();
  try {
    const path = blankFile(join(dir, "shared.img"));
    if (init) await initArea(path);
    await fn(path);
  } finally {
    cleanup();
  }
}

test("two DiskChannels on one file (slots 0 and 1) see each other's beats advance and report them", async () => {
  await withArea(async (path) => {
    const seenByA: PeerSlot[] = [];
    const seenByB: PeerSlot[] = [];
    const a = new DiskChannel(channelOptions(path, 0, seenByA));
    const b = new DiskChannel(channelOptions(path, 1, seenByB));
    const sinkA = recordingSink();
    await a.start(sinkA);
    await b.start(recordingSink());
    try {
      assert.equal(
        sinkA.events.map((e) => e.up),
        [true],
      );
      assert.match(sinkA.events[0]?.detail ?? "", /at offset 0 readable \(O_DIRECT\)/);
      for (let seq = 1; seq <= 5; seq++) {
        assert.ok(await a.beat({ node: "node-a", incarnation: 1000, seq, role: "ACTIVE" }));
        assert.ok(await b.beat({ node: "node-b", incarnation: 2000, seq: seq * 10, role: "STANDBY" }));
        await waitFor(() => seenByB.at(-1)?.seq === seq && seenByA.at(-1)?.seq === seq * 10, `both to see beat ${seq}`);
      }
      const last = seenByB.at(-1);
      assert.is(last?.node, "node-a");
      assert.is(last?.role, "ACTIVE");
      assert.is(last?.incarnation, 1000);
      assert.ok(Math.abs((last?.writtenAt ?? 0) - Date.now()) < 5000, "writtenAt is the writer's wall clock");
      assert.is(seenByA.at(-1)?.role, "STANDBY");
      const seqs = seenByB.map((s) => s.seq);
      assert.equal(
        seqs,
        [...seqs].sort((x, y) => x - y),
        "reports only move forward",
      );
      assert.equal(new Set(seqs).size, seqs.length, "each (incarnation, seq) reported once");
      assert.is(a.stats().framesOut, 5);
      assert.is(b.stats().framesIn, seenByB.length);
      assert.ok(b.stats().bytesIn >= 4096 * seenByB.length);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});

test("two machines writing one slot (booted as the same node): each reads the other's boot back before its next beat", async () => {
  await withArea(async (path) => {
    const ownByA: PeerSlot[] = [];
    const ownByB: PeerSlot[] = [];
    const a = new DiskChannel(channelOptions(path, 0, [], { onOwnSlot: (s) => void ownByA.push(s) }));
    const twin = new DiskChannel(channelOptions(path, 0, [], { onOwnSlot: (s) => void ownByB.push(s) }));
    await a.start(recordingSink());
    await twin.start(recordingSink());
    // As ACTIVE nodes do: about once a second (until activation a node reads back before every beat).
    a.readBackEvery(1000);
    twin.readBackEvery(1000);
    try {
      assert.ok(await a.beat({ node: "node-a", incarnation: 1000, seq: 1, role: "ACTIVE" }));
      assert.equal(ownByA, [], "nothing read back before this channel's first write");
      assert.ok(await a.beat({ node: "node-a", incarnation: 1000, seq: 2, role: "ACTIVE" }));
      assert.equal(
        ownByA.map((s) => [s.incarnation, s.seq]),
        [[1000, 1]],
        "before the second beat: its own first write",
      );
      assert.ok(await twin.beat({ node: "node-a", incarnation: 2000, seq: 1, role: "BOOTING" }));
      assert.ok(await twin.beat({ node: "node-a", incarnation: 2000, seq: 2, role: "BOOTING" }));
      assert.equal(
        ownByB.map((s) => s.incarnation),
        [2000],
        "the twin's read-back right after its own write sees its own write",
      );
      assert.ok(await a.beat({ node: "node-a", incarnation: 1000, seq: 3, role: "ACTIVE" }));
      assert.equal(ownByA.length, 1, "read back about once a second, not before every beat");
      await Bun.sleep(1000);
      assert.ok(await twin.beat({ node: "node-a", incarnation: 2000, seq: 3, role: "BOOTING" }));
      assert.equal(ownByB.at(-1)?.incarnation, 1000, "the twin finds the other machine's boot in its slot");
      await Bun.sleep(1000);
      assert.ok(await a.beat({ node: "node-a", incarnation: 1000, seq: 4, role: "ACTIVE" }));
      assert.equal(ownByA.at(-1)?.incarnation, 2000, "and the other machine finds the twin's");
    } finally {
      await a.stop();
      await twin.stop();
    }
  });
});

test("a lower seq is not reported, but a new incarnation is, even with a lower seq", async () => {
  await withArea(async (path) => {
    const seen: PeerSlot[] = [];
    const a = new DiskChannel(channelOptions(path, 0, []));
    const b = new DiskChannel(channelOptions(path, 1, seen));
    await a.start(recordingSink());
    await b.start(recordingSink());
    try {
      await a.beat({ node: "node-a", incarnation: 5, seq: 100, role: "ACTIVE" });
      await waitFor(() => seen.length === 1, "the first beat");
      await a.beat({ node: "node-a", incarnation: 5, seq: 99, role: "ACTIVE" });
      await new Promise((r) => setTimeout(r, 100));
      assert.is(seen.length, 1, "a step back in seq is not progress");
      await a.beat({ node: "node-a", incarnation: 6, seq: 1, role: "BOOTING" });
      await waitFor(() => seen.length === 2, "the rebooted peer's first beat");
      assert.equal([seen[1]?.incarnation, seen[1]?.seq, seen[1]?.role], [6, 1, "BOOTING"]);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});

test("send() is a no-op that counts nothing, and the sink never gets frames", async () => {
  await withArea(async (path) => {
    const ch = new DiskChannel(channelOptions(path, 0, []));
    const sink = recordingSink();
    await ch.start(sink);
    ch.send(new Uint8Array([1, 2, 3]));
    const s = ch.stats();
    assert.equal([s.framesOut, s.bytesOut, s.sendErrors], [0, 0, 0]);
    assert.is(sink.frames, 0);
    await ch.stop();
  });
});

test("readOwnMailbox returns what the peer wrote into this node's mailbox", async () => {
  await withArea(async (path) => {
    const ch = new DiskChannel(channelOptions(path, 0, []));
    assert.is((await ch.readOwnMailbox()).kind, "unavailable", "before start");
    await ch.start(recordingSink());
    assert.is((await ch.readOwnMailbox()).kind, "empty");
    const fencer = await DiskArea.open(path, 0, AUTH);
    await fencer.writeMailbox(0, sampleMailbox());
    await fencer.close();
    assert.equal(await ch.readOwnMailbox(), { kind: "ok", value: sampleMailbox() });
    await ch.stop();
  });
});

test("a blank area keeps the channel down (nothing written) until disk init, then it comes up", async () => {
  await withArea(async (path) => {
    const lines: string[] = [];
    const ch = new DiskChannel(channelOptions(path, 0, [], { log: (l) => lines.push(l) }));
    const sink = recordingSink();
    await ch.start(sink);
    try {
      assert.is(sink.events.length, 1);
      assert.is(sink.events[0]?.up, false);
      assert.match(
        sink.events[0]?.detail ?? "",
        /no heartbeat area of cluster 0x[0-9a-f]{8} at offset 0 of .*: header empty: .*run `clusterguard disk init`/,
      );
      assert.not.ok(
        await ch.beat({ node: "node-a", incarnation: 1, seq: 1, role: "BOOTING" }),
        "no beat on a blank disk",
      );
      assert.is(ch.stats().sendErrors, 1);
      await initArea(path);
      await waitFor(() => sink.events.length === 2, "the channel to come up");
      assert.is(sink.events[1]?.up, true);
      assert.ok(await ch.beat({ node: "node-a", incarnation: 1, seq: 2, role: "BOOTING" }));
      assert.match(lines.join("\n"), /disk channel down: .*\n.*disk channel up: /);
    } finally {
      await ch.stop();
    }
  }, false);
});

test("another cluster's area keeps the channel down, naming the cluster ids", async () => {
  await withArea(async (path) => {
    await initDisk({ device: path, clusterName: "other-cluster", key: OTHER_KEY, timers: TIMERS });
    const ch = new DiskChannel(channelOptions(path, 0, []));
    const sink = recordingSink();
    await ch.start(sink);
    assert.match(
      sink.events[0]?.detail ?? "",
      /header foreign-cluster: header: expected cluster id 0x[0-9a-f]{8}, got 0x[0-9a-f]{8}/,
    );
    await ch.stop();
  }, false);
});

test("a peer slot that fails authentication is counted as dropped and never reported", async () => {
  await withArea(async (path) => {
    const seen: PeerSlot[] = [];
    const ch = new DiskChannel(channelOptions(path, 1, seen));
    await ch.start(recordingSink());
    const forger = await DiskArea.open(path, 0, { ...AUTH, key: OTHER_KEY });
    await forger.writeSlot(0, { node: "node-a", incarnation: 9, seq: 9, role: "STOPPED", writtenAt: 1, uptimeMs: 1 });
    await forger.close();
    await waitFor(() => ch.stats().dropped > 0, "the forged slot to be dropped");
    assert.is(seen.length, 0);
    assert.match(String(ch.stats().lastError), /peer slot 0: bad-auth/);
    assert.ok(ch.stats().up, "a bad peer slot is not a device failure");
    await ch.stop();
  });
});

test("invalid options are refused at construction, naming the option", () => {
  assert.throws(
    () => new DiskChannel(channelOptions("/dev/null", 0, [], { peerSlot: 0 })),
    /peerSlot: expected a slot other than selfSlot \(0\), got 0/,
  );
  assert.throws(
    () => new DiskChannel(channelOptions("/dev/null", 2, [], { peerSlot: 0 })),
    /selfSlot: slot: expected an integer 0\.\.1, got 2/,
  );
  assert.throws(
    () => new DiskChannel(channelOptions("/dev/null", 0, [], { pollMs: 0 })),
    /pollMs: expected a positive integer, got 0/,
  );
  assert.throws(
    () => new DiskChannel(channelOptions("/dev/null", 0, [], { offset: 10 })),
    /offset: expected a non-negative multiple of 4096 bytes, got 10/,
  );
});

test.run();
