// Serial-line framing: 0x00 | COBS(frame || CRC-32 big-endian) | 0x00, and a deframer
// that resynchronises at the next 0x00 after garbage, truncation or bit flips.

import { cobsDecode, cobsEncode, cobsMaxEncodedLength } from "./cobs.ts";
import { crc32 } from "./crc32.ts";
import { MAX_FRAME_BYTES } from "./layout.ts";

const DELIMITER = 0x00;
const CRC_BYTES = 4;

/** Longest COBS segment the deframer buffers before discarding it as oversize. */
export const MAX_SERIAL_SEGMENT = cobsMaxEncodedLength(MAX_FRAME_BYTES + CRC_BYTES);

/** Wraps one frame for the serial line, with a delimiter on both sides. */
export function encodeSerial(frame: Uint8Array): Uint8Array {
  const body = new Uint8Array(frame.length + CRC_BYTES);
  body.set(frame, 0);
  new DataView(body.buffer).setUint32(frame.length, crc32(frame));
  const encoded = cobsEncode(body);
  const out = new Uint8Array(encoded.length + 2);
  out.set(encoded, 1); // out[0] and the last byte stay 0x00: the delimiters
  return out;
}

/** What the deframer has seen so far. */
export type SerialCounters = {
  /** Segments that decoded and passed the CRC. */
  frames: number;
  /** Segments that were valid COBS but failed the CRC (bit flips, truncated frames). */
  badCrc: number;
  /** Segments longer than MAX_SERIAL_SEGMENT, discarded up to the next delimiter. */
  oversize: number;
  /** Bytes of segments that were not valid COBS or too short to hold a frame and CRC. */
  garbageBytes: number;
};

/** Splits a serial byte stream into CRC-checked frames; memory bounded by MAX_SERIAL_SEGMENT. */
export class SerialDeframer {
  private readonly segment = new Uint8Array(MAX_SERIAL_SEGMENT);
  private length = 0;
  private discarding = false;
  private readonly stats: SerialCounters = { frames: 0, badCrc: 0, oversize: 0, garbageBytes: 0 };

  /** Counters since construction, as a plain object copy. */
  get counters(): SerialCounters {
    return { ...this.stats };
  }

  /** Feeds received bytes; returns the complete, CRC-checked frames they finished, in order. */
  push(chunk: Uint8Array): Uint8Array[] {
    const frames: Uint8Array[] = [];
    for (const b of chunk) {
      if (b === DELIMITER) {
        const frame = this.endSegment();
        if (frame) frames.push(frame);
      } else if (!this.discarding) {
        if (this.length === MAX_SERIAL_SEGMENT) {
          this.stats.oversize++;
          this.discarding = true;
          this.length = 0;
        } else {
          this.segment[this.length++] = b;
        }
      }
    }
    return frames;
  }

  /** Closes the current segment at a delimiter; returns its frame if it checks out. */
  private endSegment(): Uint8Array | undefined {
    const length = this.length;
    this.length = 0;
    if (this.discarding) {
      this.discarding = false;
      return undefined;
    }
    if (length === 0) return undefined; // consecutive delimiters
    const body = cobsDecode(this.segment.subarray(0, length));
    if (body === null || body.length <= CRC_BYTES) {
      this.stats.garbageBytes += length;
      return undefined;
    }
    const frame = body.slice(0, body.length - CRC_BYTES);
    const crc = new DataView(body.buffer, body.byteOffset + frame.length, CRC_BYTES).getUint32(0);
    if (crc !== crc32(frame)) {
      this.stats.badCrc++;
      return undefined;
    }
    this.stats.frames++;
    return frame;
  }
}
