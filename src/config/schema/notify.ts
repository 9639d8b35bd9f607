// [[notify]]: commands the agent runs on cluster events (keepalived's notify_master/backup/fault, Pacemaker's
// alerts): which events may be notified, the keys of one hook, and the cross-check that a hook's events differ.
import { splitArgs } from "../../monitor/run-process.ts";
import type { Checker, ConfigDraft } from "../validate.ts";
import { ABSOLUTE_PATH } from "./shapes.ts";
import { type ListSpec, ms } from "./spec.ts";

/** The events a hook can be run for (the agent's log event names), and what each one means. */
export const NOTIFY_EVENTS = {
  start: "the agent started, in the role it took over (the guard's decisions in the initrd run no hook)",
  role: "this node's role changed",
  "fence-request": "this node starts fencing its peer",
  "fence-confirmed": "a fence of the peer was confirmed",
  "fence-failed": "no fence level confirmed a fence of the peer",
  "activation-blocked": "a safety check keeps this node from going or staying ACTIVE",
  "monitor-escalate": "a service monitor's recovery escalated to failover or stop",
  "monitor-stopped": "a service monitor stopped for good and waits for an admin",
  "resource-failed": "a resource could not be brought up or released",
  failover: "a service or resource asked for failover, with the answer",
  "link-down": "a heartbeat link's device or socket failed",
  "link-up": "a heartbeat link works again",
  "link-dead": "no heartbeat on a link for deadtime",
  "link-restored": "heartbeats on a dead link again",
  "peer-lost": "the ACTIVE node's peer is silent on every link",
  "peer-dead": "the peer is silent on every link for deadtime and will be fenced",
} as const;

export type NotifyEvent = keyof typeof NOTIFY_EVENTS;

const EVENT_NAMES = Object.keys(NOTIFY_EVENTS) as NotifyEvent[];

/** A command line whose first word is an absolute path (split like the command plugin: quotes, no shell). */
export function isHookCommand(s: string): boolean {
  const a = splitArgs(s);
  return a.ok && a.argv.length > 0 && ABSOLUTE_PATH.test(a.argv[0] ?? "");
}

/** [[notify]] */
export const NOTIFY: ListSpec = {
  type: "list",
  doc: "commands the agent runs on cluster events (after boot only: the guard in the initrd runs none)",
  expect: "[[notify]] tables",
  max: 16,
  item: {
    type: "table",
    doc: "one notify hook",
    fields: {
      command: {
        type: "string",
        doc: "the program and its arguments, split like a shell would (quotes, backslashes) but never run by one; it gets the event in CLUSTERGUARD_* environment variables and as JSON on stdin",
        check: isHookCommand,
        required: true,
        expect: 'a command line whose first word is an absolute path ("/usr/local/sbin/cg-mail --to ops")',
      },
      events: {
        type: "array",
        doc: `which events run it: ${Object.entries(NOTIFY_EVENTS)
          .map(([e, what]) => `${e} (${what})`)
          .join("; ")}`,
        item: { type: "enum", doc: "event name", values: EVENT_NAMES },
        min: 1,
        distinct: true,
        default: EVENT_NAMES,
      },
      timeout: ms(
        "how long one run may take; then its process group is killed (SIGTERM, SIGKILL 1 s later)",
        5000,
        100,
        60000,
      ),
    },
  },
};

/** No two hooks run the same command line (one would be enough; two is a copy-and-paste mistake). */
export function checkNotify(d: ConfigDraft, ck: Checker): void {
  const hooks = d.notify ?? [];
  hooks.forEach((h, i) => {
    if (h?.command === undefined) return;
    const first = hooks.findIndex((o) => o?.command === h.command);
    if (first < i) ck.cross(["notify", i, "command"], h.command, `a command different from notify[${first}].command`);
  });
}
