import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatConfigError } from "../../src/config/errors.ts";
import { selectSelf } from "../../src/config/node-select.ts";
import { configOf, fixture } from "./helpers.ts";

const config = configOf(fixture("good.toml"));

test("selecting either node returns it as self and the other as peer", () => {
  const a = selectSelf(config, "a");
  const b = selectSelf(config, "b");
  assert.ok(a.ok && b.ok);
  if (a.ok && b.ok) {
    assert.equal([a.self.name, a.peer.name], ["a", "b"]);
    assert.equal([b.self.name, b.peer.name], ["b", "a"]);
    assert.is(a.self.address, "192.168.100.1");
  }
});

test("an unknown node name is an error naming both configured names", () => {
  const r = selectSelf(config, "c");
  assert.not.ok(r.ok);
  if (!r.ok) {
    assert.is(formatConfigError(r.error), 'kernel command line: rd.clusterguard.node = "c": unknown node name; expected one of the configured node names: "a", "b"');
  }
});

test("the origin of the name can be given for the message", () => {
  const r = selectSelf(config, "A", { file: "/proc/cmdline", key: "rd.clusterguard.node" });
  assert.ok(!r.ok && formatConfigError(r.error).startsWith('/proc/cmdline: rd.clusterguard.node = "A"'));
});

test.run();
