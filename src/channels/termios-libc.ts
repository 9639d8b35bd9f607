// The few libc calls the serial channel needs, through bun:ffi (they work in a compiled executable too).
import { dlopen, FFIType, read } from "bun:ffi";
import { constants } from "node:os";

const { i32, u32, u64, ptr } = FFIType;

let lib: ReturnType<typeof load> | undefined;

function load() {
  return dlopen("libc.so.6", {
    tcgetattr: { args: [i32, ptr], returns: i32 },
    tcsetattr: { args: [i32, i32, ptr], returns: i32 },
    cfmakeraw: { args: [ptr], returns: FFIType.void },
    cfsetispeed: { args: [ptr, u32], returns: i32 },
    cfsetospeed: { args: [ptr, u32], returns: i32 },
    cfgetispeed: { args: [ptr], returns: u32 },
    cfgetospeed: { args: [ptr], returns: u32 },
    tcflush: { args: [i32, i32], returns: i32 },
    fcntl: { args: [i32, i32, i32], returns: i32 },
    poll: { args: [ptr, u64, i32], returns: i32 },
    __errno_location: { args: [], returns: ptr },
  });
}

/** The libc symbols, loaded on first use so importing this file costs nothing. */
export function libc() {
  lib ??= load();
  return lib.symbols;
}

/** The calling thread's errno; read it right after the failing call. */
export function errno(): number {
  const at = libc().__errno_location();
  return at === null ? 0 : read.i32(at, 0);
}

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
