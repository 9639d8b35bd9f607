// Can the serialport package run under the Bun this project uses? It is a dependency (the design card names it) that
// nothing uses: its Poller calls libuv's uv_poll_init, which Bun has not implemented, so `new SerialPort` aborts the
// process and the serial channel keeps its own termios reader. A child Bun opens one end of a pty pair with it and
// reads a line written to the other end; this test prints what happened and fails the day it works, so that the
// project learns it could use serialport (README, "Serial line without the serialport package").
import { test } from "uvu";
import * as assert from "uvu/assert";
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { startPtyPair } from "../helpers/pty-pair.ts";

const ROOT = resolve(import.meta.dir, "../..");
const TIMEOUT_MS = 10_000;

/** The child: open `path` at 9600 baud, wait for "ping" written to `other`; prints one status line per step. */
function childScript(path: string, other: string): string {
  return `
const fs = require("node:fs");
let SerialPort;
try {
  ({ SerialPort } = require("serialport"));
} catch (e) {
  console.log("NOT-INSTALLED " + e.message);
  process.exit(5);
}
const port = new SerialPort({ path: ${JSON.stringify(path)}, baudRate: 9600 }, (err) => {
  if (err) {
    console.log("OPEN-FAILED " + err.message);
    process.exit(3);
  }
  console.log("OPENED");
  port.on("error", (e) => {
    console.log("ERROR " + e.message);
    process.exit(4);
  });
  port.on("data", (d) => {
    console.log("DATA " + JSON.stringify(d.toString()));
    if (d.toString().includes("ping")) process.exit(0);
  });
  fs.writeSync(fs.openSync(${JSON.stringify(other)}, "r+"), "ping");
});
`;
}

type Outcome = "works" | "aborted" | "failed" | "hung" | "not-installed";

test("serialport under Bun: new SerialPort on a pty still dies or fails, so the serial channel keeps its termios reader", async () => {
  const pair = await startPtyPair();
  try {
    const child = Bun.spawn([process.execPath, "-e", childScript(pair.a, pair.b)], {
      cwd: ROOT,
      stdout: "pipe",
      stderr: "pipe",
    });
    const out = new Response(child.stdout).text();
    const err = new Response(child.stderr).text();
    const ended = await Promise.race([child.exited.then(() => true), Bun.sleep(TIMEOUT_MS).then(() => false)]);
    if (!ended) child.kill("SIGKILL");
    await child.exited;
    const stdout = await out;
    const stderr = await err;
    const code = child.exitCode;
    const signal = child.signalCode;
    let outcome: Outcome;
    if (stdout.includes("NOT-INSTALLED")) outcome = "not-installed";
    else if (!ended) outcome = "hung";
    else if (signal !== null || (code !== null && code >= 128)) outcome = "aborted";
    else if (code === 0 && /DATA .*ping/.test(stdout)) outcome = "works";
    else outcome = "failed";
    const why = stderr.match(/^panic\(.*$/m)?.[0] ?? stdout.trim().split("\n").at(-1) ?? "";
    const how = signal !== null ? `signal ${signal}` : code === null ? "killed" : `exit ${code}`;
    console.log(`  (serialport under Bun ${Bun.version}: ${outcome}, ${how}${why ? `: ${why}` : ""})`);
    assert.is.not(outcome, "not-installed", `serialport is not installed (run npm ci): ${stdout.trim()}`);
    assert.is.not(
      outcome,
      "works",
      `serialport now works under Bun ${Bun.version}: the serial channel could use it; revisit "Serial line without the serialport package" in README.md`,
    );
  } finally {
    await pair.kill();
    rmSync(pair.dir, { recursive: true, force: true });
  }
});

test.run();
