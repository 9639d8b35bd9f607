import { test } from "uvu";
import * as assert from "uvu/assert";
import { BASE, fixture, warningsOf } from "./helpers.ts";

const QMP = `[[fencing.level]]\ntype = "qmp"\ndevice = "/dev/fence"\n`;

test("a complete config has no warnings", () => {
  assert.equal(warningsOf(fixture("good.toml")), []);
  assert.equal(warningsOf(`${BASE}${QMP}`), []);
});

test("no fence levels warns that takeover will never happen, without failing validation", () => {
  assert.equal(warningsOf(BASE), [
    "t.toml: fencing.level: no fence levels configured; takeover will never happen without a confirmed fence: add a [[fencing.level]]",
  ]);
});

test("a single enabled channel warns about the single point of failure", () => {
  assert.equal(warningsOf(`${BASE}[channels.serial]\nenabled = false\n${QMP}`), [
    "t.toml:11: channels.udp: only one heartbeat channel is enabled (udp); a single link is a single point of failure: enable a second channel",
  ]);
});

test("wait_for_all = false without the disk channel warns that cut cables can cause a fence loop", () => {
  assert.equal(warningsOf(`${BASE}[fencing]\nwait_for_all = false\n${QMP}`), [
    "t.toml:12: fencing.wait_for_all: false with channels.disk off: a node booting with its heartbeat cables cut fences a peer it never heard, and each boot fences the other (a fence loop); enable channels.disk, or keep wait_for_all = true",
  ]);
  assert.equal(
    warningsOf(`${BASE}[fencing]\nwait_for_all = false\n[channels.disk]\nenabled = true\ndevice = "/dev/vdb"\n${QMP}`),
    [],
    "the disk channel proves the peer dead",
  );
  assert.equal(warningsOf(`${BASE}[fencing]\nwait_for_all = true\n${QMP}`), []);
});

test.run();
