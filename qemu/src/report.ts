// Write a run's report (JSON) and timeline pictures (SVG) under qemu/out/<timestamp>/, and print the summary; the
// scenarios' screenshots of the web console (PNG) are saved there as they are taken.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { OUT } from "./paths.ts";
import type { ScenarioResult } from "./scenario-kit.ts";
import { timelineSvg } from "./timeline-svg.ts";

/** A fresh report folder for this run. */
export function reportDir(): string {
  const dir = join(OUT, new Date().toISOString().replace(/[:.]/g, "-"));
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The name prefix of the `i`th (from 0) scenario's files in a report folder: 01-takeover. */
export const reportPrefix = (i: number, name: string) => `${String(i + 1).padStart(2, "0")}-${name}`;

/** Save what has run so far (after every scenario: an interrupted matrix keeps its report). */
export function saveReport(dir: string, results: ScenarioResult[]): void {
  writeFileSync(join(dir, "report.json"), JSON.stringify({ results }, null, 2));
  for (const [i, r] of results.entries()) writeFileSync(join(dir, `${reportPrefix(i, r.name)}.svg`), timelineSvg(r));
}

/** Save and summarise; returns the report folder. */
export function writeReport(results: ScenarioResult[], dir: string = reportDir()): string {
  saveReport(dir, results);
  console.log("\n=== lab report ===");
  for (const r of results) {
    console.log(`${r.pass ? "PASS" : "FAIL"}  ${r.name}`);
    for (const [k, v] of Object.entries(r.timings))
      console.log(`        ${k}: ${v}${k.endsWith("(%)") ? " %" : " ms"}`);
    if (r.integrity)
      console.log(
        `        integrity: fsck ${r.integrity.fsck.clean ? "clean" : "NOT clean"}${(r.integrity.others ?? []).map((o) => ` (${o.mount} ${o.clean ? "clean" : "NOT clean"})`).join("")}, ${r.integrity.records} records, ${r.integrity.acked} acknowledged, ${r.integrity.missing.length} missing, writers ${r.integrity.writers.join(" -> ")}${r.integrity.interleaved ? " INTERLEAVED" : ""}`,
      );
    const t0 = r.timeline[0]?.at ?? 0;
    for (const e of r.timeline.filter((x) =>
      /^role |fence|PDU|power|paused|cut |heal |self-fence|mounted/.test(x.what),
    )) {
      console.log(`        +${((e.at - t0) / 1000).toFixed(1).padStart(6)} s  ${e.node}  ${e.what.slice(0, 110)}`);
    }
    for (const s of r.screenshots ?? []) console.log(`        console screenshot: ${join(dir, s.file)}: ${s.what}`);
    if (!r.pass)
      console.log(`        failed at: ${r.failedStep}; expected: ${r.expected ?? "-"}; error: ${r.error ?? "-"}`);
  }
  console.log(`report: ${join(dir, "report.json")}\ntimelines: ${dir}/*.svg`);
  return dir;
}

/** Per scenario: how many of its runs passed. */
export function passTable(results: { name: string; pass: boolean }[]): string {
  const rows = new Map<string, { pass: number; runs: number }>();
  for (const r of results) {
    const row = rows.get(r.name) ?? { pass: 0, runs: 0 };
    row.runs++;
    if (r.pass) row.pass++;
    rows.set(r.name, row);
  }
  const w = Math.max(8, ...[...rows.keys()].map((k) => k.length));
  const out = [`${"scenario".padEnd(w)}  passed/runs`];
  for (const [k, v] of rows) out.push(`${k.padEnd(w)}  ${v.pass}/${v.runs}${v.pass < v.runs ? "  FAILED" : ""}`);
  return out.join("\n");
}
