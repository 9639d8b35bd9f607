// The vocabulary the export is written in: what each part (resources, fencing, corosync, SBD) hands back, a Pacemaker
// primitive as data before it becomes XML, and the findings: a note (something that does not carry over as it is,
// listed in MIGRATION.txt) or a refusal (a ConfigError-like problem: the export writes nothing).

/** A config key as path segments: ["fencing", "level", 1, "type"] (dotted by keyPath: fencing.level[1].type). */
export type KeyPath = readonly (string | number)[];

/** Something that does not carry over as it is: named in MIGRATION.txt and printed as a warning. */
export interface Note {
  /** Where it comes from in clusterguard.toml. */
  path: KeyPath;
  /** The value there, when one says it best (shown like a config error's value). */
  value?: unknown;
  /** What happens to it, one sentence or two. */
  text: string;
  /** What the admin must change before the first start (a value to fill in, a device to check), when anything. */
  edit?: string;
}

/** A feature the export cannot carry at all: refused like a config error (exit 2, nothing written). */
export interface Refusal {
  path: KeyPath;
  value?: unknown;
  /** What went wrong, when "expected" alone does not say it. */
  problem?: string;
  /** What would have been exported, as a noun phrase. */
  expected: string;
}

/** One line of "what carries over" in MIGRATION.txt: a clusterguard setting and where it went. */
export interface Mapping {
  from: string;
  to: string;
}

/** What one part of the export found. */
export interface Findings {
  notes: Note[];
  refusals: Refusal[];
  mappings: Mapping[];
}

/** An empty set of findings to fill in. */
export function findings(): Findings {
  return { notes: [], refusals: [], mappings: [] };
}

/** One operation of a primitive: monitor, start or stop, with Pacemaker's interval and timeout spellings. */
export interface Op {
  name: "monitor" | "start" | "stop";
  /** Milliseconds; 0 for start and stop. */
  intervalMs: number;
  timeoutMs: number;
  /** Pacemaker's on-fail, when not the default. */
  onFail?: "restart" | "block" | "stop" | "ignore" | "fence";
}

/** A Pacemaker primitive: a resource or a fence device (class stonith). */
export interface Primitive {
  /** The CIB id (an XML ID, unique in the document). */
  id: string;
  class: "ocf" | "systemd" | "stonith";
  provider?: string;
  type: string;
  /** Where it came from, for the description attribute and MIGRATION.txt ("resource[0] \"web-ip\""). */
  description: string;
  /** Instance attributes in order: the agent's parameters. */
  params: [string, string][];
  /** Meta attributes in order (migration-threshold, failure-timeout). */
  meta: [string, string][];
  ops: Op[];
}

/** Pacemaker's spelling of a duration: whole seconds as "30s", anything else as "1500ms". */
export function duration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
