// Polling helpers for tests that watch real processes and sockets.

/** Resolve when `pred()` holds, or reject after `ms` naming what was awaited. */
export async function waitFor(pred: () => boolean, ms: number, what: string, stepMs = 10): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await Bun.sleep(stepMs);
  }
}
