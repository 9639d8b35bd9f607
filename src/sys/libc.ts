// libc through bun:ffi, opened lazily once: the few system calls Node's API does not offer.
import { dlopen, FFIType, read } from "bun:ffi";

const SYMBOLS = {
  setsockopt: { args: [FFIType.i32, FFIType.i32, FFIType.i32, FFIType.ptr, FFIType.u32], returns: FFIType.i32 },
  __errno_location: { args: [], returns: FFIType.ptr },
  strerror: { args: [FFIType.i32], returns: FFIType.cstring },
  mlockall: { args: [FFIType.i32], returns: FFIType.i32 },
  sched_setscheduler: { args: [FFIType.i32, FFIType.i32, FFIType.ptr], returns: FFIType.i32 },
  socket: { args: [FFIType.i32, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
  sendto: { args: [FFIType.i32, FFIType.ptr, FFIType.u64, FFIType.i32, FFIType.ptr, FFIType.u32], returns: FFIType.i64 },
  close: { args: [FFIType.i32], returns: FFIType.i32 },
  reboot: { args: [FFIType.i32], returns: FFIType.i32 },
  ioctl: { args: [FFIType.i32, FFIType.u64, FFIType.ptr], returns: FFIType.i32 },
  sync: { args: [], returns: FFIType.void },
} as const;

type Lib = ReturnType<typeof dlopen<typeof SYMBOLS>>["symbols"];
let lib: Lib | null = null;

/** The libc symbols, loaded on first use. */
export function libc(): Lib {
  lib ??= dlopen("libc.so.6", SYMBOLS).symbols;
  return lib;
}

/** The calling thread's errno as "ENAME (n): text". */
export function lastError(): string {
  const p = libc().__errno_location();
  const n = p === null ? 0 : read.i32(p, 0);
  return `errno ${n}: ${String(libc().strerror(n))}`;
}
