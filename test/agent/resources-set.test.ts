// ResourceSet: up in config order stopping at the first failure, down in reverse going on past failures, every step reported.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { resourcesFrom } from "../../src/agent/resources/from-config.ts";
import { type Resource, ResourceState, type StepResult } from "../../src/agent/resources/resource.ts";
import { ResourceSet } from "../../src/agent/resources/set.ts";
import { NO_SERVICES, withResources } from "../../src/agent/services.ts";

/** A recording resource: `failUp`/`failDown` make that step fail; `hangUp` waits for the cancel signal. */
function fake(
  name: string,
  calls: string[],
  o: { failUp?: boolean; failDown?: boolean; hangUp?: boolean; warn?: boolean } = {},
): Resource {
  const st = new ResourceState(name, "unit");
  const step = (dir: "up" | "down", fail: boolean | undefined, signal: AbortSignal) =>
    st.step(dir, async (): Promise<StepResult> => {
      calls.push(`${dir} ${name}`);
      if (dir === "up" && o.hangUp)
        await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
      if (signal.aborted) return { ok: false, detail: `${name} cancelled` };
      return fail
        ? { ok: false, detail: `${name} broke` }
        : { ok: true, detail: `${name} ${dir}`, ...(o.warn ? { warn: true } : {}) };
    });
  return {
    name,
    kind: "unit",
    up: (s) => step("up", o.failUp, s),
    down: (s) => step("down", o.failDown, s),
    state: () => st.report(),
  };
}

function events() {
  const seen: string[] = [];
  return {
    seen,
    sink: (level: string, event: string, message: string) => void seen.push(`${level} ${event}: ${message}`),
  };
}

test("resources come up in config order and are released in reverse", async () => {
  const calls: string[] = [];
  const ev = events();
  const set = new ResourceSet([fake("a", calls), fake("b", calls, { warn: true }), fake("c", calls)], ev.sink);
  assert.equal(await set.upAll(), { ok: true, detail: "3 resource(s) up: a, b, c" });
  assert.equal(
    set.report().map((r) => r.state),
    ["up", "up", "up"],
  );
  assert.equal(await set.downAll(), { ok: true, failed: [], detail: "3 resource(s) released" });
  assert.equal(calls, ["up a", "up b", "up c", "down c", "down b", "down a"]);
  assert.equal(ev.seen, [
    "notice resource-up: a: a up",
    "warning resource-up: b: b up",
    "notice resource-up: c: c up",
    "notice resource-down: c: c down",
    "notice resource-down: b: b down",
    "notice resource-down: a: a down",
  ]);
  assert.equal(
    set.report().map((r) => r.state),
    ["down", "down", "down"],
  );
});

test("the first resource that fails stops the rest from coming up, and says which", async () => {
  const calls: string[] = [];
  const ev = events();
  const set = new ResourceSet(
    [fake("a", calls), fake("b", calls, { failUp: true }), fake("c", calls), fake("d", calls)],
    ev.sink,
  );
  const r = await set.upAll();
  assert.equal(r, { ok: false, failed: "b", detail: "resource b (unit) failed: b broke" });
  assert.equal(calls, ["up a", "up b"]);
  assert.equal(ev.seen.at(-1), "error resource-failed: b: up failed: b broke; not brought up: c, d");
  assert.equal(
    set.report().map((x) => [x.name, x.state, x.detail]),
    [
      ["a", "up", "a up"],
      ["b", "failed", "b broke"],
      ["c", "down", "not brought up yet"],
      ["d", "down", "not brought up yet"],
    ],
  );
});

test("releasing goes on past a failure and lists what could not be released", async () => {
  const calls: string[] = [];
  const ev = events();
  const set = new ResourceSet(
    [fake("a", calls), fake("b", calls, { failDown: true }), fake("c", calls, { failDown: true })],
    ev.sink,
  );
  await set.upAll();
  calls.length = 0;
  const r = await set.downAll();
  assert.equal(r, { ok: false, failed: ["c", "b"], detail: "2 of 3 resource(s) not released: c, b" });
  assert.equal(calls, ["down c", "down b", "down a"]);
  assert.ok(
    ev.seen.includes("error resource-failed: b: release failed: b broke; releasing the rest"),
    ev.seen.join("\n"),
  );
  assert.equal(
    set.report().map((x) => x.state),
    ["down", "failed", "failed"],
  );
});

