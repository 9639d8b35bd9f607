// The serial channel's view of libc (termios, poll, fcntl live in sys/libc.ts) and its errno-bearing errors.
import { constants } from "node:os";
import { errno } from "../sys/libc.ts";

export { errno, libc } from "../sys/libc.ts";

const ERRNO_NAMES = new Map(Object.entries(constants.errno).map(([name, n]) => [n, name]));

/** "EIO (errno 5)" style text for an errno value. */
export function errnoText(n: number): string {
  return `${ERRNO_NAMES.get(n) ?? "unknown error"} (errno ${n})`;
}

/** An Error for a failed libc call: which call, on which device, and the errno that came back. */
export function libcError(call: string, device: string, expected: string): Error {
  const n = errno();
  const err = new Error(`${call} on ${device} failed with ${errnoText(n)}; expected ${expected}`);
  (err as NodeJS.ErrnoException).errno = n;
  (err as NodeJS.ErrnoException).code = ERRNO_NAMES.get(n);
  return err;
}
