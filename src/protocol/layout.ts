// Byte layout of a version-1 frame: sizes and offsets shared by the encoder and decoder.
//
//   magic "CGHB" 4 | version u8 | type u8 | role u8 | flags u8 | clusterId u32
//   | incarnation u64 | seq u64 | peerIncarnation u64
//   | name length u8 (1..32) + name | payload length u16 (0..1024) + payload
//   | HMAC-SHA256 32 over every preceding byte.            All integers big-endian.

/** Wire format version written by this code and the only one it decodes. */
export const PROTOCOL_VERSION = 1;

/** First four bytes of every frame: ASCII "CGHB". */
export const MAGIC: Readonly<Uint8Array> = new Uint8Array([0x43, 0x47, 0x48, 0x42]);

/** Longest payload a frame may carry, in bytes. */
export const MAX_PAYLOAD = 1024;

/** Longest node name, in bytes (the name is ASCII, so also in characters). */
export const MAX_NAME_BYTES = 32;

/** Length of the trailing HMAC-SHA256. */
export const MAC_BYTES = 32;

/** Offsets of the fixed-size header fields. */
export const OFFSET = {
  version: 4,
  type: 5,
  role: 6,
  flags: 7,
  clusterId: 8,
  incarnation: 12,
  seq: 20,
  peerIncarnation: 28,
  nameLength: 36,
  name: 37,
} as const;

/** Bytes before the name: magic through the name-length byte. */
export const FIXED_HEADER_BYTES = OFFSET.name;

/** Bytes a frame has on top of its name and payload. */
export const OVERHEAD_BYTES = FIXED_HEADER_BYTES + 2 + MAC_BYTES;

/** Shortest possible frame: one-byte name, empty payload. */
export const MIN_FRAME_BYTES = OVERHEAD_BYTES + 1;

/** Longest possible frame: 32-byte name, 1024-byte payload. */
export const MAX_FRAME_BYTES = OVERHEAD_BYTES + MAX_NAME_BYTES + MAX_PAYLOAD;

/** Total frame length for a name and payload of the given sizes. */
export function frameLength(nameBytes: number, payloadBytes: number): number {
  return OVERHEAD_BYTES + nameBytes + payloadBytes;
}
