// One read of the own mailbox, judged: what the core hears and when the watchdog is petted (table).
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { MailboxRead } from "../../src/disk/channel-options.ts";
import type { MailboxMessage } from "../../src/disk/slot.ts";
import { BOOT_MEMORY, judgeMailbox, type PillMemory } from "../../src/node/mailbox.ts";

const NOW = 1_800_000_000_000;
const msg = (over: Partial<MailboxMessage> = {}): MailboxRead => ({
  kind: "ok",
  value: {
    type: "reset",
    sender: "b",
    senderIncarnation: 5,
    seq: 9,
    writtenAt: NOW - 1000,
    targetIncarnation: 3,
    ...over,
  },
});
const boot: PillMemory = BOOT_MEMORY;
const running: PillMemory = { firstRead: false, decoded: true, pill: null, obeying: false };
const pending: PillMemory = { firstRead: false, decoded: true, pill: "b/5/9/reset", obeying: false };
const obeying: PillMemory = { ...pending, obeying: true };
const damagedAtBoot: PillMemory = { firstRead: false, decoded: false, pill: null, obeying: false };

type Row = {
  name: string;
  read: MailboxRead;
  memory: PillMemory;
  report: null | { present: boolean; fresh?: boolean; power?: string };
  pet: boolean;
  unread?: RegExp;
};
const rows: Row[] = [
  {
    name: "an unreadable disk: no pet, nothing reported",
    read: { kind: "unavailable", detail: "EIO" },
    memory: running,
    report: null,
    pet: false,
  },
  {
    name: "an empty mailbox at boot: reported clear, pet",
    read: { kind: "empty", detail: "zeros" },
    memory: boot,
    report: { present: false },
    pet: true,
  },
  {
    name: "a cleared mailbox while running: pet, nothing new to say",
    read: msg({ type: "none" }),
    memory: running,
    report: null,
    pet: true,
  },
  { name: "a test message is not a pill", read: msg({ type: "test" }), memory: running, report: null, pet: true },
  {
    name: "a pill found at boot: present, not fresh, still petted (blocked, not writing)",
    read: msg(),
    memory: boot,
    report: { present: true, fresh: false, power: "reset" },
    pet: true,
  },
  {
    name: "a pill arriving while running: fresh, and no pet",
    read: msg({ type: "off" }),
    memory: running,
    report: { present: true, fresh: true, power: "off" },
    pet: false,
  },
  { name: "the same pill read again: nothing new, pet", read: msg(), memory: pending, report: null, pet: true },
  {
    name: "a second, different pill while one is pending: fresh",
    read: msg({ seq: 10 }),
    memory: pending,
    report: { present: true, fresh: true },
    pet: false,
  },
  {
    name: "the pending pill cleared: reported clear",
    read: msg({ type: "none" }),
    memory: pending,
    report: { present: false },
    pet: true,
  },
  {
    name: "a forged or damaged block is not a pill: pet, nothing reported",
    read: { kind: "bad-auth", detail: "HMAC mismatch" } as MailboxRead,
    memory: running,
    report: null,
    pet: true,
  },
  {
    name: "an unreadable disk before any decoded read: activation stays blocked, with the reason",
    read: { kind: "unavailable", detail: "EIO" },
    memory: boot,
    report: null,
    pet: false,
    unread: /^own mailbox unreadable: EIO$/,
  },
  {
    name: "a damaged block before any decoded read: petted, but activation stays blocked (disk clear rewrites it)",
    read: { kind: "malformed", detail: "bad length" } as MailboxRead,
    memory: boot,
    report: null,
    pet: true,
    unread: /own mailbox ignored \(malformed\): bad length .*disk clear/,
  },
  {
    name: "the first clean read after a damaged one is reported clear (the clean-start check is met)",
    read: { kind: "empty", detail: "zeros" },
    memory: damagedAtBoot,
    report: { present: false },
    pet: true,
  },
  {
    name: "a fresh pill read again: still no pet (obeying it, in any role)",
    read: msg(),
    memory: obeying,
    report: null,
    pet: false,
  },
  {
    name: "a damaged block while obeying a fresh pill: no pet",
    read: { kind: "bad-auth", detail: "HMAC mismatch" } as MailboxRead,
    memory: obeying,
    report: null,
    pet: false,
  },
  {
    name: "the obeyed pill cleared: pet again",
    read: msg({ type: "none" }),
    memory: obeying,
    report: { present: false },
    pet: true,
  },
];

for (const r of rows) {
  test(r.name, () => {
    const v = judgeMailbox(r.read, r.memory, NOW);
    assert.is(v.pet, r.pet);
    if (r.unread) assert.match(String(v.unread), r.unread);
    else assert.is(v.unread, null, "nothing keeps activation blocked");
    if (r.report === null) assert.is(v.report, null);
    else {
      assert.ok(v.report, "expected a report");
      for (const [k, want] of Object.entries(r.report)) assert.is((v.report as Record<string, unknown>)[k], want, k);
    }
  });
}

test("after any good read the next pill counts as fresh", () => {
  const first = judgeMailbox({ kind: "empty", detail: "zeros" }, boot, NOW);
  assert.is(first.memory.firstRead, false);
  assert.is(judgeMailbox(msg(), first.memory, NOW).report?.fresh, true);
});

test("a fresh pill stops the pets for as long as it stays in the slot", () => {
  const first = judgeMailbox(msg({ type: "off" }), running, NOW);
  assert.is(first.pet, false);
  const again = judgeMailbox(msg({ type: "off" }), first.memory, NOW);
  assert.is(again.pet, false, "the node must not pet again on the next read of the same pill");
});

test("a pill aimed at this very boot is obeyed on the first read too (written after the start, before a read got through)", () => {
  const boot = { firstRead: true, decoded: false, pill: null, obeying: false };
  const aimed = judgeMailbox(msg({ targetIncarnation: 777 }), boot, NOW, 777);
  assert.is(aimed.report?.fresh, true);
  assert.is(aimed.pet, false, "obeyed: no more pets");
  const leftover = judgeMailbox(msg({ targetIncarnation: 555 }), boot, NOW, 777);
  assert.is(leftover.report?.fresh, false, "a pill for an earlier boot stays a leftover");
});

test.run();
