// libc through bun:ffi, opened lazily once: the few system calls Node's API does not offer.
import { dlopen, FFIType, read } from "bun:ffi";

const SYMBOLS = {
  setsockopt: { args: [FFIType.i32, FFIType.i32, FFIType.i32, FFIType.ptr, FFIType.u32], returns: FFIType.i32 },
  __errno_location: { args: [], returns: FFIType.ptr },
  strerror: { args: [FFIType.i32], returns: FFIType.cstring },
  mlockall: { args: [FFIType.i32], returns: FFIType.i32 },
  sched_setscheduler: { args: [FFIType.i32, FFIType.i32, FFIType.ptr], returns: FFIType.i32 },
  setpriority: { args: [FFIType.i32, FFIType.u32, FFIType.i32], returns: FFIType.i32 },
  socket: { args: [FFIType.i32, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
  sendto: {
    args: [FFIType.i32, FFIType.ptr, FFIType.u64, FFIType.i32, FFIType.ptr, FFIType.u32],
    returns: FFIType.i64,
  },
  close: { args: [FFIType.i32], returns: FFIType.i32 },
  reboot: { args: [FFIType.i32], returns: FFIType.i32 },
  ioctl: { args: [FFIType.i32, FFIType.u64, FFIType.ptr], returns: FFIType.i32 },
  sync: { args: [], returns: FFIType.void },
  posix_fadvise: { args: [FFIType.i32, FFIType.i64, FFIType.i64, FFIType.i32], returns: FFIType.i32 },
  // termios and polling, for the serial channel
  tcgetattr: { args: [FFIType.i32, FFIType.ptr], returns: FFIType.i32 },
  tcsetattr: { args: [FFIType.i32, FFIType.i32, FFIType.ptr], returns: FFIType.i32 },
  cfmakeraw: { args: [FFIType.ptr], returns: FFIType.void },
  cfsetispeed: { args: [FFIType.ptr, FFIType.u32], returns: FFIType.i32 },
  cfsetospeed: { args: [FFIType.ptr, FFIType.u32], returns: FFIType.i32 },
  cfgetispeed: { args: [FFIType.ptr], returns: FFIType.u32 },
  cfgetospeed: { args: [FFIType.ptr], returns: FFIType.u32 },
  tcflush: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 },
  fcntl: { args: [FFIType.i32, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
  poll: { args: [FFIType.ptr, FFIType.u64, FFIType.i32], returns: FFIType.i32 },
} as const;

type Lib = ReturnType<typeof dlopen<typeof SYMBOLS>>["symbols"];
let lib: Lib | null = null;

/** The libc symbols, loaded on first use. */
export function libc(): Lib {
  lib ??= dlopen("libc.so.6", SYMBOLS).symbols;
  return lib;
}

/** The calling thread's errno; read it right after the failing call. */
export function errno(): number {
  const p = libc().__errno_location();
  return p === null ? 0 : read.i32(p, 0);
}

/** The calling thread's errno as "errno n: text". */
export function lastError(): string {
  const n = errno();
  return `errno ${n}: ${String(libc().strerror(n))}`;
}
