// Keep a directory busy (a process with its cwd there, as an open file would) while a test body runs.

/** Hold `target` busy while `fn` runs: umount fails with EBUSY until it returns. */
export async function busy<T>(target: string, fn: () => Promise<T>): Promise<T> {
  const holder = Bun.spawn(["sleep", "30"], { cwd: target });
  await Bun.sleep(50);
  try {
    return await fn();
  } finally {
    holder.kill();
    await holder.exited;
  }
}
