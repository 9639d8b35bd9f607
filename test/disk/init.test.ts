// `disk init` on scratch files; then the pure verdicts it acts on.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DiskArea } from "../../src/disk/area.ts";
import { describeArea } from "../../src/disk/describe.ts";
import { initDisk, checkBeforeInit, movement, watchWindowMs } from "../../src/disk/init.ts";
import type { InitOptions } from "../../src/disk/init.ts";
import {
  AUTH,
  CLUSTER,
  KEY,
  OTHER_KEY,
  TIMERS,
  blankFile,
  sampleMailbox,
  sampleSlot,
  scratchDir,
  CLUSTER_ID,
} from "./helpers.ts";
import type { Header } from "../../src/disk/header.ts";
import type { BlockResult } from "../../src/disk/block.ts";
import type { AreaSnapshot } from "../../src/disk/area.ts";

const NOW = 1_750_000_000_000;

/** Runs `fn` with a fresh blank 4 MiB file and initDisk options for it. */
async function withBlank(fn: (path: string, opts: InitOptions) => Promise<void>): Promise<void> {
  const { dir, cleanup } = scratchDir();
  try {
    const path = blankFile(join(dir, "shared.img"));
    await fn(path, {
      device: path,
      offset: 0,
      clusterName: CLUSTER,
      key: KEY,
      timers: TIMERS,
      now: () => NOW,
      watchMs: 300,
    });
  } finally {
    cleanup();
  }
}

/** Writes slot 0 of node-a as if it beat `ageMs` before NOW. */
async function beatAgo(path: string, ageMs: number): Promise<void> {
  const area = await DiskArea.open(path, 0, AUTH);
  await area.writeSlot(0, sampleSlot({ writtenAt: NOW - ageMs }));
  await area.close();
}

test("init on a blank file writes this cluster's header and leaves slots and mailboxes empty", async () => {
  await withBlank(async (path, opts) => {
    const r = await initDisk(opts);
    assert.is(r.kind, "initialised");
    if (r.kind !== "initialised") return;
    assert.is(r.found, "blank");
    assert.is(r.mode, "direct");
    assert.is(r.overrode, undefined);
    assert.equal(r.header.timers, TIMERS);
    assert.is(r.header.createdAt, NOW);
    const area = await DiskArea.open(path, 0, AUTH);
    try {
      assert.equal(await area.readHeader(), { kind: "ok", value: r.header });
      for (const i of [0, 1]) {
        assert.is((await area.readSlot(i)).kind, "empty");
        assert.is((await area.readMailbox(i)).kind, "empty");
      }
    } finally {
      await area.close();
    }
  });
});

/** Writes slot 0 every 100 ms with a rising seq and the given written-at: a live node whose clock is off. */
async function liveWriter(path: string, writtenAt: number): Promise<{ stop: () => Promise<number> }> {
  const area = await DiskArea.open(path, 0, AUTH);
  let seq = 42;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await area.writeSlot(0, sampleSlot({ seq: seq++, writtenAt }));
      await Bun.sleep(100);
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      await area.close();
      return seq;
    },
  };
}

test("a slot whose written-at is days old but whose seq advances while init watches is live: refused, --force too", async () => {
  await withBlank(async (path, opts) => {
    await initDisk(opts);
    const area = await DiskArea.open(path, 0, AUTH);
    const before = await area.readHeader();
    await area.writeMailbox(1, sampleMailbox({ type: "test" }));
    const writer = await liveWriter(path, NOW - 3 * 86_400_000);
    try {
      const { watchMs: _, ...defaults } = opts;
      for (const force of [false, true]) {
        const lines: string[] = [];
        const t0 = performance.now();
        const r = await initDisk({ ...defaults, force, log: (l) => lines.push(l) });
        assert.is(r.kind, "refused", `force=${force}`);
        if (r.kind !== "refused") return;
        assert.is(r.live, true);
        assert.match(
          r.reason,
          new RegExp(
            `^refusing to initialise ${path} at offset 0: slot 0's heartbeat changed within \\d+\\.\\d s \\(from node node-a incarnation 1700000000000 seq \\d+ to node node-a incarnation 1700000000000 seq \\d+\\): a node is writing to this area; stop clusterguard on both nodes first \\(--force does not override this\\)$`,
          ),
        );
        assert.ok(performance.now() - t0 < 2000, "refused at the first change seen, not at the end of the window");
        assert.match(lines.join("\n"), /watching .* for 5\.0 s/);
      }
      assert.equal(await area.readHeader(), before, "the header was not rewritten");
      assert.is((await area.readMailbox(1)).kind, "ok", "nothing was wiped");
    } finally {
      await writer.stop();
      await area.close();
    }
  });
});

