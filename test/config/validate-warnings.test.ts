import { test } from "uvu";
import * as assert from "uvu/assert";
import { BASE, fixture, warningsOf } from "./helpers.ts";

const QMP = `[[fencing.agent]]\ntype = "qmp"\ndevice = "/dev/fence"\n`;

test("a complete config has no warnings", () => {
  assert.equal(warningsOf(fixture("good.toml")), []);
  assert.equal(warningsOf(`${BASE}${QMP}`), []);
});

test("no fence agents warns that takeover will never happen, without failing validation", () => {
  assert.equal(warningsOf(BASE), [
    "t.toml: fencing.agent: no fence agents configured; takeover will never happen without a confirmed fence: add a [[fencing.agent]]",
  ]);
});

test("a single enabled channel warns about the single point of failure", () => {
  assert.equal(warningsOf(`${BASE}[channels.serial]\nenabled = false\n${QMP}`), [
    "t.toml:11: channels.udp: only one heartbeat channel is enabled (udp); a single link is a single point of failure: enable a second channel",
  ]);
});

test.run();
