// Running a command on the host (root "/"): its output captured whole, and told line by line as it comes.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { runIn } from "../../src/boot/chroot.ts";

test("each line of the output reaches onLine, stdout and stderr alike, and the whole output is returned", async () => {
  const lines: string[] = [];
  const r = await runIn("/", "sh", ["-c", "echo one; echo two >&2; echo three"], undefined, (l) => lines.push(l));
  assert.is(r.exitCode, 0);
  assert.equal(lines.sort(), ["one", "three", "two"]);
  assert.equal(r.output.split("\n").sort(), ["one", "three", "two"]);
});

test("a last line without its newline is in the output, not told as a line", async () => {
  const lines: string[] = [];
  const r = await runIn("/", "sh", ["-c", "echo one; printf two"], undefined, (l) => lines.push(l));
  assert.equal(lines, ["one"]);
  assert.is(r.output, "one\ntwo");
});

test("without onLine it runs as before", async () => {
  const r = await runIn("/", "sh", ["-c", "exit 3"]);
  assert.is(r.exitCode, 3);
});

test("a command that outlives its timeout is stopped and says so, not only by an exit code", async () => {
  const t0 = performance.now();
  const r = await runIn("/", "sh", ["-c", "echo started; exec sleep 30"], 300);
  assert.ok(performance.now() - t0 < 10_000, "stopped long before the command would have ended");
  assert.is(r.timedOut, true);
  assert.is(r.output, "started");
  const done = await runIn("/", "sh", ["-c", "exit 0"], 10_000);
  assert.not.ok(done.timedOut, "a command that ends in time is not reported as timed out");
});

test.run();
