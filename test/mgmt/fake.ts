// A realistic StatusReport and a recording ControlHandler for management server and client tests.
import type { ControlHandler, Reply, StatusReport } from "../../src/mgmt/protocol.ts";
import type { MonitorStatus } from "../../src/monitor/status.ts";

/** The lab cluster seen from node a: one link late, the disk link dead, one monitor paused. */
export function sampleReport(): StatusReport {
  return {
    generatedAt: "2025-06-01T10:15:02.114Z",
    cluster: "lab",
    node: "a",
    role: "ACTIVE",
    incarnation: 7,
    peer: { name: "b", role: "STANDBY", lastHeardAgoMs: 180 },
    links: [
      {
        kind: "serial",
        up: true,
        lastHeardAgoMs: 180,
        late: false,
        dead: false,
        framesIn: 45120,
        framesOut: 45187,
        dropped: 0,
        lastError: null,
      },
      {
        kind: "udp",
        up: true,
        lastHeardAgoMs: 1240,
        late: true,
        dead: false,
        framesIn: 44980,
        framesOut: 45187,
        dropped: 12,
        lastError: null,
      },
      {
        kind: "disk",
        up: false,
        lastHeardAgoMs: 72_500,
        late: true,
        dead: true,
        framesIn: 3410,
        framesOut: 9011,
        dropped: 0,
        lastError: "EIO reading slot 1",
      },
    ],
    lateHeartbeats: 3,
    fence: { state: "idle", last: "reset b via qmp: confirmed", at: "2025-06-01T09:58:11.402Z" },
    monitors: sampleMonitors(),
    resources: [
      { name: "cluster-ip", kind: "ip", state: "up", detail: "192.168.100.10/24 on eth1" },
      { name: "srv", kind: "mount", state: "up", detail: "/dev/vdc1 on /srv" },
      { name: "nginx", kind: "unit", state: "up", detail: "nginx.service active (running)" },
    ],
    blocked: null,
  };
}

/** Two monitors: web healthy, db paused by an admin after a soft error. */
export function sampleMonitors(): MonitorStatus[] {
  return [
    {
      name: "web",
      plugin: "systemd",
      state: "running",
      health: "up",
      consecutiveOk: 42,
      consecutiveFail: 0,
      restartsInWindow: 0,
      history: [
        { at: "2025-06-01T10:14:59.000Z", op: "monitor", result: "running", reason: "nginx.service is active", ms: 12 },
      ],
    },
    {
      name: "db",
      plugin: "command",
      state: "paused",
      health: "unknown",
      consecutiveOk: 0,
      consecutiveFail: 1,
      restartsInWindow: 1,
      history: [
        {
          at: "2025-06-01T10:12:40.000Z",
          op: "monitor",
          result: "soft-error",
          reason: "/bin/pg-ok: OCF_ERR_GENERIC",
          ms: 5003,
        },
      ],
    },
  ];
}

/** A ControlHandler that records every call and answers from fixed data; `fail` makes the next call throw. */
export class FakeHandler implements ControlHandler {
  calls: string[] = [];
  report: StatusReport = sampleReport();
  fail: string | null = null;
  /** ms each action waits before answering (to test a slow fence). */
  delayMs = 0;

  status(): StatusReport {
    this.record("status");
    return this.report;
  }
  takeover(): Promise<Reply<string>> {
    return this.act("takeover", { ok: false, error: "this node is already ACTIVE" });
  }
  standby(): Promise<Reply<string>> {
    return this.act("standby", { ok: true, result: "handing over to b" });
  }
  fence(target: string, manual?: boolean): Promise<Reply<string>> {
    if (manual) return this.act(`fence ${target} manual`, { ok: true, result: `${target} counted as fenced` });
    return this.act(`fence ${target}`, { ok: true, result: `${target} reset via qmp: confirmed` });
  }
  monitors(action: "list" | "pause" | "resume", name?: string): Promise<Reply<MonitorStatus[]>> {
    const monitors = this.report.monitors.map((a) =>
      a.name === name ? { ...a, state: action === "pause" ? ("paused" as const) : ("running" as const) } : a,
    );
    return this.act(name === undefined ? `monitors ${action}` : `monitors ${action} ${name}`, {
      ok: true,
      result: monitors,
    });
  }

  private record(call: string): void {
    this.calls.push(call);
    const f = this.fail;
    if (f !== null) {
      this.fail = null;
      throw new Error(f);
    }
  }
  private async act<T>(call: string, reply: Reply<T>): Promise<Reply<T>> {
    this.record(call);
    if (this.delayMs > 0) await Bun.sleep(this.delayMs);
    return reply;
  }
}
