// A two-node simulation wiring two pure cores together over simulated links, for scenario tests.
import { initialState, step, type Action, type CoreState, type Input, type NodeRef } from "../../src/core/index.ts";
import type { ChannelKind } from "../../src/core/types.ts";
import { TIMERS } from "./fixtures.ts";

type Name = "a" | "b";
interface SimNode {
  ref: NodeRef;
  state: CoreState | null;
  incarnation: number;
  bootAt: number;
  history: { t: number; role: string }[];
  fenceCalls: number;
  selfFences: number;
  continued: number;
  /** The peer incarnation this node last heard: what its frames echo. */
  heardInc: number;
}
interface Pending {
  at: number;
  to: Name;
  input: Input;
}

/** Two cores, a set of links per direction, a fence device with a configurable outcome. */
export class Sim {
  now = 0;
  readonly nodes: Record<Name, SimNode>;
  readonly cut = new Set<ChannelKind>();
  fenceWorks = true;
  /** The fence device is unreachable before this time (ms), whatever fenceWorks says. */
  fenceWorksFrom = 0;
  fenceMs = 300;
  rebootMs = 1000;
  latencyMs = 1;
  /** After a fence the victim stays off instead of rebooting. */
  fenceKeepsOff = false;
  private queue: Pending[] = [];
  private resets: { name: Name; at: number }[] = [];
  readonly channels: ChannelKind[] = ["serial", "udp"];
  /** What every boot starts with (OPTED_OUT: startup fencing without a disk channel). */
  timers = TIMERS;
  readonly log: { t: number; node: Name; action: Action }[] = [];

  constructor(a: NodeRef = { name: "a", priority: 100 }, b: NodeRef = { name: "b", priority: 50 }) {
    const mk = (ref: NodeRef): SimNode => ({
      ref,
      state: null,
      incarnation: 0,
      bootAt: -1,
      history: [],
      fenceCalls: 0,
      selfFences: 0,
      continued: 0,
      heardInc: 0,
    });
    this.nodes = { a: mk(a), b: mk(b) };
  }

  /** Power a node on at `at`. */
  boot(name: Name, at: number): void {
    this.nodes[name].bootAt = at;
  }
  /** Power a node off now (kill -9 / power cut: it simply stops). */
  kill(name: Name): void {
    this.nodes[name].state = null;
    this.nodes[name].bootAt = -1;
    this.nodes[name].history.push({ t: this.now, role: "OFF" });
  }
  role(name: Name): string {
    return this.nodes[name].state?.role ?? "OFF";
  }

  /** Advance time to `until`, ticking every `tick` ms. */
  run(until: number, tick = 10): void {
    for (; this.now <= until; this.now += tick) {
      this.applyResets();
      for (const name of ["a", "b"] as Name[]) this.maybeBoot(name);
      this.deliver();
      for (const name of ["a", "b"] as Name[]) this.feed(name, { kind: "tick", now: this.now });
    }
  }

  private maybeBoot(name: Name): void {
    const n = this.nodes[name];
    if (n.state || n.bootAt < 0 || this.now < n.bootAt) return;
    n.incarnation += 1;
    n.heardInc = 0;
    const peer = this.nodes[name === "a" ? "b" : "a"].ref;
    n.state = initialState({ now: this.now, self: n.ref, peer, timers: this.timers, channels: this.channels });
    n.history.push({ t: this.now, role: "BOOTING" });
  }

  private deliver(): void {
    const due = this.queue.filter((p) => p.at <= this.now);
    this.queue = this.queue.filter((p) => p.at > this.now);
    for (const p of due) {
      const to = this.nodes[p.to];
      if (p.input.kind === "frame" && to.state) to.heardInc = p.input.incarnation;
      this.feed(p.to, { ...p.input, now: this.now } as Input);
    }
  }

  private feed(name: Name, input: Input): void {
    const n = this.nodes[name];
    if (!n.state) return;
    const r = step(n.state, input);
    const before = n.state.role;
    n.state = r.state;
    if (r.state.role !== before) n.history.push({ t: this.now, role: r.state.role });
    for (const a of r.actions) this.perform(name, a);
  }

  private perform(name: Name, a: Action): void {
    this.log.push({ t: this.now, node: name, action: a });
    const n = this.nodes[name];
    const other: Name = name === "a" ? "b" : "a";
    const st = n.state!;
    switch (a.type) {
      case "SendHeartbeat":
      case "SendMessage":
        for (const ch of this.channels) {
          if (this.cut.has(ch)) continue;
          this.queue.push({
            at: this.now + this.latencyMs,
            to: other,
            input: {
              kind: "frame",
              now: 0,
              channel: ch,
              node: n.ref.name,
              type: a.type === "SendMessage" ? a.message : "heartbeat",
              role: st.role,
              incarnation: n.incarnation,
              echo: n.heardInc === this.nodes[other].incarnation,
              ...(a.type === "SendMessage" && a.graceMs !== undefined ? { graceMs: a.graceMs } : {}),
            },
          });
        }
        break;
      case "FencePeer":
        n.fenceCalls += 1;
        if (!this.fenceWorks || this.now < this.fenceWorksFrom) {
          this.queue.push({
            at: this.now + this.fenceMs,
            to: name,
            input: { kind: "fence-result", now: 0, ok: false, device: "sim", detail: "device unreachable" },
          });
          break;
        }
        this.queue.push({
          at: this.now + this.fenceMs,
          to: name,
          input: { kind: "fence-result", now: 0, ok: true, device: "sim", detail: "reset" },
        });
        this.resetLater(other, this.fenceMs);
        break;
      case "SelfFence":
        n.selfFences += 1;
        this.resetLater(name, 0);
        break;
      case "ContinueBoot":
        n.continued += 1;
        break;
      case "Log":
        break;
    }
  }

  private resetLater(name: Name, afterMs: number): void {
    this.resets.push({ name, at: this.now + afterMs });
  }

  /** A reset lands: the node stops, and boots again rebootMs later unless kept off. */
  private applyResets(): void {
    for (const r of this.resets.filter((x) => x.at <= this.now)) {
      const n = this.nodes[r.name];
      if (!n.state) continue; // resetting a node that is off changes nothing
      n.state = null;
      n.bootAt = this.fenceKeepsOff ? -1 : r.at + this.rebootMs;
      n.history.push({ t: this.now, role: "OFF" });
    }
    this.resets = this.resets.filter((x) => x.at > this.now);
  }
}
