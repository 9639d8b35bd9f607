// The configurator's I/O: an edit checked with config check's messages at their lines, and Apply: refused where it
// must be, written atomically beside a backup, the initrd's progress passed on, what still needs a restart said.
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  chownSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfigText, writeAuthkey } from "../../src/config/index.ts";
import {
  type ApplyContext,
  type ApplyStep,
  applyEdit,
  backupsToPrune,
  checkEdit,
  MAX_BACKUPS,
  readRunning,
} from "../../src/web/configurator.ts";
import { BASE } from "../config/helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "cg-configurator-"));
const path = join(dir, "clusterguard.toml");
const authkeyPath = join(dir, "authkey");
writeAuthkey(authkeyPath, { force: true });
const files = { path, authkeyPath };
const running = (() => {
  const r = loadConfigText(BASE, path);
  if (!r.ok) throw new Error("BASE invalid");
  return r.config;
})();
const sha = () => (readRunning(files, running) as { sha256: string }).sha256;

test.before.each(() => {
  writeFileSync(path, BASE, { mode: 0o640 });
  chownSync(path, 0, 0);
  for (const f of readdirSync(dir))
    if (f.endsWith(".bak") || f.endsWith(".tmp") || f === "link.toml") rmSync(join(dir, f));
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

function ctx(o: Partial<ApplyContext> = {}, progress: string[] = ["dracut: step 1", "dracut: step 2"]): ApplyContext {
  return {
    files,
    running,
    role: () => "ACTIVE",
    readOnly: false,
    regenerate: async (say) => {
      for (const p of progress) say(p);
      return { ok: true, detail: "built" };
    },
    now: () => new Date("2026-01-02T03:04:05.678Z"),
    ...o,
  };
}

async function apply(c: ApplyContext, text: string, base = sha()): Promise<{ ok: boolean; steps: ApplyStep[] }> {
  const steps: ApplyStep[] = [];
  const ok = await applyEdit(c, text, base, (s) => steps.push(s));
  return { ok, steps };
}

test("the running file comes with its hash and the effective config, which names no secret", () => {
  const r = readRunning(files, running);
  if ("error" in r) throw new Error(r.error);
  assert.is(r.text, BASE);
  assert.match(r.sha256, /^[0-9a-f]{64}$/);
  assert.match(r.effective, /^# clusterguard effective configuration/);
  assert.match(r.effective, /deadtime = 5000 {2}# /);
});

test("an invalid edit: config check's message at its line, in this file's name", () => {
  const c = checkEdit(files, `${BASE}[timers]\ndeadtime = 10\n`, BASE, running);
  assert.is(c.ok, false);
  assert.equal(c.errors, [
    { line: 12, message: `${path}:12: timers.deadtime = 10: expected an integer from 30 to 600000 (milliseconds)` },
  ]);
  assert.equal(
    c.diff.filter((d) => d.op === "+").map((d) => ("text" in d ? d.text : "")),
    ["[timers]", "deadtime = 10"],
  );
});

test("Apply writes the file atomically (same mode) beside a backup of the old one, and streams the initrd's progress", async () => {
  const edit = `# edited\n${BASE}[timers]\ndeadtime = 6000\n`;
  const { ok, steps } = await apply(ctx(), edit);
  assert.is(ok, true);
  assert.equal(
    steps.map((s) => s.step),
    ["check", "backup", "write", "initrd", "initrd", "initrd", "needs", "done"],
  );
  assert.equal(
    steps.filter((s) => s.step === "initrd").map((s) => s.text),
    ["dracut: step 1", "dracut: step 2", "guard initrd regenerated: built"],
  );
  assert.match(steps.find((s) => s.step === "needs")?.text ?? "", /^\[timers\] changed/);
  assert.is(readFileSync(path, "utf8"), edit);
  assert.is(statSync(path).mode & 0o777, 0o640);
  const backup = join(dir, "clusterguard.toml.2026-01-02T03-04-05-678Z.bak");
  assert.is(readFileSync(backup, "utf8"), BASE);
  assert.equal(
    readdirSync(dir).filter((f) => f.includes(".tmp")),
    [],
    "no temporary file left",
  );
});

test("an initrd that cannot be regenerated: the file is written and Apply says what is left to do", async () => {
  const c = ctx({ regenerate: async () => ({ ok: false, detail: "dracut failed" }) });
  const { ok, steps } = await apply(c, `# x\n${BASE}`);
  assert.is(ok, true);
  assert.ok(steps.some((s) => s.text === "guard initrd NOT regenerated: dracut failed"));
  assert.match(steps.at(-1)?.text ?? "", /regenerate the guard initrd before any node boots/);
});

const refusals: [string, Partial<ApplyContext>, string, string | undefined, RegExp][] = [
  ["a read-only session", { readOnly: true }, `# x\n${BASE}`, undefined, /read-only session cannot apply/],
  ["a STANDBY", { role: () => "STANDBY" }, `# x\n${BASE}`, undefined, /STANDBY, not ACTIVE/],
  ["a STOPPED node", { role: () => "STOPPED" }, `# x\n${BASE}`, undefined, /STOPPED, not ACTIVE/],
  ["an invalid edit", {}, `${BASE}[timers]\ndeadtime = 10\n`, undefined, /not valid:\n.*:12: timers.deadtime = 10/],
  ["a file changed since it was loaded", {}, `# x\n${BASE}`, "0".repeat(64), /changed since the editor loaded it/],
  ["no change", {}, BASE, undefined, /nothing changed/],
];

for (const [what, o, text, base, why] of refusals)
  test(`Apply is refused for ${what}, and nothing is written`, async () => {
    let regenerated = false;
    const c = ctx({
      ...o,
      regenerate: async () => {
        regenerated = true;
        return { ok: true, detail: "" };
      },
    });
    const { ok, steps } = await apply(c, text, base);
    assert.is(ok, false);
    assert.is(steps.length, 1);
    assert.is(steps[0]?.step, "refused");
    assert.match(steps[0]?.text ?? "", why);
    assert.is(readFileSync(path, "utf8"), BASE);
    assert.is(regenerated, false);
    assert.equal(
      readdirSync(dir).filter((f) => f.endsWith(".bak")),
      [],
    );
  });

test("Apply keeps the file's owner and group (the backup's too)", async () => {
  chownSync(path, 65534, 65533);
  const { ok } = await apply(ctx(), `# owned\n${BASE}`);
  assert.is(ok, true);
  for (const f of [path, join(dir, "clusterguard.toml.2026-01-02T03-04-05-678Z.bak")]) {
    const st = statSync(f);
    assert.equal([st.uid, st.gid], [65534, 65533], f);
  }
});

test("a stale temporary file from an earlier Apply (same pid) does not block the next one", async () => {
  writeFileSync(join(dir, `.clusterguard.toml.${process.pid}.tmp`), "stale");
  const { ok, steps } = await apply(ctx(), `# again\n${BASE}`);
  assert.is(ok, true, JSON.stringify(steps));
  assert.is(readFileSync(path, "utf8"), `# again\n${BASE}`);
});

test("a config path that is a symbolic link is refused, the link left as it is", async () => {
  const link = join(dir, "link.toml");
  symlinkSync(path, link);
  const c = ctx({ files: { path: link, authkeyPath } });
  const { ok, steps } = await apply(c, `# via link\n${BASE}`);
  assert.is(ok, false);
  assert.match(steps.at(-1)?.text ?? "", /symbolic link/);
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.is(readFileSync(path, "utf8"), BASE);
});

test("a node that stops being ACTIVE while Apply runs: nothing written when before the write, a warning after", async () => {
  let role: "ACTIVE" | "STANDBY" = "ACTIVE";
  let asked = 0;
  const before = await apply(ctx({ role: () => (asked++ === 0 ? "ACTIVE" : "STANDBY") }), `# x\n${BASE}`);
  assert.is(before.ok, false);
  assert.match(before.steps.at(-1)?.text ?? "", /STANDBY, not ACTIVE/);
  assert.is(readFileSync(path, "utf8"), BASE);
  const after = await apply(
    ctx({
      role: () => role,
      regenerate: async () => {
        role = "STANDBY";
        return { ok: true, detail: "built" };
      },
    }),
    `# y\n${BASE}`,
  );
  assert.ok(after.steps.some((s) => /warning: this node became STANDBY during Apply/.test(s.text)));
});

test("backups beyond the last MAX_BACKUPS are pruned, oldest first; other files are left alone", () => {
  const names = Array.from(
    { length: 13 },
    (_, i) => `c.toml.2026-01-${String(i + 1).padStart(2, "0")}T00-00-00-000Z.bak`,
  );
  const others = ["c.toml", "c.toml.bak", "d.toml.2026-01-01T00-00-00-000Z.bak", "c.toml.x.bak"];
  assert.equal(backupsToPrune([...others, ...names].reverse(), "c.toml"), names.slice(0, 13 - MAX_BACKUPS));
  assert.equal(backupsToPrune(names.slice(0, 3), "c.toml"), []);
});

test.run();
