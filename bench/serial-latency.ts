// Round-trip latency of two SerialChannels on the two ends of a serial line; prints percentiles, asserts nothing.
//
//   socat pty,raw,echo=0,link=/tmp/hb/a pty,raw,echo=0,link=/tmp/hb/b &
//   bun bench/serial-latency.ts /tmp/hb/a /tmp/hb/b [round-trips=1000] [frame-bytes=64] [baud=115200]
// Also runs compiled: bun build --compile --minify --bytecode --format=esm --no-compile-autoload-dotenv
//   --no-compile-autoload-bunfig bench/serial-latency.ts --outfile /tmp/serial-latency
import { SerialChannel } from "../src/channels/serial.ts";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "../src/cli/exit-codes.ts";

const [deviceA, deviceB, roundsArg = "1000", bytesArg = "64", baudArg = "115200"] = process.argv.slice(2);
if (!deviceA || !deviceB) {
  console.error("usage: serial-latency DEVICE_A DEVICE_B [round-trips=1000] [frame-bytes=64] [baud=115200]");
  process.exit(EXIT_USAGE);
}
const rounds = Number(roundsArg);
const frameBytes = Number(bytesArg);
const baud = Number(baudArg);
const WARMUP = 20;
const TIMEOUT_MS = 2000;

let waiting: ((frame: Uint8Array) => void) | undefined;
const a = new SerialChannel({ device: deviceA, baud });
const b = new SerialChannel({ device: deviceB, baud });
const log = (side: string) => (_: string, up: boolean, detail: string) =>
  console.error(`${side}: ${up ? "up" : "DOWN"}: ${detail}`);
await a.start({ frame: (f) => waiting?.(f), health: log("a") });
await b.start({ frame: (f) => b.send(f), health: log("b") }); // b echoes every frame back

/** Sends one frame from a and resolves with the echo's round-trip time in ms, or null on timeout/corruption. */
function roundTrip(seq: number): Promise<number | null> {
  const frame = new Uint8Array(frameBytes);
  new DataView(frame.buffer).setUint32(0, seq);
  for (let i = 4; i < frame.length; i++) frame[i] = (seq + i) % 5 === 0 ? 0 : (seq * 31 + i) & 0xff;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      waiting = undefined;
      resolve(null);
    }, TIMEOUT_MS);
    const t0 = performance.now();
    waiting = (echo) => {
      const ok = echo.length === frame.length && echo.every((x, i) => x === frame[i]);
      if (!ok) return; // a stale echo of an earlier (timed-out) frame: keep waiting
      const dt = performance.now() - t0;
      clearTimeout(timer);
      waiting = undefined;
      resolve(dt);
    };
    a.send(frame);
  });
}

const times: number[] = [];
let lost = 0;
for (let i = 0; i < WARMUP + rounds; i++) {
  const dt = await roundTrip(i);
  if (i < WARMUP) continue;
  if (dt === null) lost++;
  else times.push(dt);
}
await Promise.all([a.stop(), b.stop()]);

times.sort((x, y) => x - y);
const pct = (p: number) =>
  times.length ? times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]! : NaN;
const ms = (v: number) => `${v.toFixed(3)} ms`;
console.log(
  `serial round trip ${deviceA} <-> ${deviceB}: ${times.length} of ${rounds} x ${frameBytes}-byte frames at ${baud} baud, ${lost} lost`,
);
console.log(`p50 ${ms(pct(50))}  p90 ${ms(pct(90))}  p99 ${ms(pct(99))}  max ${ms(times.at(-1) ?? NaN)}`);
console.log(`a: ${JSON.stringify(a.stats())}`);
console.log(`b: ${JSON.stringify(b.stats())}`);
process.exitCode = lost === 0 ? EXIT_OK : EXIT_FAILURE; // no process.exit(): stopping the channels must be enough to end the process
