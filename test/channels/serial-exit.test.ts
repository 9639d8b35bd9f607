import fs from "node:fs";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startPtyPair } from "../helpers/pty-pair.ts";

const SERIAL = path.resolve(import.meta.dir, "../../src/channels/serial.ts");

/** A child Bun process that uses two channels, stops them, and must then exit by itself. */
const script = (a: string, b: string, missing: string) => `
import { SerialChannel } from ${JSON.stringify(SERIAL)};
const got = [];
const a = new SerialChannel({ device: ${JSON.stringify(a)}, baud: 115200 });
const b = new SerialChannel({ device: ${JSON.stringify(b)}, baud: 115200 });
const gone = new SerialChannel({ device: ${JSON.stringify(missing)}, baud: 115200, reopenMinMs: 5000 });
await a.start({ frame() {}, health() {} });
await b.start({ frame: (f) => got.push(f), health() {} });
await gone.start({ frame() {}, health() {} });
a.send(new Uint8Array([7, 0, 7]));
while (got.length === 0) await Bun.sleep(5);
await Promise.all([a.stop(), b.stop(), gone.stop()]);
console.log("stopped", got.length);
`;

test("after stop() a process that used the channels exits by itself, even with a reopen wait pending", async () => {
  const pair = await startPtyPair();
  const child = Bun.spawn([process.execPath, "-e", script(pair.a, pair.b, path.join(pair.dir, "missing"))], {
    stdout: "pipe",
    stderr: "pipe",
  });
  try {
    const timeout = Bun.sleep(5000).then(() => "hung" as const);
    const outcome = await Promise.race([child.exited, timeout]);
    assert.is.not(outcome, "hung", "the child was still running 5 s after start");
    assert.is(outcome, 0, await new Response(child.stderr).text());
    assert.is((await new Response(child.stdout).text()).trim(), "stopped 1");
  } finally {
    child.kill("SIGKILL");
    await child.exited;
    await pair.kill();
    fs.rmSync(pair.dir, { recursive: true, force: true });
  }
});

test.run();
