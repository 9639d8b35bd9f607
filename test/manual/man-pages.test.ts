// clusterguard(8) and clusterguard.toml(5) as man(1) renders them: no warning from groff, every command with every
// option in the first, every schema key with its default in the second (both generated from the sources here).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { SCHEMA } from "../../src/config/schema/index.ts";
import type { Fields, Spec } from "../../src/config/schema/spec.ts";
import { renderCliPage } from "../../src/manual/cli-page.ts";
import { describeCli, leafCommands } from "../../src/manual/cli-model.ts";
import { renderConfigPage } from "../../src/manual/config-page.ts";

const REPO = resolve(import.meta.dir, "../..");
const dir = mkdtempSync(join(tmpdir(), "cg-man-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const cli = describeCli();
const pages = {
  "clusterguard.8": renderCliPage(cli),
  "clusterguard.toml.5": renderConfigPage(readFileSync(join(REPO, "examples/clusterguard.toml"), "utf8")),
};
for (const [name, roff] of Object.entries(pages)) writeFileSync(join(dir, name), roff);

/** man -l FILE: the text (wide, so nothing wraps mid-key) and what groff warned about. */
function man(name: string, width = 200): { text: string; warnings: string } {
  const r = Bun.spawnSync(["man", "--warnings", "-l", join(dir, name)], {
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      MANWIDTH: String(width),
      MAN_KEEP_FORMATTING: "",
      LANG: "C.UTF-8",
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  assert.is(r.exitCode, 0, r.stderr.toString());
  return { text: r.stdout.toString(), warnings: r.stderr.toString() };
}

/** The rendered text cut at its subsection headings (three spaces in), keyed by heading. */
function sections(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const parts = text.split(/^ {3}(?=\S)/m);
  for (const p of parts.slice(1)) {
    const nl = p.indexOf("\n");
    out.set(p.slice(0, nl).trim(), p.slice(nl + 1).split(/^\S/m)[0] ?? "");
  }
  return out;
}

test("both pages render at 80 columns without a single groff warning", () => {
  for (const name of Object.keys(pages)) {
    const r = man(name, 80);
    assert.is(r.warnings, "", name);
    assert.ok(r.text.length > 5000, name);
  }
});

test("clusterguard(8): every command a user runs has its section, with every option it takes; hidden ones have none", () => {
  const s = sections(man("clusterguard.8").text);
  const leaves = leafCommands(cli);
  assert.ok(leaves.length >= 20, `${leaves.length} commands`);
  for (const { path, command, parents } of leaves) {
    const heading = [...s.keys()].find(
      (h) => h === `clusterguard ${path.join(" ")} [options]` || h.startsWith(`clusterguard ${path.join(" ")} `),
    );
    assert.ok(heading, `no section for clusterguard ${path.join(" ")}`);
    const body = s.get(heading) ?? "";
    for (const p of command.positionals) assert.ok(heading.includes(p.name), `${heading}: ${p.name}`);
    for (const o of [...parents.flatMap((x) => x.options), ...command.options])
      assert.match(body, new RegExp(`^ {7}--${o.name}\\b`, "m"), `${heading}: --${o.name}`);
  }
  for (const old of ["agents", "sma"]) assert.not.ok([...s.keys()].some((h) => h.startsWith(`clusterguard ${old}`)));
  const regenerate = s.get("clusterguard initrd regenerate [options]") ?? "";
  assert.match(
    regenerate,
    /--kind auto\|systemd\|shell\|initramfs-tools\n\s+initrd builder and flavour: [\s\S]*? \(default: auto\)/,
  );
  assert.match(
    s.get("clusterguard disk clear [options]") ?? "",
    /--node NODE\n\s+the node whose mailbox to clear \(required\)/,
  );
  assert.match(s.get("clusterguard monitors list [options]") ?? "", /clusterguard monitors alone runs it/);
});

test("clusterguard(8): the global options with their defaults, and the exit codes", () => {
  const text = man("clusterguard.8").text;
  assert.match(text, /--config CONFIG\n\s+configuration file \(default: \/etc\/clusterguard\/clusterguard\.toml\)/);
  assert.match(text, /--log-format human\|json/);
  assert.match(text, /\n\s+4\s+status only: the cluster is degraded/);
  assert.match(text, /\n\s+5\s+status only: not serving/);
  assert.match(
    text,
    /EXIT STATUS\n\s+0\s+Success\. +For status: the cluster is healthy.*\n(?:.*\n)*?\n\s+1\s+A runtime failure.*\n(?:.*\n)*?\n\s+2\s+A usage or configuration error/,
  );
});

/** Each table of the schema: its heading as the page shows it, and its plain keys. */
function schemaTables(): { heading: string; keys: [string, Spec][] }[] {
  const out: { heading: string; keys: [string, Spec][] }[] = [];
  const plain = (f: Fields) => Object.entries(f).filter(([, s]) => s.type !== "table" && s.type !== "list");
  const walk = (fields: Fields, path: string) => {
    for (const [key, spec] of Object.entries(fields)) {
      const p = path ? `${path}.${key}` : key;
      if (spec.type === "table") {
        if (plain(spec.fields).length > 0) out.push({ heading: `[${p}]`, keys: plain(spec.fields) });
        walk(spec.fields, p);
      } else if (spec.type === "list" && spec.item.type === "table") {
        out.push({ heading: `[[${p}]]`, keys: plain(spec.item.fields) });
      } else if (spec.type === "list" && spec.item.type === "variant") {
        for (const [tag, f] of Object.entries(spec.item.variants))
          out.push({ heading: `[[${p}]] ${spec.item.tag} = "${tag}"`, keys: plain(f) });
      }
    }
  };
  walk(SCHEMA.fields, "");
  return out;
}

test("clusterguard.toml(5): every table of the schema, every key in it, with the schema's default or Required", () => {
  const s = sections(man("clusterguard.toml.5").text);
  const tables = schemaTables();
  assert.ok(tables.length >= 17, `${tables.length} tables`);
  let keys = 0;
  for (const { heading, keys: fields } of tables) {
    const body = s.get(heading);
    assert.ok(body !== undefined, `no section ${heading}`);
    for (const [key, spec] of fields) {
      const entry = new RegExp(`^ {7}${key} = .*\\n((?: {14}.*\\n)+)`, "m").exec(body ?? "");
      assert.ok(entry, `${heading}: no ${key}`);
      const said = (entry?.[1] ?? "").replace(/\s+/g, " ");
      const def = "default" in spec ? spec.default : undefined;
      if (spec.required) assert.match(said, "Required.", `${heading} ${key}`);
      else if (typeof def === "number" || typeof def === "boolean")
        assert.match(said, `Default: ${def}.`, `${heading} ${key}`);
      else if (typeof def === "string" && def !== "index")
        assert.match(said, `Default: ${JSON.stringify(def)}.`, `${heading} ${key}`);
      keys++;
    }
  }
  assert.ok(keys >= 60, `${keys} keys`);
});

test("clusterguard.toml(5): the renamed keys, and the shipped example verbatim", () => {
  const text = man("clusterguard.toml.5").text;
  assert.match(text, /RENAMED KEYS\n.*\n\n\s+agent\s+\[\[monitor\]\]/);
  assert.match(text, /fencing\.agent\n\s+\[\[fencing\.level\]\]/);
  for (const line of readFileSync(join(REPO, "examples/clusterguard.toml"), "utf8")
    .split("\n")
    .filter((l) => l !== ""))
    assert.ok(text.includes(line), `the example's line ${JSON.stringify(line)}`);
});

test.run();
