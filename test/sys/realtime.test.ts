// Every thread of a real-time guard runs under SCHED_RR, those the runtime starts later too (src/sys/realtime.ts,
// design row 17.1): SCHED_RESET_ON_FORK starts each new thread under SCHED_OTHER, and a GC helper or an I/O pool
// thread left there waits behind every normal process while the real-time JavaScript thread waits for it.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";

const FIXTURE = join(import.meta.dir, "../fixtures/realtime-threads.ts");

test("threads started after going real-time are moved to SCHED_RR within a second, each said once", () => {
  const r = Bun.spawnSync([process.execPath, FIXTURE], { stderr: "pipe" });
  assert.is(r.exitCode, 0, r.stderr.toString());
  const out = JSON.parse(r.stdout.toString()) as {
    atStart: string[];
    before: string[];
    after: string[];
    logged: string[];
  };
  const other = (list: string[]) => list.filter((t) => !t.endsWith(": SCHED_RR"));
  assert.equal(other(out.atStart), [], "every thread there at the start is real-time at once");
  // The case this guards against: the runtime started threads since, under SCHED_OTHER.
  assert.ok(other(out.before).length > 0, `no thread started under SCHED_OTHER: ${out.before.join("; ")}`);
  assert.equal(other(out.after), [], `still not real-time: ${other(out.after).join("; ")}`);
  const prefix = "info realtime: threads started since, moved to SCHED_RR 10: ";
  const moved = out.logged.filter((l) => l.startsWith(prefix)).flatMap((l) => l.slice(prefix.length).split(", "));
  assert.ok(moved.length > 0, out.logged.join("\n"));
  // Each one still running was named, once (a short-lived thread may have ended before a check).
  const names = (list: string[]) => list.map((t) => t.slice(0, t.lastIndexOf(":")));
  const movedNames = moved.map((m) => m.slice(0, m.lastIndexOf(" ")));
  for (const name of names(other(out.before)).filter((n) => names(out.after).includes(n)))
    assert.ok(movedNames.includes(name), `${name} not named in ${moved.join(", ")}`);
  assert.is(new Set(moved).size, moved.length, `a thread named twice: ${moved.join(", ")}`);
});

test.run();
