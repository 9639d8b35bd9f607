// `clusterguard config check` and `keygen`, run as the compiled executable.
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runExe } from "../helpers/exe.ts";

const GOOD = resolve(import.meta.dir, "../fixtures/config/good.toml");
const dir = mkdtempSync(join(tmpdir(), "cg-cli-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const key = join(dir, "authkey");

test("keygen writes a 0600 key and refuses to overwrite it without --force", () => {
  const r = runExe(["keygen", "--authkey", key]);
  assert.is(r.code, 0, r.stderr);
  assert.is(statSync(key).mode & 0o777, 0o600);
  const first = readFileSync(key, "utf8");
  assert.match(first, /^[0-9a-f]{128}\n$/);
  const again = runExe(["keygen", "--authkey", key]);
  assert.is(again.code, 1);
  assert.is(readFileSync(key, "utf8"), first, "the existing key is untouched");
  assert.is(runExe(["keygen", "--authkey", key, "--force"]).code, 0);
  assert.is.not(readFileSync(key, "utf8"), first);
});

test("a good config prints the effective configuration with the secret masked, exit 0", () => {
  const r = runExe(["config", "check", "--config", GOOD, "--authkey", key]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /\[timers\]/);
  assert.match(r.stdout, /deadtime = 3000/);
  assert.match(r.stdout, /<128 bytes, sha256 prefix [0-9a-f]{8}>/);
  const secret = readFileSync(key, "utf8").trim();
  assert.not.match(r.stdout, secret.slice(0, 16));
});

test("an old [[agent]] table is a config error naming the file, the line and the new spelling, exit 2", () => {
  const old = join(dir, "old.toml");
  writeFileSync(old, readFileSync(GOOD, "utf8").replace("[[monitor]]", "[[agent]]"));
  const r = runExe(["config", "check", "--config", old, "--authkey", key]);
  assert.is(r.code, 2);
  assert.match(r.stderr, /old\.toml:\d+: \[\[agent\]\]: renamed: write \[\[monitor\]\] \(the service monitors\)/);
});

test("a broken config lists every error with file, line, key, value and expectation, exit 2", () => {
  const bad = join(dir, "bad.toml");
  writeFileSync(
    bad,
    readFileSync(GOOD, "utf8")
      .replace("deadtime = 3000", "deadtime = 300")
      .replace('name = "lab"', 'name = "lab cluster"')
      .replace("port = 694", "prot = 694")
      .replace("priority = 100", "priority = -4"),
  );
  const r = runExe(["config", "check", "--config", bad, "--authkey", key]);
  assert.is(r.code, 2);
  assert.is(r.stdout, "", "nothing effective is printed for a broken config");
  assert.match(
    r.stderr,
    /bad\.toml:\d+: timers\.deadtime = 300: expected an integer greater than 2 x timers\.keepalive/,
  );
  assert.match(r.stderr, /bad\.toml:\d+: cluster\.name = "lab cluster": expected/);
  assert.match(
    r.stderr,
    /bad\.toml:\d+: channels\.udp\.prot: unknown key; expected one of: enabled, port, interface, broadcast/,
  );
  assert.match(r.stderr, /bad\.toml:\d+: node\[1\]\.priority = -4: expected an integer from 0 to 1000/);
  assert.match(r.stderr, /4 error\(s\)/);
});

test("an authkey readable by others is refused with the command that fixes it, exit 2", () => {
  const loose = join(dir, "loose");
  copyFileSync(key, loose);
  chmodSync(loose, 0o644);
  const r = runExe(["config", "check", "--config", GOOD, "--authkey", loose]);
  assert.is(r.code, 2);
  assert.match(r.stderr, /mode is 0644; expected mode 0600 or stricter/);
  assert.match(r.stderr, /chmod 0600/);
});

test("--json reports errors as data", () => {
  const r = runExe(["config", "check", "--json", "--config", join(dir, "missing.toml"), "--authkey", key]);
  assert.is(r.code, 2);
  const out = JSON.parse(r.stdout);
  assert.is(out.ok, false);
  assert.is(out.errors[0].key, "(file)");
});

test("a level that could not work from the initrd is a warning naming file, line, level key and why; exit 0", () => {
  const pw = join(dir, "bmc.pw");
  writeFileSync(pw, "s3cret\n", { mode: 0o600 });
  const cfg = join(dir, "initrd.toml");
  writeFileSync(
    cfg,
    `${readFileSync(GOOD, "utf8").replace(/\[\[fencing\.level\]\][^[]*type = "qmp"[^[]*/, "")}
[[fencing.level]]
type = "redfish"
url = "https://192.168.100.9"
user = "fence"
password_file = "${pw}"
ca_file = "${join(dir, "no-such-ca.pem")}"

[[fencing.level]]
type = "ipmi"
host = "192.168.77.12"
user = "fence"
password_file = "${pw}"
`,
  );
  const r = runExe(["config", "check", "--config", cfg, "--authkey", key]);
  assert.is(r.code, 0, r.stderr);
  const lines = readFileSync(cfg, "utf8").split("\n");
  const at = (text: string) => lines.findIndex((l) => l.startsWith(text)) + 1;
  assert.match(
    r.stderr,
    `warning: ${cfg}:${at("ca_file")}: fencing.level[1].ca_file: the redfish level verifies https against ${join(dir, "no-such-ca.pem")}, which is missing on this system: fix ca_file`,
  );
  assert.match(
    r.stderr,
    `warning: ${cfg}:${at('host = "192.168.77.12"')}: fencing.level[2].host: ipmi BMC 192.168.77.12 cannot be reached from the initrd of nodes a and b: only the heartbeat NIC (192.168.100.1/24, the guard's default prefix) is up there`,
  );
});

test("usage errors exit 2; version prints the release", () => {
  assert.is(runExe(["no-such-command"]).code, 2);
  assert.is(runExe([]).code, 2);
  assert.is(runExe(["config", "check", "--no-such-flag"]).code, 2);
  const v = runExe(["version", "--json"]);
  assert.is(v.code, 0);
  assert.match(JSON.parse(v.stdout).clusterguard, /^\d+\.\d+\.\d+$/);
  assert.match(runExe(["--version"]).stdout, /^\d+\.\d+\.\d+/);
});

test("every command has --help", () => {
  for (const cmd of ["guard", "agent", "status", "config", "keygen", "version"]) {
    const r = runExe([cmd, "--help"]);
    assert.is(r.code, 0, `${cmd} --help: ${r.stderr}`);
    assert.match(r.stdout, /--log-format/);
  }
});

/**
 * A guard initrd (a newc cpio through `compress`, gzip by default, as lsinitrd reads one) holding this config text
 * and authkey file.
 */
function initrdWith(name: string, configText: string, authkey: string, compress = "gzip"): string {
  const tree = mkdtempSync(join(dir, "tree-"));
  mkdirSync(join(tree, "etc/clusterguard"), { recursive: true });
  writeFileSync(join(tree, "etc/clusterguard/clusterguard.toml"), configText);
  copyFileSync(authkey, join(tree, "etc/clusterguard/authkey"));
  const image = join(dir, name);
  const r = Bun.spawnSync([
    "bash",
    "-c",
    `cd '${tree}' && find . | cpio -o -H newc 2>/dev/null | ${compress} > '${image}'`,
  ]);
  assert.is(r.exitCode, 0, r.stderr.toString());
  return image;
}

test("config check warns when the guard initrd holds another config or authkey than the files checked", () => {
  if (Bun.which("lsinitrd") === null) return console.log("    skipped: no lsinitrd (dracut) on this host");
  const text = readFileSync(GOOD, "utf8");
  const check = (image: string) => runExe(["config", "check", "--config", GOOD, "--authkey", key, "--initrd", image]);
  const warnings = (stderr: string) => stderr.split("\n").filter((l) => l.startsWith("warning: "));

  const same = check(initrdWith("same.img", `# built before a comment was added\n${text}`, key));
  assert.is(same.code, 0, same.stderr);
  assert.equal(warnings(same.stderr), [], "a comment is no change");

  const edited = initrdWith("edited.img", text.replace("deadtime = 3000", "deadtime = 4000"), key);
  const r = check(edited);
  assert.is(r.code, 0, "a warning never fails the check");
  assert.equal(warnings(r.stderr), [
    `warning: ${edited}: its configuration is another: run 'clusterguard initrd regenerate' (the guard in the initrd runs with the image's copy)`,
  ]);
  const json = JSON.parse(
    runExe(["config", "check", "--json", "--config", GOOD, "--authkey", key, "--initrd", edited]).stdout,
  );
  assert.ok(json.warnings.some((w: string) => w.startsWith(`${edited}: its configuration is another`)));

  const other = join(dir, "other-key");
  assert.is(runExe(["keygen", "--authkey", other]).code, 0);
  const rekeyed = initrdWith("rekeyed.img", text, other);
  assert.match(warnings(check(rekeyed).stderr).join("\n"), `${rekeyed}: its authkey is another: run`);
});

test("config check reads the guard initrd compressed with zstd or xz, and says when a file is no initrd", () => {
  if (Bun.which("lsinitrd") === null) return console.log("    skipped: no lsinitrd (dracut) on this host");
  const text = readFileSync(GOOD, "utf8");
  const about = (image: string) =>
    runExe(["config", "check", "--config", GOOD, "--authkey", key, "--initrd", image])
      .stderr.split("\n")
      .filter((l) => l.includes(image));
  for (const compress of ["zstd -q -19", "xz --check=crc32"]) {
    assert.equal(about(initrdWith("same.img", text, key, compress)), [], compress);
    const edited = initrdWith("edited.img", text.replace("deadtime = 3000", "deadtime = 4000"), key, compress);
    assert.equal(
      about(edited),
      [
        `warning: ${edited}: its configuration is another: run 'clusterguard initrd regenerate' (the guard in the initrd runs with the image's copy)`,
      ],
      compress,
    );
  }
  const notInitrd = join(dir, "not-an-initrd.img");
  writeFileSync(notInitrd, "#!/bin/sh\n");
  assert.equal(about(notInitrd), [
    `warning: cannot compare the guard initrd's config with this one: ${notInitrd} is not an initrd: no cpio archive and no known compression at byte 0`,
  ]);
});

test.run();
