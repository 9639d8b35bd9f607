// Read a whole byte stream but keep only its first `max` bytes, so a chatty child never blocks or bloats us.

/** A stream being collected: `done` resolves at EOF or after cancel(). */
export interface Collector {
  done: Promise<{ text: string; truncated: boolean }>;
  cancel(): void;
}

/** Start collecting `stream`, keeping at most `max` bytes (decoded as UTF-8 at the end). */
export function collect(stream: ReadableStream<Uint8Array>, max: number): Collector {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let kept = 0;
  let truncated = false;
  const done = (async () => {
    try {
      for (;;) {
        const { done: eof, value } = await reader.read();
        if (eof) break;
        const part = value.subarray(0, Math.max(0, max - kept));
        if (part.length > 0) chunks.push(part);
        kept += part.length;
        if (part.length < value.length) truncated = true;
      }
    } catch {
      // cancelled or the pipe broke: keep what arrived
    }
    return { text: Buffer.concat(chunks).toString("utf8"), truncated };
  })();
  return {
    done,
    cancel: () => {
      reader.cancel().catch(() => {});
    },
  };
}
