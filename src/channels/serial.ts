// Serial heartbeat channel: COBS + CRC frames over a raw tty (null-modem cable, QEMU ttyS1, a pty pair in tests).
//
// Why termios via bun:ffi and not the serialport package: serialport's Poller calls uv_poll_init,
// which Bun does not implement (new SerialPort() aborts the process), and `bun build --compile` does
// not embed its native .node addon, so the guard would need a build plugin and a writable TMPDIR in
// the initrd. Instead the channel opens the tty with node:fs, sets raw 8N1 with CLOCAL and
// VMIN=0/VTIME=1 through libc's termios calls via bun:ffi, and reads in a blocking fs.read loop on
// Bun's thread pool: no native addon, the same code runs in the compiled executable, and it measured
// the lowest latency over a pty pair (p50 0.08 ms, p99 0.86 ms; a patched serialport gave 0.16/11 ms).
import fs from "node:fs";
import { SerialDeframer, encodeSerial } from "../protocol/serial-framing.ts";
import { emptyStats, type Channel, type ChannelSink, type ChannelStats } from "./channel.ts";
import { HealthLatch, Retry } from "./health.ts";
import { serialSettings, type SerialOptions, type SerialSettings } from "./serial-options.ts";
import { closeSerialPort, openSerialPort, readChunk, type SerialPort } from "./serial-port.ts";
import { isHungUp } from "./termios-fd.ts";

export type { SerialOptions } from "./serial-options.ts";

const READ_BYTES = 4096;
const DELIMITER = new Uint8Array([0]);

/** A heartbeat link over a serial line; after unplug or hang-up it reopens the device with backoff. */
export class SerialChannel implements Channel {
  readonly kind = "serial" as const;
  private readonly settings: SerialSettings;
  private readonly counters = emptyStats();
  private readonly deframer = new SerialDeframer();
  private readonly backoff: Retry;
  private sink: ChannelSink | undefined;
  private port: SerialPort | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private openedBefore = false;
  /** Up once per open, down once per outage (not on every failed retry). */
  private readonly health = new HealthLatch((up, detail) => this.notify((sink) => sink.health("serial", up, detail)));

  constructor(options: SerialOptions) {
    this.settings = serialSettings(options);
    this.backoff = new Retry(this.settings.reopenMinMs, this.settings.reopenMaxMs);
  }

  /** Opens the device (or reports it down and keeps retrying) and starts the read loop. */
  async start(sink: ChannelSink): Promise<void> {
    if (this.loop)
      throw new Error(`serial channel on ${this.settings.device}: start() called while running; expected stop() first`);
    this.sink = sink;
    this.stopping = false;
    this.tryOpen();
    this.loop = this.run().catch((err) =>
      this.markDown(`read loop on ${this.settings.device} ended: ${describe(err)}`),
    );
  }

  /** Writes one framed frame without waiting; EAGAIN (peer not draining), EIO (hung up) and "not open" count as sendErrors. */
  send(frame: Uint8Array): void {
    const c = this.counters;
    const port = this.port;
    if (port === undefined) {
      c.sendErrors++;
      c.lastError = `send on ${this.settings.device}: device is not open`;
      return;
    }
    try {
      const wire = encodeSerial(frame);
      const n = fs.writeSync(port.writeFd, wire);
      c.bytesOut += n;
      if (n === wire.length) c.framesOut++;
      else {
        c.sendErrors++;
        c.lastError = `send on ${this.settings.device}: short write, expected ${wire.length} bytes, wrote ${n}`;
      }
    } catch (err) {
      c.sendErrors++;
      c.lastError = `send on ${this.settings.device}: ${describe(err)}`;
    }
  }

  /** Ends the read loop (the pending read returns within VTIME) and closes the device. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.backoff.cancel();
    await this.loop;
    this.loop = undefined;
    this.closePort();
    this.counters.up = false;
  }

  /** Counters; dropped = deframer garbage bytes + bad-CRC and oversize segments. */
  stats(): ChannelStats {
    const d = this.deframer.counters;
    return { ...this.counters, dropped: d.garbageBytes + d.badCrc + d.oversize };
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      if (this.port === undefined) {
        await this.backoff.wait();
        if (!this.stopping) this.tryOpen();
        continue;
      }
      const failure = await this.readUntilFailure(this.port);
      this.closePort();
      if (failure !== null) this.markDown(failure);
    }
  }

  /** Reads until stop() (returns null) or until the device fails (returns why). */
  private async readUntilFailure(port: SerialPort): Promise<string | null> {
    const buf = new Uint8Array(READ_BYTES);
    while (!this.stopping) {
      let n: number;
      try {
        n = await readChunk(port.readFd, buf);
      } catch (err) {
        return `read from ${port.device} failed: ${describe(err)}`;
      }
      if (this.stopping) break;
      if (n > 0) this.receive(buf.subarray(0, n));
      else if (isHungUp(port.readFd)) return `${port.device} hung up (the other end of the line went away)`;
    }
    return null;
  }

  private receive(bytes: Uint8Array): void {
    this.counters.bytesIn += bytes.length;
    this.backoff.reset(); // the line carries data again: the next outage starts with the short delay
    for (const frame of this.deframer.push(bytes)) {
      this.counters.framesIn++;
      this.notify((sink) => sink.frame(frame, "serial"));
    }
  }

  private tryOpen(): void {
    const { device, baud } = this.settings;
    try {
      this.port = openSerialPort(device, baud);
    } catch (err) {
      this.markDown(`cannot open ${device}: ${describe(err)}`);
      return;
    }
    if (this.openedBefore) this.counters.reopens++;
    this.openedBefore = true;
    this.deframer.push(DELIMITER); // a segment cut off by the outage ends here and counts as dropped
    this.counters.up = true;
    this.health.set(true, `${device} open, raw 8N1 at ${baud} baud`);
  }

  /** Records a failure; tells the sink once per outage, not on every failed retry. */
  private markDown(detail: string): void {
    this.counters.up = false;
    this.counters.lastError = detail;
    if (this.stopping) return;
    this.health.set(false, detail);
  }

  private closePort(): void {
    if (this.port === undefined) return;
    closeSerialPort(this.port);
    this.port = undefined;
  }

  /** Calls the sink; a throwing sink must not kill the read loop. */
  private notify(call: (sink: ChannelSink) => void): void {
    if (this.sink === undefined) return;
    try {
      call(this.sink);
    } catch (err) {
      this.counters.lastError = `sink threw: ${describe(err)}`;
    }
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
