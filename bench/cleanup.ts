// Cleanup hooks that also run when the benchmark is interrupted (Ctrl-C, SIGTERM).

const hooks = new Set<() => unknown>();

/** Run `fn` on interruption until the returned function unregisters it. */
export function onInterrupt(fn: () => unknown): () => void {
  hooks.add(fn);
  return () => void hooks.delete(fn);
}

/** On SIGINT/SIGTERM: run every hook (at most 5 s in all), then exit 130. */
export function installInterruptHandler(): void {
  const handler = async () => {
    console.error("\nbench: interrupted; cleaning up");
    const all = Promise.allSettled([...hooks].map(async (h) => h()));
    await Promise.race([all, Bun.sleep(5000)]);
    process.exit(130);
  };
  process.once("SIGINT", handler);
  process.once("SIGTERM", handler);
}
