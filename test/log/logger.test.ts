// The logger: kmsg gets every event first, whatever order the sinks were given in (a self-fence's last words).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kmsgSink, Logger, streamSink } from "../../src/log/logger.ts";

const dir = mkdtempSync(join(tmpdir(), "cg-log-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test("JSON mode: the kmsg line is written before stdout gets the event, even when stdout is listed first", () => {
  const path = join(dir, "kmsg");
  writeFileSync(path, "");
  const k = kmsgSink(path);
  assert.ok(k, "a writable file stands in for /dev/kmsg");
  const seen: string[] = [];
  const stdout = streamSink(
    (line) => void seen.push(`stdout saw kmsg=${readFileSync(path, "utf8").length > 0}: ${line.trim()}`),
    "json",
  );
  new Logger("a", [stdout, k!]).emit("critical", "self-fence", "self-fencing (reset): poison pill");
  assert.match(readFileSync(path, "utf8"), /^<2>clusterguard: a self-fence: self-fencing \(reset\): poison pill\n$/);
  assert.is(seen.length, 1);
  assert.match(seen[0]!, /^stdout saw kmsg=true: \{.*"event":"self-fence"/);
});

test("other sinks keep their order", () => {
  const order: string[] = [];
  new Logger("a", [() => void order.push("one"), () => void order.push("two")]).emit("info", "x", "y");
  assert.equal(order, ["one", "two"]);
});

test.run();
