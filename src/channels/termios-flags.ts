// Linux x86_64 glibc termios constants and struct layout, as in <bits/termios*.h>.

/** Bytes glibc's struct termios occupies (60), rounded up so the kernel can never write past it. */
export const TERMIOS_BYTES = 64;

/** Byte offsets of the struct termios fields. */
export const OFFSET = { iflag: 0, oflag: 4, cflag: 8, lflag: 12, line: 16, cc: 17, ispeed: 52, ospeed: 56 } as const;

/** c_cc indices. */
export const VTIME = 5;
export const VMIN = 6;

/** c_iflag bits. */
export const IFLAG = {
  IGNBRK: 0o1,
  BRKINT: 0o2,
  PARMRK: 0o10,
  ISTRIP: 0o40,
  INLCR: 0o100,
  IGNCR: 0o200,
  ICRNL: 0o400,
  IXON: 0o2000,
  IXANY: 0o4000,
  IXOFF: 0o10000,
} as const;

/** c_oflag bits. */
export const OFLAG = { OPOST: 0o1 } as const;

/** c_cflag bits. */
export const CFLAG = {
  CSIZE: 0o60,
  CS8: 0o60,
  CSTOPB: 0o100,
  CREAD: 0o200,
  PARENB: 0o400,
  HUPCL: 0o2000,
  CLOCAL: 0o4000,
  CRTSCTS: 0o20000000000,
} as const;

/** c_lflag bits. */
export const LFLAG = {
  ISIG: 0o1,
  ICANON: 0o2,
  ECHO: 0o10,
  ECHOE: 0o20,
  ECHOK: 0o40,
  ECHONL: 0o100,
  IEXTEN: 0o100000,
} as const;

/** tcsetattr() and tcflush() selectors. */
export const TCSANOW = 0;
export const TCIOFLUSH = 2;

/** fcntl() commands and the one file status flag we change. */
export const F_GETFL = 3;
export const F_SETFL = 4;
export const O_NONBLOCK = 0o4000;

/** poll() event bits. */
export const POLLHUP = 0x10;
export const POLLERR = 0x08;
export const POLLNVAL = 0x20;

/** Line speeds a heartbeat link may use, mapped to their speed_t codes. */
export const BAUD_CODES = {
  9600: 0o15,
  19200: 0o16,
  38400: 0o17,
  57600: 0o10001,
  115200: 0o10002,
  230400: 0o10003,
  460800: 0o10004,
  921600: 0o10007,
} as const;

/** A supported line speed in bits per second. */
export type Baud = keyof typeof BAUD_CODES;

/** The supported speeds, ascending, for error messages and validation. */
export const BAUDS: readonly Baud[] = Object.keys(BAUD_CODES)
  .map(Number)
  .sort((a, b) => a - b) as Baud[];

/** True when n is a speed setRaw() can apply. */
export function isBaud(n: number): n is Baud {
  return Object.hasOwn(BAUD_CODES, n);
}

/** The bits per second a speed_t code stands for, or null for a code outside BAUD_CODES. */
export function baudFromCode(code: number): Baud | null {
  return BAUDS.find((b) => BAUD_CODES[b] === code) ?? null;
}
