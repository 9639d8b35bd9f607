// Raw 8N1 serial line settings through termios (tcgetattr/cfmakeraw/tcsetattr), and a read-back for tests.
import { libc, libcError } from "./termios-libc.ts";
import {
  BAUD_CODES,
  BAUDS,
  CFLAG,
  IFLAG,
  LFLAG,
  OFFSET,
  TCIOFLUSH,
  TCSANOW,
  TERMIOS_BYTES,
  VMIN,
  VTIME,
  baudFromCode,
  isBaud,
  type Baud,
} from "./termios-flags.ts";

/** What a tty is set to, as read back by tcgetattr. */
export type TtyAttrs = {
  iflag: number;
  oflag: number;
  cflag: number;
  lflag: number;
  /** Output speed in bits per second, or null when the speed code is not one of BAUDS. */
  baudOut: number | null;
  baudIn: number | null;
  vmin: number;
  vtime: number;
};

/** Puts a tty in raw 8N1 mode at baud: no echo, no flow control, no modem waits, reads return every 100 ms. */
export function setRaw(fd: number, baud: number, device = `fd ${fd}`): void {
  if (!isBaud(baud)) throw new Error(`serial speed for ${device}: expected one of ${BAUDS.join(", ")}, got ${baud}`);
  const t = readTermios(fd, device);
  const c = libc();
  c.cfmakeraw(t);
  const view = new DataView(t.buffer);
  const update = (at: number, set: number, clear: number) =>
    view.setUint32(at, ((view.getUint32(at, true) & ~clear) | set) >>> 0, true);
  update(
    OFFSET.iflag,
    0,
    IFLAG.IXON | IFLAG.IXOFF | IFLAG.IXANY | IFLAG.ICRNL | IFLAG.INLCR | IFLAG.IGNCR | IFLAG.ISTRIP,
  );
  update(
    OFFSET.cflag,
    CFLAG.CS8 | CFLAG.CLOCAL | CFLAG.CREAD,
    CFLAG.CSIZE | CFLAG.PARENB | CFLAG.CSTOPB | CFLAG.CRTSCTS,
  );
  update(
    OFFSET.lflag,
    0,
    LFLAG.ECHO | LFLAG.ECHOE | LFLAG.ECHOK | LFLAG.ECHONL | LFLAG.ICANON | LFLAG.ISIG | LFLAG.IEXTEN,
  );
  t[OFFSET.cc + VMIN] = 0;
  t[OFFSET.cc + VTIME] = 1;
  const code = BAUD_CODES[baud as Baud];
  if (c.cfsetispeed(t, code) !== 0 || c.cfsetospeed(t, code) !== 0) {
    throw libcError("cfsetspeed", device, `a speed the C library accepts (${baud})`);
  }
  if (c.tcsetattr(fd, TCSANOW, t) !== 0) throw libcError("tcsetattr", device, "a terminal that accepts raw 8N1");
  verify(fd, baud, device);
  if (c.tcflush(fd, TCIOFLUSH) !== 0) throw libcError("tcflush", device, "a terminal whose queues can be flushed");
}

/** Reads a tty's current settings back (flags, speed, VMIN/VTIME). */
export function getAttrs(fd: number, device = `fd ${fd}`): TtyAttrs {
  const t = readTermios(fd, device);
  const view = new DataView(t.buffer);
  const c = libc();
  return {
    iflag: view.getUint32(OFFSET.iflag, true),
    oflag: view.getUint32(OFFSET.oflag, true),
    cflag: view.getUint32(OFFSET.cflag, true),
    lflag: view.getUint32(OFFSET.lflag, true),
    baudOut: baudFromCode(c.cfgetospeed(t)),
    baudIn: baudFromCode(c.cfgetispeed(t)),
    vmin: t[OFFSET.cc + VMIN] ?? 0,
    vtime: t[OFFSET.cc + VTIME] ?? 0,
  };
}

function readTermios(fd: number, device: string): Uint8Array {
  const t = new Uint8Array(TERMIOS_BYTES);
  if (libc().tcgetattr(fd, t) !== 0) throw libcError("tcgetattr", device, "a terminal device (tty)");
  return t;
}

/** tcsetattr succeeds when ANY change applied, so check the ones the link depends on. */
function verify(fd: number, baud: number, device: string): void {
  const got = getAttrs(fd, device);
  const want = CFLAG.CS8 | CFLAG.CLOCAL | CFLAG.CREAD;
  const problems: string[] = [];
  if ((got.cflag & (CFLAG.CSIZE | CFLAG.CLOCAL | CFLAG.CREAD)) !== want) problems.push("CS8|CLOCAL|CREAD");
  if ((got.lflag & (LFLAG.ECHO | LFLAG.ICANON)) !== 0) problems.push("no ECHO/ICANON");
  if (got.baudOut !== baud) problems.push(`${baud} baud (got ${got.baudOut ?? "an unknown speed"})`);
  if (got.vmin !== 0 || got.vtime !== 1) problems.push(`VMIN 0 VTIME 1 (got ${got.vmin}/${got.vtime})`);
  if (problems.length > 0) {
    throw new Error(`tcsetattr on ${device} did not take: expected ${problems.join(", ")}`);
  }
}
