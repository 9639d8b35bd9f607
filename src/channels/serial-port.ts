// One open serial device: a blocking fd for the read loop and a non-blocking fd for sends.
import fs from "node:fs";
import { setBlocking } from "./termios-fd.ts";
import { setRaw } from "./termios.ts";

const { O_RDWR, O_WRONLY, O_NOCTTY, O_NONBLOCK } = fs.constants;

/** The two descriptors of an open device. */
export type SerialPort = { device: string; readFd: number; writeFd: number };

/**
 * Opens device raw 8N1 at baud. The read fd is opened non-blocking (a real UART without CLOCAL
 * would otherwise block open() until carrier), set raw, flushed, then switched to blocking reads
 * that VTIME ends every 100 ms. The write fd stays non-blocking: a send never waits.
 */
export function openSerialPort(device: string, baud: number): SerialPort {
  const readFd = fs.openSync(device, O_RDWR | O_NOCTTY | O_NONBLOCK);
  let writeFd = -1;
  try {
    setRaw(readFd, baud, device);
    setBlocking(readFd, device);
    writeFd = fs.openSync(device, O_WRONLY | O_NOCTTY | O_NONBLOCK);
    return { device, readFd, writeFd };
  } catch (err) {
    closeQuietly(readFd);
    if (writeFd >= 0) closeQuietly(writeFd);
    throw err;
  }
}

/** Closes both descriptors; a descriptor that is already gone is not an error here. */
export function closeSerialPort(port: SerialPort): void {
  closeQuietly(port.writeFd);
  closeQuietly(port.readFd);
}

/** Reads what arrives within VTIME (0 bytes on silence), on Bun's thread pool. */
export function readChunk(fd: number, buf: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.read(fd, buf, 0, buf.length, null, (err, n) => (err ? reject(err) : resolve(n)));
  });
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // EBADF/EIO on close of a hung-up tty: nothing left to release
  }
}
