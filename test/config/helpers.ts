// Shared helpers for the config tests: fixtures, and loading TOML text straight to messages.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { formatConfigError, loadConfigText } from "../../src/config/load.ts";
import type { ClusterConfig } from "../../src/config/types.ts";

export const FIXTURES = join(import.meta.dir, "..", "fixtures", "config");

/** The text of a fixture file. */
export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), "utf8");
}

/** A valid base document (cluster + two nodes) that tests extend. */
export const BASE = `[cluster]
name = "t"

[[node]]
name = "a"
address = "10.0.0.1"

[[node]]
name = "b"
address = "10.0.0.2"
`;

/** Formatted error lines for a config text named t.toml (empty when valid). */
export function errorsOf(text: string): string[] {
  const r = loadConfigText(text, "t.toml");
  return r.ok ? [] : r.errors.map(formatConfigError);
}

/** Warnings for a config text that must be valid. */
export function warningsOf(text: string): string[] {
  const r = loadConfigText(text, "t.toml");
  if (!r.ok) throw new Error(`expected a valid config:\n${r.errors.map(formatConfigError).join("\n")}`);
  return r.warnings;
}

/** The config for a text that must be valid. */
export function configOf(text: string): ClusterConfig {
  const r = loadConfigText(text, "t.toml");
  if (!r.ok) throw new Error(`expected a valid config:\n${r.errors.map(formatConfigError).join("\n")}`);
  return r.config;
}
