// Hostile config paths: a FIFO, a device, an oversized file are refused at once, naming the file and what it is.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatConfigError, loadConfig, MAX_CONFIG_BYTES } from "../../src/config/load.ts";

const REPO = join(import.meta.dir, "..", "..");
const BUN = join(REPO, "node_modules", ".bin", "bun");
const dir = mkdtempSync(join(tmpdir(), "cg-hostile-"));
/** Long enough for a slow machine, short enough that a blocked read is caught instead of hanging the suite. */
const HANG_MS = 20_000;

/** Runs `clusterguard config check` on `config` in a child process that is killed if it blocks. */
function configCheck(config: string): { status: number | null; stderr: string; killed: boolean } {
  const key = join(dir, "authkey");
  writeFileSync(key, `${"ab".repeat(32)}\n`, { mode: 0o600 });
  const r = spawnSync(BUN, [join(REPO, "src", "main.ts"), "config", "check", "--config", config, "--authkey", key], {
    encoding: "utf8",
    timeout: HANG_MS,
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { status: r.status, stderr: r.stderr ?? "", killed: r.signal !== null };
}

test("a FIFO given as --config is refused at once with exit 2, not read (a read would block forever)", () => {
  const fifo = join(dir, "fifo.toml");
  assert.is(spawnSync("mkfifo", [fifo]).status, 0);
  const r = configCheck(fifo);
  assert.not.ok(r.killed, "config check blocked on the FIFO and was killed");
  assert.is(r.status, 2, r.stderr);
  assert.match(
    r.stderr,
    `${fifo}: (file): is a FIFO (named pipe), not a regular file; expected a regular file holding the TOML configuration`,
  );
});

test("/dev/zero is refused as a character device without reading it", () => {
  const r = configCheck("/dev/zero");
  assert.not.ok(r.killed, "config check read /dev/zero and was killed");
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, "/dev/zero: (file): is a character device, not a regular file");
});

test("loadConfig names a directory as a directory", () => {
  const r = loadConfig(dir);
  assert.not.ok(r.ok);
  if (!r.ok)
    assert.equal(r.errors.map(formatConfigError), [
      `${dir}: (file): is a directory, not a regular file; expected a regular file holding the TOML configuration`,
    ]);
});

test("a config file larger than the cap is refused by its size; one at the cap is read", () => {
  const big = join(dir, "big.toml");
  copyFileSync(join(REPO, "test", "fixtures", "config", "minimal.toml"), big);
  truncateSync(big, MAX_CONFIG_BYTES + 1);
  const r = loadConfig(big);
  assert.not.ok(r.ok);
  if (!r.ok)
    assert.equal(r.errors.map(formatConfigError), [
      `${big}: (file): the file is ${MAX_CONFIG_BYTES + 1} bytes; expected at most ${MAX_CONFIG_BYTES} bytes (a configuration is a few kilobytes)`,
    ]);
  truncateSync(big, MAX_CONFIG_BYTES);
  const atCap = loadConfig(big);
  // Read in full and parsed: the NUL padding is a syntax error, not a size error.
  assert.not.ok(atCap.ok);
  if (!atCap.ok) assert.not.match(formatConfigError(atCap.errors[0]!), "bytes; expected at most");
});

test("a FIFO is never opened: a writer waiting for a reader on it stays blocked (stat before open)", async () => {
  const fifo = join(dir, "waiting.fifo");
  assert.is(spawnSync("mkfifo", [fifo]).status, 0);
  // The writer's open blocks until someone opens the FIFO for reading; then it exits at once.
  const writer = Bun.spawn(["/bin/sh", "-c", `exec 3>${fifo}`]);
  const waiting = () => {
    try {
      return readFileSync(`/proc/${writer.pid}/wchan`, "utf8") === "wait_for_partner";
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 200 && !waiting(); i++) await Bun.sleep(25);
  assert.ok(waiting(), "the writer waits for a reader");
  const r = loadConfig(fifo);
  assert.not.ok(r.ok);
  if (!r.ok) assert.match(formatConfigError(r.errors[0]!), "is a FIFO (named pipe), not a regular file");
  const exited = await Promise.race([writer.exited.then(() => true), Bun.sleep(1500).then(() => false)]);
  writer.kill("SIGKILL");
  assert.not.ok(exited, "the reader opened the FIFO (the writer was let through)");
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
