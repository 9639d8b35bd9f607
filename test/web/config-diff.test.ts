// The configurator's line diff and what a written change still needs.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadConfigText } from "../../src/config/index.ts";
import { changesOnly, lineDiff, restartNeeds } from "../../src/web/config-diff.ts";
import { BASE } from "../config/helpers.ts";

const show = (d: ReturnType<typeof lineDiff>) => d.map((l) => `${l.op}${l.old ?? "."}:${l.new ?? "."} ${l.text}`);

test("a changed line is removed and added at its lines; the rest is kept", () => {
  assert.equal(show(lineDiff("a\nb\nc\n", "a\nB\nc\n")), [" 1:1 a", "-2:. b", "+.:2 B", " 3:3 c"]);
});

test("insertions and deletions keep the line numbers of both sides", () => {
  assert.equal(show(lineDiff("a\nb\nc", "x\na\nc\ny")), ["+.:1 x", " 1:2 a", "-2:. b", " 3:3 c", "+.:4 y"]);
  assert.equal(show(lineDiff("", "a\n")), ["+.:1 a"]);
  assert.equal(show(lineDiff("a\n", "")), ["-1:. a"]);
  assert.equal(show(lineDiff("same\n", "same\n")), [" 1:1 same"]);
});

test("changesOnly keeps the context around each change and marks the gaps", () => {
  const before = Array.from({ length: 20 }, (_, i) => `l${i + 1}`).join("\n");
  const after = before.replace("l10", "L10");
  assert.equal(
    changesOnly(lineDiff(before, after), 1).map((d) => ("text" in d ? `${d.op}${d.text}` : d.op)),
    [" l9", "-l10", "+L10", " l11", "..."],
  );
});

const cfg = (extra: string) => {
  const r = loadConfigText(`${BASE}${extra}`, "t.toml");
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
};

test("what a change needs: guard sections a reboot of each node, agent sections an agent restart, comments nothing", () => {
  const base = cfg("");
  assert.equal(restartNeeds(base, cfg("# only a comment\n")), []);
  const timers = restartNeeds(base, cfg("[timers]\ndeadtime = 6000\n"));
  assert.is(timers.length, 1);
  assert.match(timers[0] ?? "", /^\[timers\] changed: .*reboot the STANDBY first/);
  const agent = restartNeeds(base, cfg('[[monitor]]\nname = "w"\nplugin = "systemd"\n'));
  assert.is(agent.length, 1);
  assert.match(agent[0] ?? "", /^\[monitor\] changed: restart the agent/);
  assert.is(
    restartNeeds(base, cfg('[timers]\ndeadtime = 6000\n[[monitor]]\nname = "w"\nplugin = "systemd"\n')).length,
    2,
  );
});

test("a diff of a million added lines is computed, not a stack overflow", () => {
  const d = lineDiff("a\n", `a\n${"#\n".repeat(1_000_000)}`);
  assert.is(d.length, 1_000_001);
  assert.is(d.filter((l) => l.op === "+").length, 1_000_000);
});

test.run();
