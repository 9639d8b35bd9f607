// Keep a directory busy (a process with its cwd there, as an open file would) while a test body runs.

/**
 * Hold `target` busy while `fn` runs: umount fails with EBUSY until it returns. With `writing`, the holder also keeps
 * that file (inside `target`) open for writing, so a remount read-only fails with EBUSY too.
 */
export async function busy<T>(target: string, fn: () => Promise<T>, writing?: string): Promise<T> {
  const holder =
    writing === undefined
      ? Bun.spawn(["sleep", "30"], { cwd: target })
      : Bun.spawn(["sh", "-c", 'exec 3>>"$1"; exec sleep 30', "sh", writing], { cwd: target });
  await Bun.sleep(writing === undefined ? 50 : 150);
  try {
    return await fn();
  } finally {
    holder.kill();
    await holder.exited;
  }
}
