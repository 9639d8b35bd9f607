// The reference: keepalived (VRRPv3, unicast) in two namespaces, killed like clusterguard; ms until the BACKUP is MASTER.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onInterrupt } from "./cleanup.ts";
import { Keepalived, type KillHow, masterDownMs, notifyScript } from "./keepalived-proc.ts";
import type { OnRun } from "./detection.ts";
import { createNetns, deleteNetns } from "./netns.ts";
import { type Summary, summarize } from "./stats.ts";

/** One kill: ms from the signal to the notify_master stamp, and to the log line read from stdout. */
export interface KeepalivedSample {
  detectMs: number;
  logSeenMs: number | null;
}

/** All kills of one signal for one advert_int. */
export interface KeepalivedResult {
  advertInt: number;
  masterDownMs: number;
  how: KillHow;
  samples: KeepalivedSample[];
  summary: Summary;
  failures: string[];
}

/** The two advert intervals compared: 0.1 s (against clusterguard aggressive) and the default 1 s. */
export const ADVERT_INTS = [0.1, 1] as const;

/**
 * Measure `runs` kills of each signal for each advert_int. Each run starts both keepalived fresh:
 * instance 0 (address owner) is MASTER at once, instance 1 BACKUP; kill 0, wait for 1's notify_master.
 */
export async function measureKeepalived(
  runs: number,
  say: (s: string) => void,
  onRun: (advertInt: number, ...run: Parameters<OnRun>) => void = () => {},
): Promise<KeepalivedResult[]> {
  const dir = mkdtempSync(join(tmpdir(), "cgb-ka-"));
  const out: KeepalivedResult[] = [];
  const nodes = [new Keepalived(0, dir), new Keepalived(1, dir)] as const;
  const forget = onInterrupt(async () => {
    for (const n of nodes) await n.stop().catch(() => {});
    deleteNetns();
    rmSync(dir, { recursive: true, force: true });
  });
  try {
    writeFileSync(join(dir, "notify.sh"), notifyScript(dir));
    chmodSync(join(dir, "notify.sh"), 0o755);
    createNetns();
    for (const adv of ADVERT_INTS) {
      for (const how of ["SIGKILL", "SIGSTOP"] as const) {
        const samples: KeepalivedSample[] = [];
        const failures: string[] = [];
        // A failed run (e.g. a false peer-dead before the kill) is reported and replaced, up to 10 extra tries.
        for (let tries = 0; samples.length < runs && tries < runs + 10; tries++) {
          let said: [string, boolean];
          try {
            const sample = await oneRun(nodes, adv, how);
            samples.push(sample);
            said = [`the BACKUP became MASTER ${sample.detectMs} ms after the ${how}`, true];
          } catch (e) {
            failures.push(e instanceof Error ? e.message.split("\n")[0]! : String(e));
            said = [`failed, run again: ${failures.at(-1)}`, false];
          } finally {
            for (const n of nodes) await n.stop();
          }
          onRun(adv, how, ...said);
        }
        const summary = summarize(samples.map((s) => s.detectMs));
        say(
          `  keepalived advert_int ${adv} ${how}: median ${summary.median} ms over ${samples.length} runs (master down ${masterDownMs(adv).toFixed(0)} ms)${failures.length ? `, ${failures.length} failed` : ""}`,
        );
        out.push({ advertInt: adv, masterDownMs: masterDownMs(adv), how, samples, summary, failures });
      }
    }
  } finally {
    for (const n of nodes) await n.stop().catch(() => {});
    deleteNetns();
    forget();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

async function oneRun(nodes: readonly [Keepalived, Keepalived], adv: number, how: KillHow): Promise<KeepalivedSample> {
  const [m, b] = nodes;
  const advMs = adv * 1000;
  await m.start(adv);
  await until(() => m.masterStamps().length > 0, 5000, "instance 0 MASTER");
  const startedB = Date.now();
  await b.start(adv);
  await until(() => b.lines.some((l) => l.text.includes("Entering BACKUP STATE")), 5000, "instance 1 BACKUP");
  // A few adverts heard; a random extra fraction of advert_int puts the kill at a random phase of the advert cycle.
  await Bun.sleep(1.5 * advMs + Math.random() * advMs);
  if (b.masterStamps().length > 0 || b.logMasterAt(startedB) !== undefined)
    throw new Error("instance 1 became MASTER before the kill");
  const killedAt = m.hit(how);
  await until(() => b.masterStamps().length > 0, masterDownMs(adv) + 5000, "instance 1 MASTER");
  await Bun.sleep(20); // the log line, read from a pipe, may trail the notify script
  const logAt = b.logMasterAt(killedAt);
  return { detectMs: b.masterStamps()[0]! - killedAt, logSeenMs: logAt === undefined ? null : logAt - killedAt };
}

async function until(pred: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await Bun.sleep(5);
  }
}
