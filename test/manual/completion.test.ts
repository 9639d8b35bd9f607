// The bash completion in a real bash (--norc): loaded as bash-completion loads it, then asked the way bash asks it
// (COMP_WORDS split as bash splits them, COMP_CWORD the word under the cursor), answers read from COMPREPLY.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeCli, leafCommands } from "../../src/manual/cli-model.ts";
import { renderBashCompletion } from "../../src/manual/completion.ts";

const dir = mkdtempSync(join(tmpdir(), "cg-completion-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const cli = describeCli();
const script = join(dir, "clusterguard");
writeFileSync(script, renderBashCompletion(cli));

/** Run bash with the completion loaded and `body` after it; stdout. */
function bash(body: string): string {
  const r = Bun.spawnSync(["bash", "--norc", "--noprofile", "-c", `source ${script}\n${body}`], {
    cwd: dir,
    stdout: "pipe",
    stderr: "pipe",
  });
  assert.is(r.stderr.toString(), "");
  assert.is(r.exitCode, 0);
  return r.stdout.toString();
}

/** What bash offers for the last of `words` (the word under the cursor), through the function `complete` names. */
function complete(...words: string[]): string[] {
  const quoted = words.map((w) => `'${w}'`).join(" ");
  const out = bash(
    `fn=$(complete -p clusterguard | sed -n 's/.*-F \\([^ ]*\\) .*/\\1/p')\nCOMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}\nCOMP_LINE="\${COMP_WORDS[*]}"; COMP_POINT=\${#COMP_LINE}\n"$fn" clusterguard "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]}"\nprintf '%s\\n' "\${COMPREPLY[@]}"`,
  );
  return out.split("\n").filter((l) => l !== "");
}

test("loading it registers a completion function for clusterguard", () => {
  assert.match(bash("complete -p clusterguard"), /^complete -F _clusterguard clusterguard$/m);
});

test("clusterguard boot<TAB> completes to bootloader", () => {
  assert.equal(complete("clusterguard", "boot"), ["bootloader"]);
});

test("every command a user runs completes from its first letters at its place; hidden commands never", () => {
  for (const { path } of leafCommands(cli)) {
    for (let i = 0; i < path.length; i++) {
      const word = path[i] ?? "";
      const offered = complete("clusterguard", ...path.slice(0, i), word.slice(0, 2));
      assert.ok(offered.includes(word), `${path.slice(0, i + 1).join(" ")}: offered ${offered.join(" ")}`);
    }
  }
  assert.equal(complete("clusterguard", "ag"), ["agent"]);
  assert.equal(complete("clusterguard", "sm"), []);
  assert.equal(complete("clusterguard", "monitors", "p"), ["pause", "plugins"]);
});

test("options: a command's own, its parents' and the global ones; after one that takes a value, its value", () => {
  assert.equal(complete("clusterguard", "bootloader", "install", "--n"), ["--node", "--no-update"]);
  assert.equal(complete("clusterguard", "disk", "init", "--c"), ["--config"]);
  assert.equal(complete("clusterguard", "monitors", "--j"), ["--json"]);
  assert.equal(complete("clusterguard", "initrd", "regenerate", "--kind", ""), [
    "auto",
    "systemd",
    "shell",
    "initramfs-tools",
  ]);
  // bash splits --log-format=j at the "=" (COMP_WORDBREAKS)
  assert.equal(complete("clusterguard", "--log-format", "=", "j"), ["json"]);
  assert.equal(complete("clusterguard", "--log-format", "=", ""), ["human", "json"]);
  // a value is not a command: "--timeout 5" is skipped, "fence" stays the command
  assert.equal(complete("clusterguard", "fence", "--timeout", "5", "--con"), ["--config", "--connect", "--confirm"]);
  assert.equal(complete("clusterguard", "--config", "monitors", "p"), []);
});

test("a string option's value completes file names", () => {
  mkdirSync(join(dir, "etc-a"));
  writeFileSync(join(dir, "etc-b.toml"), "");
  assert.equal(complete("clusterguard", "config", "check", "--config", "etc-").sort(), ["etc-a", "etc-b.toml"]);
  assert.equal(complete("clusterguard", "status", "--timeout", "etc-"), [], "a number completes nothing");
});

test("shellcheck finds nothing in the script", () => {
  const r = Bun.spawnSync(["shellcheck", "-s", "bash", script], { stdout: "pipe", stderr: "pipe" });
  assert.is(r.stdout.toString() + r.stderr.toString(), "");
  assert.is(r.exitCode, 0);
});

test.run();
