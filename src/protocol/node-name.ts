// Node names on the wire: 1..32 bytes of [A-Za-z0-9_.-].

import { MAX_NAME_BYTES } from "./layout.ts";

const NAME_PATTERN = /^[A-Za-z0-9_.-]+$/;

/** Why `name` cannot be sent as a node name, or undefined when it can. */
export function nodeNameProblem(name: string): string | undefined {
  if (typeof name !== "string") return `node name: expected a string, got ${typeof name}`;
  if (name.length < 1 || name.length > MAX_NAME_BYTES) {
    return `node name: expected 1..${MAX_NAME_BYTES} characters, got ${name.length} (${JSON.stringify(name.slice(0, 40))})`;
  }
  if (!NAME_PATTERN.test(name)) {
    return `node name: expected only [A-Za-z0-9_.-], got ${JSON.stringify(name)}`;
  }
  return undefined;
}

/** True for a byte allowed in a node name. */
function isNameByte(b: number): boolean {
  return (
    (b >= 0x30 && b <= 0x39) || // 0-9
    (b >= 0x41 && b <= 0x5a) || // A-Z
    (b >= 0x61 && b <= 0x7a) || // a-z
    b === 0x5f || // _
    b === 0x2e || // .
    b === 0x2d // -
  );
}

/** Decodes name bytes received off the wire; undefined if any byte is not allowed. */
export function nodeNameFromBytes(bytes: Uint8Array): string | undefined {
  let name = "";
  for (const b of bytes) {
    if (!isNameByte(b)) return undefined;
    name += String.fromCharCode(b);
  }
  return name;
}
