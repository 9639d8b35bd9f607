// Validates a parsed clusterguard.toml against the schema, then the cross-key rules; collects everything.
import { checkAgents } from "./checks-agents.ts";
import { checkChannels } from "./checks-channels.ts";
import { checkFencing } from "./checks-fencing.ts";
import { checkManagement } from "./checks-management.ts";
import { checkNodes } from "./checks-nodes.ts";
import { checkResources } from "./checks-resources.ts";
import { checkTimers } from "./checks-timers.ts";
import { fillResourceNames } from "./resource-names.ts";
import { SCHEMA } from "./schema.ts";
import type { LineMap } from "./toml-lines.ts";
import type { TomlTable } from "./toml-tree.ts";
import type { ClusterConfig, ConfigError } from "./types.ts";
import { Checker, type Draft } from "./validate-context.ts";
import { checkValue } from "./validate-walk.ts";

/** Rules that relate keys to each other; each runs only on values that passed the schema. */
const CROSS_CHECKS: readonly ((d: Draft, ck: Checker) => void)[] = [
  checkTimers,
  checkNodes,
  checkChannels,
  checkFencing,
  checkManagement,
  checkAgents,
  checkResources,
];

/** The outcome: config is set only when there are no errors; warnings never block. */
export interface ValidationResult {
  config: ClusterConfig | undefined;
  errors: ConfigError[];
  warnings: string[];
}

/** Validates a parsed tree; `lines` gives each key's line; `file` is used in messages. */
export function validate(tree: TomlTable, lines: LineMap, file: string): ValidationResult {
  const ck = new Checker(file, lines);
  const draft = (checkValue(SCHEMA, tree, [], ck, 0) ?? {}) as Draft;
  fillResourceNames(draft, ck);
  for (const check of CROSS_CHECKS) check(draft, ck);
  const errors = ck.errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { config: errors.length === 0 ? (draft as ClusterConfig) : undefined, errors, warnings: ck.warnings };
}
