// u64 fields as JS numbers: exact up to Number.MAX_SAFE_INTEGER, refused above.

const TWO_32 = 0x1_0000_0000;
/** The high 32-bit word of Number.MAX_SAFE_INTEGER (2^53 - 1). */
const MAX_SAFE_HIGH_WORD = 0x1f_ffff;

/** True when `value` fits a u64 field: a safe non-negative integer. */
export function isSafeU64(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

/** Writes a safe u64 big-endian at `offset` (caller validated it). */
export function writeU64(view: DataView, offset: number, value: number): void {
  view.setUint32(offset, Math.floor(value / TWO_32));
  view.setUint32(offset + 4, value % TWO_32);
}

/** Reads a big-endian u64; undefined when it exceeds Number.MAX_SAFE_INTEGER. */
export function readU64(view: DataView, offset: number): number | undefined {
  const high = view.getUint32(offset);
  if (high > MAX_SAFE_HIGH_WORD) return undefined;
  return high * TWO_32 + view.getUint32(offset + 4);
}
