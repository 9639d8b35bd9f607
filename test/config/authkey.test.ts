import { test } from "uvu";
import * as assert from "uvu/assert";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadAuthkey, writeAuthkey } from "../../src/config/secrets.ts";
import { formatConfigError } from "../../src/config/load.ts";

const dir = mkdtempSync(join(tmpdir(), "cg-authkey-"));
const KEY = `${"ab".repeat(32)}\n`;
const uid = process.getuid?.() ?? 0;

/** Writes a key file with an exact mode (chmod after write, so the umask does not interfere). */
function keyFile(name: string, content: string, mode: number): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  chmodSync(path, mode);
  return path;
}

function messages(r: ReturnType<typeof loadAuthkey>): string[] {
  return r.ok ? [] : r.errors.map(formatConfigError);
}

test("mode 0644 is refused with a message that says how to fix it", () => {
  const path = keyFile("k644", KEY, 0o644);
  const [msg, ...rest] = messages(loadAuthkey(path, { requireUid: uid }));
  assert.equal(rest, []);
  assert.ok(msg?.startsWith(`${path}: (mode): mode is 0644; expected mode 0600 or stricter`), msg);
  assert.ok(msg?.includes(`run: chown ${uid === 0 ? "root:root" : uid} ${path} && chmod 0600 ${path}`), msg);
});

test("group-only and other-only permission bits are refused too", () => {
  assert.is(messages(loadAuthkey(keyFile("k640", KEY, 0o640), { requireUid: uid })).length, 1);
  assert.is(messages(loadAuthkey(keyFile("k604", KEY, 0o604), { requireUid: uid })).length, 1);
  assert.is(messages(loadAuthkey(keyFile("k700", KEY, 0o700), { requireUid: uid })).length, 1);
});

test("modes 0600 and 0400 are accepted and the key is the content without its trailing newline", () => {
  for (const mode of [0o600, 0o400]) {
    const r = loadAuthkey(keyFile(`k${mode.toString(8)}`, KEY, mode), { requireUid: uid });
    assert.ok(r.ok, messages(r).join("\n"));
    if (r.ok) assert.equal(Buffer.from(r.key).toString(), "ab".repeat(32));
  }
});

test("the owner defaults to root", () => {
  const r = loadAuthkey(keyFile("kroot", KEY, 0o600));
  assert.is(r.ok, uid === 0);
});

test("a uid mismatch is refused, naming the owner found and the one expected", () => {
  const path = keyFile("kuid", KEY, 0o600);
  assert.equal(messages(loadAuthkey(path, { requireUid: 12345 })), [
    `${path}: (owner): owned by uid ${uid}; expected owner uid 12345; run: chown 12345 ${path} && chmod 0600 ${path}`,
  ]);
});

test("a key shorter than 32 bytes is refused", () => {
  const path = keyFile("kshort", `${"x".repeat(31)}\n`, 0o600);
  assert.equal(messages(loadAuthkey(path, { requireUid: uid })), [
    `${path}: (length): the key is 31 bytes; expected at least 32 bytes (a generated key is 128 hex characters)`,
  ]);
  assert.ok(loadAuthkey(keyFile("k32", "x".repeat(32), 0o600), { requireUid: uid }).ok);
});

test("owner, mode and length problems are reported together", () => {
  const r = loadAuthkey(keyFile("kall", "short", 0o666), { requireUid: 12345 });
  assert.equal(r.ok ? [] : r.errors.map((e) => e.key), ["(owner)", "(mode)", "(length)"]);
});

test("a missing file and a directory are refused", () => {
  assert.equal(messages(loadAuthkey(join(dir, "none"))), [
    `${join(dir, "none")}: (file): cannot open the file (ENOENT); expected a readable regular file holding the key (mode 0600, owned by root)`,
  ]);
  assert.equal(messages(loadAuthkey(dir, { requireUid: uid })), [
    `${dir}: (file): is a directory, not a regular file; expected a regular file holding the key (mode 0600, owned by root)`,
  ]);
});

test("paths with spaces are quoted in the fix-it command", () => {
  const path = keyFile("my key", KEY, 0o644);
  assert.ok(messages(loadAuthkey(path, { requireUid: uid }))[0]?.includes(`chmod 0600 '${path}'`));
});

test("writeAuthkey writes 128 hex characters and a newline with mode 0600, loadable as a key", () => {
  const path = join(dir, "new");
  const old = process.umask(0);
  try {
    assert.equal(writeAuthkey(path), { ok: true });
  } finally {
    process.umask(old);
  }
  assert.is(statSync(path).mode & 0o7777, 0o600);
  assert.match(readFileSync(path, "utf8"), /^[0-9a-f]{128}\n$/);
  const r = loadAuthkey(path, { requireUid: uid });
  assert.ok(r.ok);
  if (r.ok) assert.is(r.key.length, 128);
});

test("writeAuthkey refuses to overwrite an existing key unless forced", () => {
  const path = join(dir, "existing");
  assert.ok(writeAuthkey(path).ok);
  const before = readFileSync(path, "utf8");
  const r = writeAuthkey(path);
  assert.not.ok(r.ok);
  if (!r.ok)
    assert.equal(r.errors.map(formatConfigError), [
      `${path}: (file): the file already exists; expected no existing key file (use force to replace it; the peer needs the same key)`,
    ]);
  assert.is(readFileSync(path, "utf8"), before);
  assert.ok(writeAuthkey(path, { force: true }).ok);
  assert.is.not(readFileSync(path, "utf8"), before);
  assert.is(statSync(path).mode & 0o7777, 0o600);
});

test("writeAuthkey leaves no temporary files behind, and reports a missing directory", () => {
  const r = writeAuthkey(join(dir, "no-such-dir", "authkey"));
  assert.not.ok(r.ok);
  if (!r.ok) assert.ok(formatConfigError(r.errors[0]!).includes("cannot write the key file (ENOENT)"));
  const leftovers = readdirSync(dir).filter((f) => f.endsWith(".tmp"));
  assert.equal(leftovers, []);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
