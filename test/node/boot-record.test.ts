// This boot's records under /run: read back only for the same boot and node; a successor's seq stays above all sent.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configDigests } from "../../src/config/index.ts";
import {
  configDrift,
  MAX_FRAMES_PER_MS,
  readConfigRecord,
  readIncarnation,
  readStopped,
  readWatchdog,
  seqAbove,
  writeIncarnation,
  writeConfigRecord,
  writeStopped,
  writeWatchdog,
} from "../../src/node/boot-record.ts";
import { configOf, fixture } from "../config/helpers.ts";

function scratch<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "cg-run-"));
  try {
    return fn(join(dir, "clusterguard"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("an incarnation record reads back for the same boot and node only", () => {
  scratch((dir) => {
    assert.match(String(readIncarnation(dir, "a", "boot-1")), /^no .*incarnation\.json$/);
    assert.is(
      writeIncarnation(dir, { bootId: "boot-1", node: "a", incarnation: 1700000000000, seq: 12, uptimeMs: 5000 }),
      null,
    );
    assert.equal(readIncarnation(dir, "a", "boot-1"), {
      v: 1,
      bootId: "boot-1",
      node: "a",
      incarnation: 1700000000000,
      seq: 12,
      uptimeMs: 5000,
    });
    assert.match(String(readIncarnation(dir, "a", "boot-2")), /bootId: expected this boot \(boot-2\), got boot-1/);
    assert.match(String(readIncarnation(dir, "b", "boot-1")), /node: expected b, got a/);
    assert.match(
      String(readIncarnation(dir, "a", "")),
      /bootId: expected this boot \(unknown\)/,
      "an unknown boot id matches nothing",
    );
  });
});

test("the watchdog a boot armed reads back for that boot and node only (row 18.5)", () => {
  scratch((dir) => {
    assert.match(String(readWatchdog(dir, "a", "boot-1")), /^no .*watchdog\.json$/);
    const rec = { bootId: "boot-1", node: "a", uptimeMs: 5000, device: "/dev/watchdog", timeoutS: 5 };
    assert.is(writeWatchdog(dir, rec), null);
    assert.equal(readWatchdog(dir, "a", "boot-1"), { v: 1, ...rec });
    assert.match(String(readWatchdog(dir, "a", "boot-2")), /bootId: expected this boot \(boot-2\), got boot-1/);
    assert.is(writeWatchdog(dir, { ...rec, device: "" }), null);
    assert.match(String(readWatchdog(dir, "a", "boot-1")), /expected a device and a positive timeoutS/);
  });
});

test("a damaged or foreign record is refused with what was expected", () => {
  scratch((dir) => {
    assert.is(
      writeStopped(dir, {
        bootId: "boot-1",
        node: "a",
        incarnation: 9,
        seq: 40,
        uptimeMs: 100,
        reason: "planned switchover",
        at: 1,
      }),
      null,
    );
    assert.equal((readStopped(dir, "a", "boot-1") as { reason: string }).reason, "planned switchover");
    writeFileSync(
      join(dir, "stopped.json"),
      JSON.stringify({ v: 1, bootId: "boot-1", node: "a", incarnation: 9, seq: -1, uptimeMs: 1, reason: "x", at: 1 }),
    );
    assert.match(String(readStopped(dir, "a", "boot-1")), /seq: expected a non-negative integer, got -1/);
    writeFileSync(join(dir, "stopped.json"), "{not json");
    assert.match(String(readStopped(dir, "a", "boot-1")), /stopped\.json: /);
  });
});

test("a successor's first seq is above every frame the uptime since the record allows, and above the disk slot's", () => {
  assert.ok(seqAbove(100, 1000, 1000) > 100);
  assert.ok(
    seqAbove(100, 1000, 61000) > 100 + 60000 * MAX_FRAMES_PER_MS,
    "a minute later: above a minute of frames at the bound",
  );
  assert.ok(seqAbove(100, 1000, 2000, 9_000_000_000) > 9_000_000_000, "the own slot's seq when it is higher");
  assert.is(seqAbove(100, 5000, 1000), seqAbove(100, 5000, 5000), "an uptime below the record's counts as no time");
  assert.ok(Number.isSafeInteger(seqAbove(0, 0, 10 * 365 * 86400000)), "ten years of uptime still fit a safe integer");
});

test("a record's directory is made when missing, again if it disappears, and an unwritable place is reported", () => {
  scratch((dir) => {
    const rec = { bootId: "boot-1", node: "a", incarnation: 1700000000000, seq: 1, uptimeMs: 1 };
    assert.is(writeIncarnation(dir, rec), null, "made on the first write");
    rmSync(dir, { recursive: true, force: true });
    assert.is(writeIncarnation(dir, { ...rec, seq: 2 }), null, "made again");
    assert.is((readIncarnation(dir, "a", "boot-1") as { seq: number }).seq, 2);
    rmSync(dir, { recursive: true, force: true });
    writeFileSync(dir, "a file where the directory belongs");
    assert.match(String(writeIncarnation(dir, rec)), /incarnation\.json: .*(ENOTDIR|EEXIST|not a directory)/i);
  });
});

test("the guard's config record reads back for this boot; the agent finds what differs, meaning not spelling", () => {
  const key = new TextEncoder().encode("k".repeat(32));
  const text = fixture("good.toml");
  const guard = configDigests(configOf(text), key);
  scratch((dir) => {
    assert.match(String(readConfigRecord(dir, "a", "boot-1")), /^no .*config\.json$/);
    assert.is(writeConfigRecord(dir, { bootId: "boot-1", node: "a", ...guard }), null);
    const rec = readConfigRecord(dir, "a", "boot-1");
    if (typeof rec === "string") throw new Error(rec);
    assert.match(String(readConfigRecord(dir, "a", "boot-2")), /bootId: expected this boot/);
    // A comment and blank lines are no change; a timer is; so is another key.
    const same = configDigests(configOf(`# edited\n\n${text}`), key);
    assert.is(configDrift(rec, same), null);
    const edited = configDigests(configOf(text.replace("deadtime = 3000", "deadtime = 4000")), key);
    assert.is(configDrift(rec, edited), "the configuration");
    const rekeyed = configDigests(configOf(text), new TextEncoder().encode("x".repeat(32)));
    assert.is(configDrift(rec, rekeyed), "the authkey");
    assert.is(
      configDrift(rec, { config: edited.config, authkey: rekeyed.authkey }),
      "the configuration and the authkey",
    );
  });
  scratch((dir) => {
    assert.is(writeConfigRecord(dir, { bootId: "boot-1", node: "a", config: "nope", authkey: guard.authkey }), null);
    assert.match(String(readConfigRecord(dir, "a", "boot-1")), /config: expected a sha256 in hex/);
  });
});

test.run();
