// QMP speaks JSON objects, one per line: split a byte stream into parsed messages, ignoring what isn't JSON.

/** Accumulates text and yields each complete JSON line as an object (junk lines are skipped). */
export class QmpLines {
  private buf = "";
  private readonly dec = new TextDecoder();

  push(chunk: Uint8Array): Record<string, unknown>[] {
    this.buf += this.dec.decode(chunk, { stream: true });
    const out: Record<string, unknown>[] = [];
    let i: number;
    while ((i = this.buf.indexOf("\n")) >= 0) {
      const line = this.buf.slice(0, i).trim();
      this.buf = this.buf.slice(i + 1);
      if (!line.startsWith("{")) continue;
      try {
        const v: unknown = JSON.parse(line);
        if (v && typeof v === "object") out.push(v as Record<string, unknown>);
      } catch {
        // a partial line from before we connected
      }
    }
    if (this.buf.length > 65536) this.buf = "";
    return out;
  }
}
