// Two real guard runtimes (src/guard/runtime.ts) in one test process, cabled by UDP through the harness relay:
// the real receiver, replay windows, core, fence runner and hand-over, with effectors that record instead of
// resetting the test machine (a "refused" reset returns, as reboot(2) does when the kernel refuses it).
import { loadConfigText } from "../../src/config/index.ts";
import type { ClusterConfig } from "../../src/config/types.ts";
import type { FenceAction, FenceDevice, FenceOutcome, FenceContext } from "../../src/fence/device.ts";
import { unknownPower } from "../../src/fence/device.ts";
import { PeerRequestFence } from "../../src/fence/peer-request.ts";
import type { Effectors } from "../../src/node/effectors.ts";
import type { HandoverSnapshot } from "../../src/node/handover.ts";
import { NodeRuntime } from "../../src/node/runtime.ts";
import type { LogEvent } from "../../src/log/event.ts";
import { Logger } from "../../src/log/logger.ts";
import { UdpRelay } from "../harness/udp-relay.ts";

export const KEY = new Uint8Array(32).fill(7);
export const TIMERS = { keepalive: 100, warntime: 500, deadtime: 1500, initdead: 3000, grace: 3000, fenceDelay: 1000 };

/** One node's runtime with everything it did recorded. */
export interface Node {
  name: "a" | "b";
  guard: NodeRuntime;
  events: LogEvent[];
  /** Self-fences the runtime asked for (each returned: the reset was refused). */
  selfFences: string[];
  /** Fences it ran through its recording level, with the time they were confirmed. */
  fences: { target: string; at: number }[];
  /** When the role was each value, in order. */
  roles: { role: string; at: number }[];
  handOvers: string[];
}

/** A fence level that records the call and confirms it (the peer is "powered off" by the test itself). */
class RecordingLevel implements FenceDevice {
  readonly name = "record";
  constructor(private readonly into: Node["fences"]) {}
  async fence(target: string, _action: FenceAction): Promise<FenceOutcome> {
    this.into.push({ target, at: Date.now() });
    return { confirmed: true, detail: "recorded (test level)" };
  }
  status() {
    return unknownPower("test level");
  }
}

export function configText(extraFencing = ""): string {
  const t = TIMERS;
  return `[cluster]
name = "runtime-pair"

[[node]]
name = "a"
priority = 200
address = "${UdpRelay.A}"

[[node]]
name = "b"
priority = 100
address = "${UdpRelay.B}"

[timers]
keepalive = ${t.keepalive}
warntime = ${t.warntime}
deadtime = ${t.deadtime}
initdead = ${t.initdead}
handoff_grace = ${t.grace}

[channels.serial]
enabled = false

[channels.udp]
port = 1

[fencing]
delay = ${t.fenceDelay}
timeout = 3000
${extraFencing}`;
}

export function loadTestConfig(extraFencing = ""): ClusterConfig {
  const r = loadConfigText(configText(extraFencing), "runtime-pair.toml");
  if (!r.ok) throw new Error(`test config: ${JSON.stringify(r)}`);
  return r.config;
}

/** The relay and the nodes started on it. */
export class RuntimePair {
  readonly relay: UdpRelay;
  readonly config: ClusterConfig;
  private readonly started: Node[] = [];

  constructor(
    readonly port: number,
    extraFencing = "wait_for_all = false",
  ) {
    this.relay = new UdpRelay(port);
    this.config = loadTestConfig(extraFencing);
  }

  async setup(): Promise<void> {
    await this.relay.start();
  }

  /**
   * Start node `name`; `peerRequest` puts the peer-request level before the recording one; `runDir` keeps this boot's
   * records there (a later start with the same directory is a restart in the same boot); `resume` continues links.
   */
  async start(
    name: "a" | "b",
    opts: { resume?: HandoverSnapshot | "unguarded"; peerRequest?: boolean; runDir?: string } = {},
  ): Promise<Node> {
    const self = this.config.node.find((n) => n.name === name)!;
    const peer = this.config.node.find((n) => n.name !== name)!;
    const node: Node = {
      name,
      guard: null as unknown as NodeRuntime,
      events: [],
      selfFences: [],
      fences: [],
      roles: [],
      handOvers: [],
    };
    const log = new Logger(name, [
      (e) => {
        node.events.push(e);
        if (e.event === "role" && e.role) node.roles.push({ role: e.role, at: Date.now() });
      },
    ]);
    const fx: Effectors = {
      continueBoot() {},
      selfFence(reason) {
        node.selfFences.push(reason); // refused: returns like reboot(2) refused by the kernel
      },
    };
    const levels = (ctx: FenceContext): FenceDevice[] => [
      ...(opts.peerRequest ? [new PeerRequestFence({ ctx, deadtimeMs: TIMERS.deadtime })] : []),
      new RecordingLevel(node.fences),
    ];
    const face = name === "a" ? UdpRelay.FACE_A : UdpRelay.FACE_B;
    node.guard = new NodeRuntime(
      {
        config: this.config,
        key: KEY,
        self,
        peer,
        links: { udpLocal: self.address, udpPeer: `${face}:${this.port}`, udpPort: this.port },
        hostMode: true,
        realtime: false,
        ...(opts.resume ? { resume: opts.resume } : {}),
        ...(opts.runDir ? { runDir: opts.runDir } : {}),
      },
      log,
      fx,
      levels,
    );
    await node.guard.start();
    this.started.push(node);
    return node;
  }

  /** Wait until `pred` holds, or fail with what both nodes logged. */
  async until(pred: () => boolean, ms: number, what: string): Promise<void> {
    const t0 = Date.now();
    while (!pred()) {
      if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}\n${this.describe()}`);
      await Bun.sleep(10);
    }
  }

  describe(): string {
    return this.started
      .map((n) => `${n.name}: ${n.events.map((e) => `${e.event}: ${e.message}`).join("\n   ")}`)
      .join("\n");
  }

  async stop(node: Node): Promise<void> {
    await node.guard.stop();
    const i = this.started.indexOf(node);
    if (i >= 0) this.started.splice(i, 1);
  }

  async teardown(): Promise<void> {
    for (const n of [...this.started]) await this.stop(n);
    this.relay.stop();
  }
}