test("a release overtakes a bring-up in progress: the bring-up is cancelled, then everything is released", async () => {
  const calls: string[] = [];
  const ev = events();
  const set = new ResourceSet([fake("a", calls), fake("b", calls, { hangUp: true }), fake("c", calls)], ev.sink);
  const up = set.upAll();
  await Bun.sleep(20);
  assert.is(set.report()[1]?.state, "starting");
  const down = await set.downAll();
  const u = await up;
  assert.is(u.ok, false);
  assert.is(u.cancelled, true);
  assert.ok(down.ok, down.detail);
  assert.equal(calls, ["up a", "up b", "down c", "down b", "down a"]);
  assert.ok(
    ev.seen.includes("warning resource-failed: b: bringing up cancelled: b cancelled; not brought up: c"),
    ev.seen.join("\n"),
  );
});

test("no resources: both directions succeed at once", async () => {
  const set = new ResourceSet([], () => assert.unreachable("no events"));
  assert.equal(await set.upAll(), { ok: true, detail: "no resources configured" });
  assert.equal(await set.downAll(), { ok: true, failed: [], detail: "no resources configured" });
  assert.equal(set.report(), []);
});

test("the config's resources become resources of their kind, in file order", () => {
  const rs = resourcesFrom([
    { type: "ip", name: "ip 10.0.0.50/24", address: "10.0.0.50/24", interface: "eth0", arp_count: 3, timeout: 20000 },
    {
      type: "mount",
      name: "data",
      device: "LABEL=data",
      target: "/srv/data",
      fstype: "auto",
      options: "defaults",
      timeout: 20000,
    },
    { type: "unit", name: "nginx.service", timeout: 20000 },
  ]);
  assert.equal(
    rs.map((r) => [r.name, r.kind, r.state().state]),
    [
      ["ip 10.0.0.50/24", "ip", "down"],
      ["data", "mount", "down"],
      ["nginx.service", "unit", "down"],
    ],
  );
});

test("a failed release is reported to the switchover with what each resource still holds", async () => {
  const calls: string[] = [];
  const stuck = {
    ...fake("b", calls, { failDown: true }),
    held: () => ({ state: "held" as const, target: "/srv/b", detail: "b still mounted" }),
  };
  const set = new ResourceSet([fake("a", calls), stuck], () => {});
  const side = withResources(NO_SERVICES, set);
  await set.upAll();
  assert.equal(await side.stopAll(), {
    notReleased: "1 of 2 resource(s) not released: b",
    held: [{ state: "free" }, { state: "held", target: "/srv/b", detail: "b still mounted" }],
  });
});

test("a switchover stops the services before releasing the resources; an aborted one brings them back first", async () => {
  const calls: string[] = [];
  const set = new ResourceSet([fake("a", calls), fake("b", calls)], () => {});
  const side = withResources(
    {
      ...NO_SERVICES,
      stopAll: async () => void calls.push("stop services"),
      startAll: () => void calls.push("start services"),
    },
    set,
  );
  await set.upAll();
  calls.length = 0;
  assert.equal(
    await side.stopAll(),
    { notReleased: null, held: [{ state: "free" }, { state: "free" }] },
    "nothing left held",
  );
  assert.equal(calls, ["stop services", "down b", "down a"]);
  assert.equal(
    side.resources().map((r) => r.state),
    ["down", "down"],
  );
  calls.length = 0;
  side.startAll();
  await Bun.sleep(20);
  assert.equal(calls, ["up a", "up b", "start services"]);
  assert.equal(
    side.resources().map((r) => [r.name, r.state]),
    [
      ["a", "up"],
      ["b", "up"],
    ],
  );
});

test.run();
