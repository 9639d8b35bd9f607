// The authkey, management.token_file and the fence levels' password_file follow one set of rules: a regular file
// (a symlink is followed and its target judged), owned by root, mode 0600 or stricter, at most 64 KiB; checked
// where each is read, and by `config check`.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KINDS } from "./secret-probe.ts";

const REPO = join(import.meta.dir, "..", "..");
const BUN = join(REPO, "node_modules", ".bin", "bun");
const dir = mkdtempSync(join(tmpdir(), "cg-secrets-"));
const NOBODY = 65534;
/** Valid for every kind: a 64-character key, token and password. */
const SECRET = `${"0123456789abcdef".repeat(4)}\n`;
const HANG_MS = 20_000;
const isRoot = process.getuid?.() === 0;

function secretFile(name: string, mode: number, content = SECRET): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  chmodSync(path, mode);
  return path;
}

/** Reads `path` as `kind` in a child that is killed if the read blocks. */
function probe(kind: string, path: string): { accepted: boolean; message: string } {
  const r = spawnSync(BUN, [join(import.meta.dir, "secret-probe.ts"), kind, path], {
    encoding: "utf8",
    timeout: HANG_MS,
  });
  if (r.signal !== null) return { accepted: false, message: `blocked reading ${path}: killed after ${HANG_MS} ms` };
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { accepted: boolean; message: string };
}

const good = secretFile("good", 0o600);
const groupReadable = secretFile("group-readable", 0o640);
const big = secretFile("big", 0o600, `${"x".repeat(70_000)}\n`);
const fifo = join(dir, "fifo");
spawnSync("mkfifo", ["-m", "0600", fifo]);
const linkToLoose = join(dir, "link-to-loose");
symlinkSync(groupReadable, linkToLoose);
const linkToGood = join(dir, "link-to-good");
symlinkSync(good, linkToGood);
const nobodys = secretFile("nobodys", 0o600);
if (isRoot) chownSync(nobodys, NOBODY, NOBODY);

for (const kind of KINDS) {
  test(`${kind}: a private root-owned file is accepted, also through a symlink`, () => {
    assert.equal(probe(kind, good), { accepted: true, message: "" });
    assert.equal(probe(kind, linkToGood), { accepted: true, message: "" });
  });

  test(`${kind}: group-readable is refused with the fix-it command, also behind a symlink`, () => {
    for (const path of [groupReadable, linkToLoose]) {
      const r = probe(kind, path);
      assert.not.ok(r.accepted, path);
      assert.match(r.message, "mode is 0640");
      assert.match(r.message, "expected mode 0600 or stricter");
      assert.match(r.message, `chmod 0600 ${path}`);
    }
  });

  test(`${kind}: a file owned by another user is refused, naming the owner found`, () => {
    if (!isRoot) return console.log("  (skipped: chown to nobody needs root)");
    const r = probe(kind, nobodys);
    assert.not.ok(r.accepted);
    assert.match(r.message, `owned by uid ${NOBODY}`);
    assert.match(r.message, "expected owner root (uid 0)");
  });

  test(`${kind}: a FIFO is refused at once, not read`, () => {
    const r = probe(kind, fifo);
    assert.not.ok(r.accepted);
    assert.match(r.message, "is a FIFO (named pipe), not a regular file");
  });

  test(`${kind}: a file over 64 KiB is refused by its size`, () => {
    const r = probe(kind, big);
    assert.not.ok(r.accepted);
    assert.match(r.message, "the file is 70001 bytes");
  });
}

test("config check refuses a loose token_file and password_file, naming the key, and exits 2", () => {
  const key = secretFile("authkey", 0o600);
  const config = join(dir, "cg.toml");
  writeFileSync(
    config,
    `[cluster]\nname = "t"\n[[node]]\nname = "a"\naddress = "10.0.0.1"\n[[node]]\nname = "b"\naddress = "10.0.0.2"\n` +
      `[management]\ntoken_file = ${JSON.stringify(groupReadable)}\n` +
      `[[fencing.level]]\ntype = "ipmi"\nhost = "bmc"\nuser = "admin"\npassword_file = ${JSON.stringify(fifo)}\n` +
      `[[fencing.level]]\ntype = "redfish"\nurl = "https://bmc"\nuser = "admin"\npassword_file = ${JSON.stringify(good)}\n`,
  );
  const r = spawnSync(BUN, [join(REPO, "src", "main.ts"), "config", "check", "--config", config, "--authkey", key], {
    encoding: "utf8",
    timeout: HANG_MS,
  });
  assert.is(r.signal, null, "config check blocked");
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, `${groupReadable}: management.token_file: mode is 0640; expected mode 0600 or stricter`);
  assert.match(r.stderr, `${fifo}: fencing.level[0].password_file: is a FIFO (named pipe), not a regular file`);
  assert.not.match(r.stderr, "fencing.level[1].password_file");
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
