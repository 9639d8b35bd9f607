// Dotted key paths shared by the parser's line map and the validator's messages: node[0].name.
import { tomlKey } from "./toml-escape.ts";

/** One step of a key path: a table key or an array index. */
export type Segment = string | number;

/** Formats segments as a dotted path, e.g. ["node", 0, "name"] -> "node[0].name". */
export function keyPath(segments: readonly Segment[]): string {
  let out = "";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else out += out === "" ? tomlKey(s) : `.${tomlKey(s)}`;
  }
  return out;
}
