// What validation accumulates: errors, warnings and which keys were invalid; plus the draft config type.
import { keyPath, type Segment } from "./key-path.ts";
import type { LineMap } from "./toml-lines.ts";
import type { ClusterConfig, ConfigError } from "./types.ts";

type DeepPartial<T> = T extends (infer U)[]
  ? (DeepPartial<U> | undefined)[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** The config as built so far: any key may be missing because it was invalid. */
export type Draft = DeepPartial<ClusterConfig>;

/** Collects problems for one file, with lines looked up in the parser's line map. */
export class Checker {
  readonly errors: ConfigError[] = [];
  readonly warnings: string[] = [];
  /** Dotted paths whose value was rejected (so later checks do not report them again). */
  readonly invalid = new Set<string>();

  constructor(
    readonly file: string,
    readonly lines: LineMap,
  ) {}

  /** Line of the key, else of the nearest enclosing table the file mentions. */
  lineNear(segs: readonly Segment[]): number | undefined {
    for (let n = segs.length; n > 0; n--) {
      const line = this.lines.get(segs.slice(0, n));
      if (line !== undefined) return line;
    }
    return undefined;
  }

  /** True when the key's value was rejected. */
  isInvalid(segs: readonly Segment[]): boolean {
    return this.invalid.has(keyPath(segs));
  }

  /** A bad value: `key = value: expected ...`. */
  fail(segs: readonly Segment[], value: unknown, expected: string, problem?: string): void {
    this.invalid.add(keyPath(segs));
    this.push({ key: keyPath(segs), line: this.lineNear(segs), value, expected, problem });
  }

  /** A value (possibly a default) that breaks a rule relating it to other keys named in `near`. */
  cross(segs: readonly Segment[], value: unknown, expected: string, near: readonly (readonly Segment[])[] = []): void {
    const key = keyPath(segs);
    const defaulted = !this.lines.has(segs);
    const line = this.lines.get(segs) ?? near.map((s) => this.lines.get(s)).find((l) => l !== undefined) ?? this.lineNear(segs);
    this.invalid.add(key);
    this.push({ key, line, value, expected, defaulted: defaulted || undefined });
  }

  /** A required key that is absent. */
  missing(segs: readonly Segment[], expected: string): void {
    this.invalid.add(keyPath(segs));
    this.push({ key: keyPath(segs), line: this.lineNear(segs.slice(0, -1)), expected, problem: "missing" });
  }

  /** A key the schema does not know; `context` narrows it (for type = "qmp"). */
  unknown(segs: readonly Segment[], allowed: readonly string[], context?: string): void {
    const problem = context === undefined ? "unknown key" : `unknown key ${context}`;
    this.push({ key: keyPath(segs), line: this.lineNear(segs), expected: `one of: ${allowed.join(", ")}`, problem });
  }

  /** A warning line: FILE[:LINE]: KEY: message. */
  warn(segs: readonly Segment[], message: string): void {
    const line = this.lineNear(segs);
    this.warnings.push(`${line === undefined ? this.file : `${this.file}:${line}`}: ${keyPath(segs)}: ${message}`);
  }

  private push(e: Omit<ConfigError, "file">): void {
    const error: ConfigError = { file: this.file, key: e.key, expected: e.expected };
    if (e.line !== undefined) error.line = e.line;
    if (e.value !== undefined) error.value = e.value;
    if (e.defaulted) error.defaulted = true;
    if (e.problem !== undefined) error.problem = e.problem;
    this.errors.push(error);
  }
}