test("a quiet area is initialised whatever its slots' clocks say (recent, days old or in the future), after watching the whole window", async () => {
  for (const writtenAt of [NOW - 1000, NOW - 3 * 86_400_000, NOW + 3_600_000]) {
    await withBlank(async (path, opts) => {
      await initDisk(opts);
      await beatAgo(path, NOW - writtenAt);
      const t0 = performance.now();
      const r = await initDisk({ ...opts, watchMs: 700 });
      assert.is(
        r.kind,
        "initialised",
        `written-at ${writtenAt - NOW} ms from now: ${r.kind === "refused" ? r.reason : ""}`,
      );
      assert.ok(performance.now() - t0 >= 700, "watched the whole window");
      const area = await DiskArea.open(path, 0, AUTH);
      assert.is((await area.readSlot(0)).kind, "empty");
      await area.close();
    });
  }
});

test("a pending pill is refused without --force, naming it; with --force it is overwritten and the log names it", async () => {
  await withBlank(async (path, opts) => {
    await initDisk(opts);
    await beatAgo(path, 2 * TIMERS.deadtimeMs + 1);
    const area = await DiskArea.open(path, 0, AUTH);
    await area.writeMailbox(0, sampleMailbox());
    await area.close();
    const r = await initDisk(opts);
    assert.is(r.kind, "refused");
    if (r.kind === "refused") {
      assert.is(r.live, false);
      assert.is(
        r.reason,
        `refusing to initialise ${path} at offset 0: slot 0's mailbox holds a pending reset pill from node-b (sender incarnation 1700000000999, seq 7, for incarnation 1700000100000): a fence of node node-a may be in progress, and wiping the pill could let it count as done; clear it with \`clusterguard disk clear\` once that node is known to be down, or pass --force`,
      );
    }
    const still = await DiskArea.open(path, 0, AUTH);
    assert.is((await still.readMailbox(0)).kind, "ok", "the pill is still there");
    await still.close();
    const lines: string[] = [];
    const forced = await initDisk({ ...opts, force: true, log: (l) => lines.push(l) });
    assert.is(forced.kind, "initialised");
    if (forced.kind === "initialised") assert.match(String(forced.overrode), "pending reset pill from node-b");
    assert.match(
      lines.join("\n"),
      /--force given, overwriting anyway; without it: .*slot 0's mailbox holds a pending reset pill from node-b/,
    );
    const after = await DiskArea.open(path, 0, AUTH);
    assert.is((await after.readSlot(0)).kind, "empty");
    assert.is((await after.readMailbox(0)).kind, "empty");
    await after.close();
  });
});

test("init refuses another cluster's area, naming both cluster ids", async () => {
  await withBlank(async (_path, opts) => {
    await initDisk({ ...opts, clusterName: "other-cluster", key: OTHER_KEY });
    const r = await initDisk(opts);
    assert.is(r.kind, "refused");
    if (r.kind === "refused") {
      assert.is(r.found, "foreign-cluster");
      assert.match(r.reason, /belongs to another cluster \(cluster id 0x[0-9a-f]{8}, this cluster is 0x[0-9a-f]{8}\)/);
    }
  });
});

