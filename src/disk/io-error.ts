// The one error type disk I/O throws: says what was attempted, on what, and what the system answered.

/** A failed open/read/write of the shared disk; `code` is the errno name when there is one (EIO, ENOENT...). */
export class DiskIoError extends Error {
  override readonly name = "DiskIoError";
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** Wraps a system error as a DiskIoError prefixed with what was being done. */
export function ioError(doing: string, error: unknown): DiskIoError {
  if (error instanceof DiskIoError) return error;
  const code = (error as { code?: unknown })?.code;
  const text = error instanceof Error ? error.message : String(error);
  return new DiskIoError(`${doing} failed: ${text}`, typeof code === "string" ? code : undefined);
}
