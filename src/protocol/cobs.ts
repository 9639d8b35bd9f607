// Consistent Overhead Byte Stuffing: data without 0x00 bytes, so 0x00 can delimit frames.

/** Upper bound on the COBS encoding of `n` bytes: one code byte per 254 bytes, plus one. */
export function cobsMaxEncodedLength(n: number): number {
  return n + Math.floor(n / 254) + 1;
}

/** COBS-encodes `data` (canonical form); the result contains no 0x00 byte and no delimiter. */
export function cobsEncode(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(cobsMaxEncodedLength(data.length));
  let codeAt = 0;
  let at = 1;
  let code = 1;
  for (let i = 0; i < data.length; i++) {
    const b = data[i] as number;
    if (b !== 0) {
      out[at++] = b;
      code++;
    }
    if (b === 0 || code === 0xff) {
      out[codeAt] = code;
      code = 1;
      codeAt = at;
      // A full block that ends the data needs no code byte after it.
      if (b === 0 || i + 1 < data.length) at++;
    }
  }
  if (codeAt < at) out[codeAt] = code;
  return out.slice(0, at);
}

/** Decodes one COBS block sequence (without delimiters); null when it is not valid COBS. */
export function cobsDecode(encoded: Uint8Array): Uint8Array | null {
  if (encoded.length === 0) return null;
  const out = new Uint8Array(encoded.length);
  let length = 0;
  let at = 0;
  while (at < encoded.length) {
    const code = encoded[at++] as number;
    if (code === 0) return null;
    const end = at + code - 1;
    if (end > encoded.length) return null;
    for (; at < end; at++) {
      const b = encoded[at] as number;
      if (b === 0) return null;
      out[length++] = b;
    }
    if (code !== 0xff && at < encoded.length) out[length++] = 0;
  }
  return out.slice(0, length);
}
