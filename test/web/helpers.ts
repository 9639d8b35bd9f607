// What the console's tests share: a management status report of a healthy ACTIVE node a beside a STANDBY b.

/** A fresh status report, as the management handler's `status` returns it. */
export function sampleStatus() {
  return {
    generatedAt: new Date().toISOString(),
    cluster: "t",
    node: "a",
    role: "ACTIVE",
    incarnation: 1,
    peer: { name: "b", role: "STANDBY", lastHeardAgoMs: 100 },
    links: [],
    lateHeartbeats: 0,
    fence: { state: "idle", last: null, at: null },
    monitors: [],
    resources: [],
    blocked: null,
  } as never;
}
