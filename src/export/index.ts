// `clusterguard export pacemaker` as a pure function: a validated config in, the files' text out (cib.xml,
// corosync.conf, sbd when the disk channel is on, MIGRATION.txt) with the notes on what does not carry over; or,
// when something cannot be carried at all, the refusals as ConfigErrors (file, key, value, expected), and no file.
import type { ClusterConfig, ConfigError } from "../config/index.ts";
import { keyPath } from "../config/index.ts";
import { cibIds, renderCib, unrepresentable } from "./cib.ts";
import { exportCorosync } from "./corosync.ts";
import { exportFencing } from "./fencing.ts";
import { generalNotes, noteLine, renderMigration } from "./migration.ts";
import type { KeyPath, Note, Refusal } from "./model.ts";
import { exportResources } from "./resources.ts";
import { exportSbd } from "./sbd.ts";

/** One file to write into the output directory. */
export interface ExportFile {
  name: string;
  text: string;
}

/** Something that does not carry over as it is, located in the config. */
export interface ExportNote extends Note {
  line?: number;
}

export type ExportResult =
  | { ok: true; files: ExportFile[]; notes: ExportNote[] }
  | { ok: false; errors: ConfigError[] };

export interface ExportOptions {
  /** The config file's name, for messages and the files' headers. */
  source: string;
  /** Where each key was written in the config file (LoadResult.lines), for the messages' line numbers. */
  lines?: { get(path: KeyPath): number | undefined };
}

/** The Pacemaker, Corosync and SBD files for `config`, or why it cannot be exported. */
export function exportPacemaker(config: ClusterConfig, opts: ExportOptions): ExportResult {
  const { source } = opts;
  // A key the file leaves to its default is shown at the nearest table the file does write.
  const lineOf = (path: KeyPath) => {
    for (let n = path.length; n > 0; n--) {
      const line = opts.lines?.get(path.slice(0, n));
      if (line !== undefined) return line;
    }
    return undefined;
  };
  const text = unrepresentable(config);
  if (text.length > 0) return { ok: false, errors: text.map((r) => configError(r, source, lineOf)) };

  const cid = cibIds(config);
  const resources = exportResources(config, cid.ids);
  const fencing = exportFencing(config, cid.ids);
  const corosync = exportCorosync(config, source);
  const sbd = exportSbd(config, source);
  const parts = [corosync, fencing, resources, sbd];
  const refusals = parts.flatMap((p) => p.refusals);
  if (refusals.length > 0) return { ok: false, errors: refusals.map((r) => configError(r, source, lineOf)) };

  const notes: ExportNote[] = [...generalNotes(config), ...parts.flatMap((p) => p.notes)].map((n) => {
    const line = lineOf(n.path);
    return line === undefined ? n : { ...n, line };
  });
  const files: ExportFile[] = [
    { name: "cib.xml", text: renderCib(config, source, cid, resources, fencing) },
    { name: "corosync.conf", text: corosync.text },
  ];
  const holds = [
    {
      name: "cib.xml",
      holds: "Pacemaker's configuration (CIB): nodes, fence devices and topology, the resource group",
    },
    { name: "corosync.conf", holds: "membership and quorum: knet link 0 between the node addresses, two_node" },
  ];
  if (sbd.text !== undefined) {
    files.push({ name: "sbd", text: sbd.text });
    holds.push({
      name: "sbd",
      holds: "the SBD configuration for the shared disk, and the command that writes its header",
    });
  }
  const migration = renderMigration({
    config,
    source,
    files: holds,
    mappings: parts.flatMap((p) => p.mappings),
    notes,
    group: resources.members.length > 0 ? cid.group : undefined,
  });
  files.push({ name: "MIGRATION.txt", text: migration });
  return { ok: true, files, notes };
}

/** A note as the export prints it: "FILE:LINE: key = value: text". */
export function formatNote(n: ExportNote, source: string): string {
  const where = n.line === undefined ? source : `${source}:${n.line}`;
  return `${where}: ${noteLine(n)}`;
}

function configError(r: Refusal, file: string, lineOf: (path: KeyPath) => number | undefined): ConfigError {
  const e: ConfigError = { file, key: keyPath(r.path), expected: r.expected };
  const line = lineOf(r.path);
  if (line !== undefined) e.line = line;
  if (r.value !== undefined) e.value = r.value;
  if (r.problem !== undefined) e.problem = r.problem;
  return e;
}
