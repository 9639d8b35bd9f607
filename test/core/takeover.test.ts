// Takeover on an administrator's request: the STANDBY asks, the ACTIVE hands over; every refusal says why.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Action, CoreState, Input } from "../../src/core/index.ts";
import { TAKEOVER_RESEND_FOR_MS, TAKEOVER_RESEND_MS, TAKEOVER_WAIT_MS } from "../../src/core/takeover.ts";
import { A, B, TIMERS, feed, fresh, frame } from "./fixtures.ts";

const tick = (now: number): Input => ({ kind: "tick", now });
const ask = (now: number): Input => ({ kind: "takeover", now });
const sent = (acts: Action[], m: string) => acts.filter((a) => a.type === "SendMessage" && a.message === m).length;
const answers = (acts: Action[]) =>
  acts.filter((a): a is Extract<Action, { type: "TakeoverAnswer" }> => a.type === "TakeoverAnswer");
const handOvers = (acts: Action[]) => acts.filter((a) => a.type === "HandOver").length;

// b (lower-ranked) parked as STANDBY beside an ACTIVE a that echoes b's boot; and a ACTIVE beside a STANDBY b.
const standbyB = () => feed(fresh(B, A), [frame(10, "ACTIVE", { node: "a" })]).s;
const activeA = () => feed(fresh(A, B), [frame(10, "STANDBY")]).s;

interface Row {
  name: string;
  given: () => CoreState;
  when: Input[];
  answer: { ok: boolean; match: RegExp } | null;
  requests: number;
}

const rows: Row[] = [
  {
    name: "an ACTIVE node is already ACTIVE: nothing is sent",
    given: activeA,
    when: [ask(20)],
    answer: { ok: true, match: /already ACTIVE/ },
    requests: 0,
  },
  {
    name: "a BOOTING node refuses: only a STANDBY asks",
    given: () => fresh(B, A),
    when: [ask(20)],
    answer: { ok: false, match: /BOOTING/ },
    requests: 0,
  },
  {
    name: "a STANDBY whose peer echoed this boot too long ago refuses (its later frames do not echo: a replay, a restart)",
    given: standbyB,
    when: [frame(1500, "ACTIVE", { node: "a", echo: false }), ask(TIMERS.deadtime + 100)],
    answer: { ok: false, match: /not heard as ACTIVE/ },
    requests: 0,
  },
  {
    name: "a STANDBY whose peer fell silent refuses",
    given: standbyB,
    when: [ask(TIMERS.deadtime + 100)],
    answer: { ok: false, match: /not heard as ACTIVE|FENCING/ },
    requests: 0,
  },
  {
    name: "a STANDBY that heard the ACTIVE only in frames not echoing its boot refuses",
    given: () => feed(fresh(B, A), [frame(10, "ACTIVE", { node: "a", echo: false })]).s,
    when: [ask(20)],
    answer: { ok: false, match: /not heard as ACTIVE/ },
    requests: 0,
  },
  {
    name: "a STANDBY with activation blocked refuses and sends nothing",
    given: () =>
      feed(fresh(B, A), [
        { kind: "pill", now: 5, present: true, fresh: false, detail: "reset from a" },
        frame(10, "ACTIVE", { node: "a" }),
      ]).s,
    when: [ask(20)],
    answer: { ok: false, match: /blocked/ },
    requests: 0,
  },
  {
    name: "a STANDBY beside a heard ACTIVE sends the request and waits for the answer",
    given: standbyB,
    when: [ask(20)],
    answer: null,
    requests: 1,
  },
  {
    name: "the request is repeated every second for a few seconds, then no more",
    given: standbyB,
    when: [
      ask(20),
      ...Array.from({ length: 12 }, (_, i) => frame(100 + i * 1000, "ACTIVE", { node: "a" })),
      tick(20 + TAKEOVER_RESEND_FOR_MS + 3 * TAKEOVER_RESEND_MS),
    ],
    answer: null,
    requests: 1 + Math.floor((TAKEOVER_RESEND_FOR_MS - 1) / TAKEOVER_RESEND_MS),
  },
  {
    name: "a second administrator's request while one is in flight sends nothing more",
    given: standbyB,
    when: [ask(20), ask(30)],
    answer: null,
    requests: 1,
  },
  {
    name: "the ACTIVE's refusal reaches the administrator",
    given: standbyB,
    when: [
      ask(20),
      frame(60, "ACTIVE", {
        node: "a",
        type: "takeover-answer",
        answer: { ok: false, detail: "refused: the shared root cannot be frozen" },
      }),
    ],
    answer: { ok: false, match: /^a: refused: the shared root cannot be frozen/ },
    requests: 1,
  },
  {
    name: "an answer that arrives with no request pending is ignored",
    given: standbyB,
    when: [frame(60, "ACTIVE", { node: "a", type: "takeover-answer", answer: { ok: true, detail: "x" } })],
    answer: null,
    requests: 0,
  },
  {
    name: "the peer's STOPPED after the request makes this node ACTIVE, and that answers the request",
    given: standbyB,
    when: [ask(20), frame(60, "STOPPED", { node: "a" })],
    answer: { ok: true, match: /this node is ACTIVE/ },
    requests: 1,
  },
  {
    name: "no answer within the wait: the request ends with a refusal that says so",
    given: standbyB,
    when: [
      ask(20),
      ...Array.from({ length: Math.ceil(TAKEOVER_WAIT_MS / 1000) }, (_, i) =>
        frame(100 + i * 1000, "ACTIVE", { node: "a" }),
      ),
      tick(20 + TAKEOVER_WAIT_MS),
    ],
    answer: { ok: false, match: /no answer from a within/ },
    requests: 1 + Math.floor((TAKEOVER_RESEND_FOR_MS - 1) / TAKEOVER_RESEND_MS),
  },
];

