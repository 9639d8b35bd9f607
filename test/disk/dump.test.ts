// `disk dump --json`: the header and each slot's heartbeat and mailbox as one JSON document, every block with its
// status (ok, or why it was not accepted); pure from a snapshot, then the command on a real area.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadAuthkey } from "../../src/config/index.ts";
import type { AreaSnapshot } from "../../src/disk/area.ts";
import { DiskArea } from "../../src/disk/area.ts";
import { snapshotJson } from "../../src/disk/describe.ts";
import { makeHeader } from "../../src/disk/header.ts";
import { clusterIdOf } from "../../src/protocol/index.ts";
import { runExe } from "../helpers/exe.ts";
import { blankFile, CLUSTER_ID, sampleMailbox, sampleSlot, scratchDir, TIMERS } from "./helpers.ts";

const NOW = 1_750_000_000_000;

test("a snapshot as JSON: ok blocks with their fields, times as ISO text with ages, rejections with their detail", () => {
  const snap: AreaSnapshot = {
    device: "/dev/vdb",
    offset: 4096,
    mode: "direct",
    header: { kind: "ok", value: makeHeader(CLUSTER_ID, TIMERS, NOW - 86_400_000) },
    slots: [
      { kind: "ok", value: sampleSlot({ writtenAt: NOW - 1500 }) },
      { kind: "foreign-cluster", clusterId: 0xdeadbeef, detail: "slot 1: another cluster" },
    ],
    mailboxes: [
      { kind: "empty", detail: "all zeros" },
      { kind: "ok", value: sampleMailbox({ writtenAt: NOW - 3000 }) },
    ],
  };
  assert.equal(snapshotJson(snap, NOW), {
    device: "/dev/vdb",
    offset: 4096,
    io: "O_DIRECT",
    readAt: "2025-06-15T15:06:40.000Z",
    header: {
      status: "ok",
      clusterId: `0x${(CLUSTER_ID >>> 0).toString(16).padStart(8, "0")}`,
      layout: 1,
      slotCount: 2,
      blockSize: 4096,
      timers: { ...TIMERS },
      createdAt: "2025-06-14T15:06:40.000Z",
    },
    slots: [
      {
        slot: 0,
        heartbeat: {
          status: "ok",
          node: "node-a",
          role: "ACTIVE",
          incarnation: 1_700_000_000_000,
          seq: 42,
          writtenAt: "2025-06-15T15:06:38.500Z",
          ageMs: 1500,
          uptimeMs: 98_765,
          writer: 2 ** 52 + 12_345,
          watchdogMs: 0,
          priority: null,
        },
        mailbox: { status: "empty", detail: "all zeros" },
      },
      {
        slot: 1,
        heartbeat: { status: "foreign-cluster", detail: "slot 1: another cluster", clusterId: "0xdeadbeef" },
        mailbox: {
          status: "ok",
          type: "reset",
          sender: "node-b",
          senderIncarnation: 1_700_000_000_999,
          seq: 7,
          targetIncarnation: 1_700_000_100_000,
          writtenAt: "2025-06-15T15:06:37.000Z",
          ageMs: 3000,
        },
      },
    ],
  });
});

test("clusterguard disk dump --json on an initialised area with one beat; the text dump stays text", async () => {
  const { dir, cleanup } = scratchDir();
  try {
    const disk = blankFile(join(dir, "shared.img"));
    const cfg = join(dir, "clusterguard.toml");
    const key = join(dir, "authkey");
    writeFileSync(
      cfg,
      `[cluster]\nname = "dump"\n[[node]]\nname = "a"\naddress = "10.0.0.1"\n[[node]]\nname = "b"\naddress = "10.0.0.2"\n[channels.disk]\nenabled = true\ndevice = "${disk}"\n`,
    );
    assert.is(runExe(["keygen", "--authkey", key]).code, 0);
    const init = runExe(["disk", "init", "--config", cfg, "--authkey", key]);
    assert.is(init.code, 0, init.stderr);
    const k = loadAuthkey(key);
    if (!k.ok) throw new Error(JSON.stringify(k.errors));
    const area = await DiskArea.open(disk, 0, { key: k.key, clusterId: clusterIdOf("dump") });
    await area.writeSlot(1, sampleSlot({ node: "b", role: "STANDBY", writtenAt: Date.now() }));
    await area.close();

    const r = runExe(["disk", "dump", "--json", "--config", cfg, "--authkey", key]);
    assert.is(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.is(doc.device, disk);
    assert.is(doc.header.status, "ok");
    assert.is(doc.header.clusterId, `0x${(clusterIdOf("dump") >>> 0).toString(16).padStart(8, "0")}`);
    assert.equal(doc.header.timers, { keepaliveMs: 200, deadtimeMs: 5000, msgwaitMs: 10000, watchdogTimeoutMs: 5000 });
    assert.equal(
      doc.slots.map((s: { slot: number; heartbeat: { status: string }; mailbox: { status: string } }) => [
        s.slot,
        s.heartbeat.status,
        s.mailbox.status,
      ]),
      [
        [0, "empty", "empty"],
        [1, "ok", "empty"],
      ],
    );
    assert.is(doc.slots[1].heartbeat.node, "b");
    assert.is(doc.slots[1].heartbeat.role, "STANDBY");

    const text = runExe(["disk", "dump", "--config", cfg, "--authkey", key]);
    assert.is(text.code, 0, text.stderr);
    assert.match(text.stdout, /^slot 1 heartbeat: node b, STANDBY, /m);
  } finally {
    cleanup();
  }
});

test.run();
