// `lab up` / `lab down`: fresh disks from the image, the daemon started detached, both nodes powered on.
import { copyFileSync, existsSync, mkdirSync, openSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "./build.ts";
import { ask } from "./control.ts";
import { labWebTokenFile, labWebUrl } from "./lab-config.ts";
import { CONTROL, EXE, IMAGE, LAB_FENCE, NODES, REPO, RUN } from "./paths.ts";
import { varsFile } from "./provision.ts";
import { progress, sh } from "./sh.ts";

export interface Status {
  nodes: Record<
    "a" | "b",
    {
      vm: string;
      role: string;
      rootMounted: boolean;
      lastEvent: string | null;
      acks: number;
      lastAck: string | null;
      poweredOnAt: number;
    }
  >;
  cables: { serial: string; ethernet: string };
}

/** Poll the daemon until `pred(status)` holds; print what is awaited every 15 s. */
export async function waitStatus(
  t0: number,
  what: string,
  pred: (s: Status) => boolean,
  timeoutMs: number,
): Promise<Status> {
  const start = performance.now();
  let lastSay = 0;
  for (;;) {
    const s = await ask<Status>({ cmd: "status" });
    if (pred(s)) {
      progress(t0, `${what}: yes (${((performance.now() - start) / 1000).toFixed(1)} s)`);
      return s;
    }
    const waited = performance.now() - start;
    if (waited > timeoutMs)
      throw new Error(
        `timed out after ${Math.round(waited / 1000)} s waiting for ${what}; a: ${s.nodes.a.role} (${s.nodes.a.lastEvent}), b: ${s.nodes.b.role} (${s.nodes.b.lastEvent})`,
      );
    if (waited - lastSay > 15000) {
      lastSay = waited;
      progress(t0, `waiting for ${what}: a ${s.nodes.a.vm}/${s.nodes.a.role}, b ${s.nodes.b.vm}/${s.nodes.b.role}`);
    }
    await Bun.sleep(500);
  }
}

/** Fresh shared disks, a fresh daemon; nodes are powered on by the caller. */
export async function prepare(t0: number): Promise<void> {
  await build();
  if (existsSync(CONTROL)) await down().catch(() => {});
  // A BMC a crashed daemon left behind would hold its address and port.
  await sh("pkill", ["-f", `^ipmi_sim -n -c ${join(RUN, "bmc-")}`]).catch(() => {});
  rmSync(RUN, { recursive: true, force: true });
  mkdirSync(RUN, { recursive: true });
  progress(t0, "fresh copies of the shared image and the heartbeat disk");
  await sh("cp", ["--sparse=always", join(IMAGE, "shared.img"), join(RUN, "shared.img")]);
  // systemd-boot: each machine's NVRAM as its provisioning boot left it (its default entry and menu timeout).
  for (const n of NODES) if (existsSync(varsFile(IMAGE, n))) copyFileSync(varsFile(IMAGE, n), varsFile(RUN, n));
  writeFileSync(join(RUN, "sbd.img"), "");
  truncateSync(join(RUN, "sbd.img"), 8 << 20);
  await sh(EXE, [
    "disk",
    "init",
    "--device",
    join(RUN, "sbd.img"),
    "--config",
    join(IMAGE, "clusterguard.toml"),
    "--authkey",
    join(IMAGE, "authkey"),
  ]);
  const log = openSync(join(RUN, "daemon.log"), "a");
  const d = Bun.spawn(["setsid", process.execPath, join(REPO, "qemu/src/daemon.ts")], {
    stdin: "ignore",
    stdout: log,
    stderr: log,
  });
  d.unref();
  // (with BMCs, the daemon first sets up the management network and waits for each ipmi_sim to answer)
  for (let i = 0; i < 300 && !existsSync(CONTROL); i++) await Bun.sleep(100);
  if (!existsSync(CONTROL)) throw new Error(`the lab daemon did not start; see ${join(RUN, "daemon.log")}`);
  if (LAB_FENCE === "ipmi")
    progress(
      t0,
      `web console of the ACTIVE, once its agent runs: ${labWebUrl()} (log in with the token in ${labWebTokenFile()}; a self-signed certificate)`,
    );
}

/** Boot both nodes: A first and B a second later (or both at once), until one is ACTIVE and the other STANDBY. */
export async function up(t0: number, simultaneous = false): Promise<Status> {
  await prepare(t0);
  progress(t0, "power on a");
  const first = ask({ cmd: "on", node: "a" });
  if (!simultaneous) {
    await first;
    await Bun.sleep(1000);
  }
  progress(t0, "power on b");
  await Promise.all([first, ask({ cmd: "on", node: "b" })]);
  return waitStatus(
    t0,
    "one node ACTIVE, the other parked STANDBY",
    (s) => [s.nodes.a.role, s.nodes.b.role].sort().join() === "ACTIVE,STANDBY",
    300000,
  );
}

/** Stop both VMs and the daemon. */
export async function down(): Promise<void> {
  await ask({ cmd: "down" });
  for (let i = 0; i < 50 && existsSync(CONTROL); i++) await Bun.sleep(100);
  rmSync(CONTROL, { force: true });
}
