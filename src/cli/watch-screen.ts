// What to send a terminal to turn the frame on it into the next one: at 9600 baud only the lines that changed; pure.
import { HOME_CLEAR } from "./watch-frame.ts";

/** Cursor to row `row` (1-based), column 1. */
const at = (row: number) => `\x1b[${row};1H`;
/** Erase from the cursor to the end of the line. */
const EOL = "\x1b[K";

/**
 * The bytes that turn screen `prev` into `next`: the whole frame after a clear the first time (prev null), then
 * each changed line rewritten in place and lines no longer used erased; nothing at all when nothing changed.
 * The cursor is left at the end of the last line (the menu).
 */
export function screenUpdate(prev: readonly string[] | null, next: readonly string[]): string {
  const park = `\x1b[${next.length};${(next.at(-1)?.length ?? 0) + 1}H`;
  if (prev === null) return `${HOME_CLEAR}${next.join("\r\n")}${park}`;
  let out = "";
  for (let i = 0; i < Math.max(prev.length, next.length); i++) {
    if (prev[i] === next[i]) continue;
    out += `${at(i + 1)}${next[i] ?? ""}${EOL}`;
  }
  return out === "" ? "" : `${out}${park}`;
}