for (const r of rows) {
  test(r.name, () => {
    const { all } = feed(r.given(), r.when);
    assert.is(sent(all, "takeover-request"), r.requests, "takeover-request frames sent");
    const got = answers(all);
    if (r.answer === null) return assert.is(got.length, 0, `no answer yet: ${JSON.stringify(got)}`);
    assert.is(got.length, 1, `one answer: ${JSON.stringify(got)}`);
    assert.is(got[0]!.ok, r.answer.ok);
    assert.match(got[0]!.detail, r.answer.match);
  });
}

test("the ACTIVE hands over once for a request that arrives on two links and is repeated, and answers once", () => {
  const req = (now: number, channel: "udp" | "serial") => frame(now, "STANDBY", { type: "takeover-request", channel });
  const { s, all } = feed(activeA(), [req(20, "udp"), req(21, "serial"), req(1020, "udp")]);
  assert.is(handOvers(all), 1);
  assert.ok(s.takeover.handingOver);
  const done = feed(s, [
    { kind: "handover-answer", now: 1500, ok: true, detail: "STOPPED announced" },
    { kind: "handover-answer", now: 1501, ok: true, detail: "again" },
  ]);
  const msgs = done.all.filter((a) => a.type === "SendMessage" && a.message === "takeover-answer");
  assert.is(msgs.length, 1, "one answer per switchover");
  assert.equal((msgs[0] as { answer?: unknown }).answer, { ok: true, detail: "STOPPED announced" });
  assert.is(done.s.role, "ACTIVE", "the core itself changes no role: the switchover announces STOPPED");
});

test("a request from a peer that claims ACTIVE, or to a node that is not ACTIVE, starts no switchover", () => {
  assert.is(handOvers(feed(activeA(), [frame(20, "ACTIVE", { type: "takeover-request" })]).all), 0);
  assert.is(handOvers(feed(standbyB(), [frame(20, "STANDBY", { node: "a", type: "takeover-request" })]).all), 0);
});

test.run();
