// Line framing for the management protocol: bytes in, bounded newline-terminated lines out; replies as JSON lines.
import type { Reply } from "./mgmt-protocol.ts";

/** The longest request line the server accepts, in bytes (without the newline). */
export const MAX_LINE_BYTES = 64 * 1024;

/** What one chunk of input produced: the complete lines, and whether a line overran the limit. */
export interface Split {
  lines: string[];
  oversize: boolean;
}

/** Accumulates received bytes and yields complete lines; never holds more than `max` bytes of a partial line. */
export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;

  constructor(private readonly max = MAX_LINE_BYTES) {}

  /** Feed one received chunk; after `oversize` the caller must stop feeding and close. */
  push(chunk: Uint8Array): Split {
    const lines: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      const tail = chunk.subarray(start, nl);
      if (this.size + tail.length > this.max) return { lines, oversize: true };
      lines.push(this.take(tail));
      start = nl + 1;
    }
    const rest = chunk.subarray(start);
    if (this.size + rest.length > this.max) return { lines, oversize: true };
    if (rest.length > 0) {
      this.parts.push(Buffer.from(rest));
      this.size += rest.length;
    }
    return { lines, oversize: false };
  }

  private take(tail: Uint8Array): string {
    const whole = this.parts.length === 0 ? Buffer.from(tail) : Buffer.concat([...this.parts, tail]);
    this.parts = [];
    this.size = 0;
    const text = whole.toString("utf8");
    return text.endsWith("\r") ? text.slice(0, -1) : text;
  }
}

/** One reply as one JSON line; a result that cannot be serialised becomes an error reply. */
export function encodeReply(reply: Reply): string {
  try {
    return `${JSON.stringify(reply)}\n`;
  } catch (e) {
    return `${JSON.stringify({ ok: false, error: `the agent could not encode its reply (${(e as Error).message})` })}\n`;
  }
}

/** A short, single-line rendering of a received value for error messages ("nothing" when absent). */
export function describeValue(v: unknown, max = 60): string {
  if (v === undefined) return "nothing";
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  const kind = Array.isArray(v) ? "an array " : v === null ? "" : typeof v === "object" ? "an object " : "";
  return kind + (s.length > max ? `${s.slice(0, max)}...` : s);
}
