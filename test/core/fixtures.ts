// Builders for core tests: a node's initial state and frames from its peer.
import { initialState, step, type Action, type CoreState, type CoreTimers, type Input } from "../../src/core/index.ts";
import type { FrameInput } from "../../src/core/inputs.ts";
import type { ChannelKind, MessageType, Role } from "../../src/core/types.ts";

export const TIMERS: CoreTimers = {
  keepalive: 100,
  warntime: 1000,
  deadtime: 2000,
  initdead: 4000,
  handoffGrace: 6000,
  fenceDelay: 3000,
  fenceTimeout: 5000,
  fenceRetry: 2500,
  waitForAll: true,
};

/** TIMERS with `fencing.wait_for_all = false`: the admin allows startup fencing without a disk channel. */
export const OPTED_OUT: CoreTimers = { ...TIMERS, waitForAll: false };

export const A = { name: "a", priority: 100 };
export const B = { name: "b", priority: 50 };

/** A fresh core for node `self` with peer `peer`, started at `now`. */
export function fresh(self = A, peer = B, now = 0, channels: ChannelKind[] = ["serial", "udp"]): CoreState {
  return initialState({ now, self, peer, timers: TIMERS, channels });
}

/** A fresh core on serial and UDP whose admin set `fencing.wait_for_all = false`. */
export function optedOut(self = A, peer = B, now = 0): CoreState {
  return initialState({ now, self, peer, timers: OPTED_OUT, channels: ["serial", "udp"] });
}

/** A guard's core with the disk channel and a poison-pill level: the mailbox read and the watchdog armed are required. */
export function guarded(self = A, peer = B, now = 0): CoreState {
  return initialState({
    now,
    self,
    peer,
    timers: TIMERS,
    channels: ["serial", "udp", "disk"],
    requires: ["mailbox", "watchdog"],
  });
}

/** A frame from the peer as the shell would hand it over. */
export function frame(now: number, role: Role, opts: Partial<FrameInput> = {}): FrameInput {
  return {
    kind: "frame",
    now,
    channel: "udp",
    node: "b",
    type: "heartbeat" as MessageType,
    role,
    incarnation: 7,
    echo: true,
    ...opts,
  };
}

/** Steps the core through `inputs`: the final state, every action on the way, and the last step's actions. */
export function feed(s: CoreState, inputs: Input[]): { s: CoreState; all: Action[]; last: Action[] } {
  const all: Action[] = [];
  let last: Action[] = [];
  for (const i of inputs) {
    const r = step(s, i);
    s = r.state;
    last = r.actions;
    all.push(...r.actions);
  }
  return { s, all, last };
}