test("init refuses a header that does not authenticate, and data that is not a heartbeat area", async () => {
  await withBlank(async (_path, opts) => {
    await initDisk({ ...opts, key: OTHER_KEY });
    const r = await initDisk(opts);
    assert.is(r.kind === "refused" && r.found, "untrusted-header");
    if (r.kind === "refused")
      assert.match(r.reason, /cannot be trusted \(header: the HMAC does not match this authkey/);
  });
  await withBlank(async (path, opts) => {
    writeFileSync(path, Buffer.from("\x53\xef... pretend this is a file system superblock"), { flag: "r+" });
    const r = await initDisk(opts);
    assert.is(r.kind === "refused" && r.found, "other-data");
    if (r.kind === "refused")
      assert.match(r.reason, /the area is not blank \(header: expected magic "CGDISK01", got 53 c3/);
  });
});

test("with force, init overwrites a foreign area, and a quiet one with a recent slot, and says what it overrode", async () => {
  await withBlank(async (path, opts) => {
    await initDisk({ ...opts, clusterName: "other-cluster", key: OTHER_KEY });
    const lines: string[] = [];
    const r = await initDisk({ ...opts, force: true, log: (l) => lines.push(l) });
    assert.is(r.kind, "initialised");
    if (r.kind === "initialised") {
      assert.is(r.found, "foreign-cluster");
      assert.match(String(r.overrode), /belongs to another cluster/);
    }
    assert.match(lines.join("\n"), /--force given, overwriting anyway/);
    await beatAgo(path, 10);
    const again = await initDisk({ ...opts, force: true });
    assert.is(again.kind === "initialised" && again.found, "own-cluster");
    const area = await DiskArea.open(path, 0, AUTH);
    assert.is((await area.readSlot(0)).kind, "empty");
    await area.close();
  });
});

test("init refuses invalid options before touching the device", async () => {
  await withBlank(async (_path, opts) => {
    const why = (o: InitOptions): Promise<string> =>
      initDisk(o).then(
        (r) => `resolved ${r.kind}`,
        (e: unknown) => String(e),
      );
    assert.match(
      await why({ ...opts, timers: { ...TIMERS, keepaliveMs: 0 } }),
      /RangeError: initDisk: timers\.keepaliveMs: expected an integer 1\.\.4294967295 ms, got 0/,
    );
    assert.match(
      await why({ ...opts, clusterName: "" }),
      /RangeError: initDisk: clusterName: expected a non-empty string/,
    );
    assert.match(
      await why({ ...opts, offset: 100 }),
      /RangeError: .*offset: expected a non-negative multiple of 4096 bytes, got 100/,
    );
  });
});

test("describeArea prints the header, each slot and each mailbox", async () => {
  await withBlank(async (path, opts) => {
    await initDisk(opts);
    await beatAgo(path, 1500);
    const area = await DiskArea.open(path, 0, AUTH);
    try {
      await area.writeMailbox(1, sampleMailbox({ writtenAt: NOW - 3000 }));
      const text = await describeArea(area, NOW);
      console.log(text.replace(/^/gm, "  | "));
      const lines = text.split("\n");
      assert.is(lines.length, 6);
      assert.is(lines[0], `${path} at offset 0 (O_DIRECT)`);
      assert.match(
        lines[1] ?? "",
        /^header: cluster 0x[0-9a-f]{8}, layout 1, 2 slots of 4096 bytes, keepalive 200 ms, deadtime 5000 ms, msgwait 10000 ms, watchdog 5000 ms, created 2025-06-15T/,
      );
      assert.match(
        lines[2] ?? "",
        /^slot 0 heartbeat: node node-a, ACTIVE, incarnation 1700000000000, seq 42, written 1\.5 s ago, uptime 98\.8 s, no watchdog shown$/,
      );
      assert.is(lines[3], "slot 0 mailbox: empty");
      assert.is(lines[4], "slot 1 heartbeat: empty");
      assert.is(
        lines[5],
        "slot 1 mailbox: reset from node-b (incarnation 1700000000999, seq 7, for incarnation 1700000100000), written 3.0 s ago",
      );
    } finally {
      await area.close();
    }
  });
});

// The pure verdicts of `disk init`: content checks, the watch window, and what counts as movement.

const EMPTY = { kind: "empty", detail: "all zero" } as const;
const HEADER: BlockResult<Header> = {
  kind: "ok",
  value: { version: 1, blockSize: 4096, slotCount: 2, clusterId: CLUSTER_ID, timers: TIMERS, createdAt: 1 },
};

function snap(over: Partial<AreaSnapshot> = {}): AreaSnapshot {
  return {
    device: "/dev/sdz",
    offset: 0,
    mode: "direct",
    header: HEADER,
    slots: [EMPTY, EMPTY],
    mailboxes: [EMPTY, EMPTY],
    ...over,
  };
}
const ok = <T>(value: T) => ({ kind: "ok" as const, value });

test("watchWindowMs: two keepalives plus margin, at least deadtime, the larger of header and config", () => {
  const rows: [number, number, number | undefined, number | undefined, number][] = [
    // keepalive, deadtime (config); keepalive, deadtime (header); window
    [200, 5000, undefined, undefined, 5000],
    [3000, 5000, undefined, undefined, 7000],
    [200, 5000, 1000, 8000, 8000],
    [200, 5000, 5000, 6000, 11000],
  ];
  for (const [k, d, hk, hd, want] of rows) {
    const header =
      hk === undefined || hd === undefined
        ? undefined
        : {
            ...(HEADER.kind === "ok" ? HEADER.value : ({} as Header)),
            timers: { ...TIMERS, keepaliveMs: hk, deadtimeMs: hd },
          };
    assert.is(watchWindowMs({ ...TIMERS, keepaliveMs: k, deadtimeMs: d }, header), want, `${k}/${d} ${hk}/${hd}`);
  }
});

test("movement: any change of a slot or mailbox counts, written-at alone included; the same blocks do not", () => {
  const a = snap({ slots: [ok(sampleSlot({ seq: 5, writtenAt: 1 })), EMPTY] });
  const rows: [string, AreaSnapshot, string | undefined][] = [
    ["unchanged", a, undefined],
    [
      "seq up",
      snap({ slots: [ok(sampleSlot({ seq: 6, writtenAt: 1 })), EMPTY] }),
      "slot 0's heartbeat changed within 1.5 s (from node node-a incarnation 1700000000000 seq 5 to node node-a incarnation 1700000000000 seq 6): a node is writing to this area",
    ],
    [
      "only written-at moved",
      snap({ slots: [ok(sampleSlot({ seq: 5, writtenAt: 2 })), EMPTY] }),
      "slot 0's heartbeat changed within 1.5 s (from node node-a incarnation 1700000000000 seq 5 to node node-a incarnation 1700000000000 seq 5)",
    ],
    [
      "new lower incarnation (clock stepped back)",
      snap({ slots: [ok(sampleSlot({ incarnation: 5, seq: 1, writtenAt: 1 })), EMPTY] }),
      "slot 0's heartbeat changed",
    ],
    [
      "peer slot appears",
      snap({ slots: [a.slots[0] as BlockResult<never>, ok(sampleSlot({ node: "node-b" }))] }),
      "slot 1's heartbeat changed within 1.5 s (from empty to node node-b",
    ],
    ["slot wiped", snap({ slots: [EMPTY, EMPTY] }), "slot 0's heartbeat changed"],
    [
      "pill written",
      snap({ slots: a.slots, mailboxes: [EMPTY, ok(sampleMailbox())] }),
      "slot 1's mailbox changed within 1.5 s (from empty to reset from node-b seq 7): a node is fencing through this area",
    ],
    ["header rewritten", snap({ slots: a.slots, header: EMPTY }), "the header changed"],
  ];
  for (const [name, b, want] of rows) {
    const got = movement(a, b, 1500);
    if (want === undefined) assert.is(got, undefined, name);
    else assert.match(String(got), want, name);
  }
});

test("checkBeforeInit: a pending reset or off pill needs --force; a test message or a cleared mailbox does not; clocks are never read", () => {
  for (const type of ["reset", "off"] as const) {
    const c = checkBeforeInit(
      snap({
        slots: [EMPTY, ok(sampleSlot({ node: "node-b" }))],
        mailboxes: [EMPTY, ok(sampleMailbox({ type, sender: "node-a" }))],
      }),
      CLUSTER_ID,
    );
    assert.is(c.found, "own-cluster");
    assert.match(String(c.refusal), `slot 1's mailbox holds a pending ${type} pill from node-a`);
    assert.match(String(c.refusal), "a fence of node node-b may be in progress");
  }
  for (const type of ["test", "none"] as const) {
    assert.equal(
      checkBeforeInit(snap({ mailboxes: [ok(sampleMailbox({ type })), EMPTY] }), CLUSTER_ID),
      { found: "own-cluster", refusal: undefined },
      type,
    );
  }
  assert.equal(
    checkBeforeInit(snap({ slots: [ok(sampleSlot({ writtenAt: Date.now() })), EMPTY] }), CLUSTER_ID),
    { found: "own-cluster", refusal: undefined },
    "a slot written just now is no refusal by itself",
  );
  assert.equal(checkBeforeInit(snap({ header: EMPTY }), CLUSTER_ID), { found: "blank", refusal: undefined });
});

test.run();
