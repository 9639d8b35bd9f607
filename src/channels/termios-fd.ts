// File-descriptor helpers for ttys: switch to blocking reads, and tell a hang-up from silence.
import { libc, libcError } from "./termios-libc.ts";
import { F_GETFL, F_SETFL, O_NONBLOCK, POLLERR, POLLHUP, POLLNVAL } from "./termios-flags.ts";

/** Clears O_NONBLOCK so reads wait (up to VTIME) on the thread pool instead of failing with EAGAIN. */
export function setBlocking(fd: number, device = `fd ${fd}`): void {
  const c = libc();
  const flags = c.fcntl(fd, F_GETFL, 0);
  if (flags < 0) throw libcError("fcntl(F_GETFL)", device, "an open file descriptor");
  if ((flags & O_NONBLOCK) === 0) return;
  if (c.fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0)
    throw libcError("fcntl(F_SETFL)", device, "file status flags that can be changed");
}

/**
 * True when the tty was hung up (a pty whose other end closed, a line that lost carrier
 * without CLOCAL): such a tty returns 0 bytes at once forever, which must not pass for silence.
 */
export function isHungUp(fd: number): boolean {
  const pfd = new Uint8Array(8); // struct pollfd { int fd; short events; short revents; }
  const view = new DataView(pfd.buffer);
  view.setInt32(0, fd, true);
  view.setInt16(4, 0, true); // POLLHUP/POLLERR/POLLNVAL are always reported
  if (libc().poll(pfd, 1, 0) <= 0) return false;
  return (view.getInt16(6, true) & (POLLHUP | POLLERR | POLLNVAL)) !== 0;
}
