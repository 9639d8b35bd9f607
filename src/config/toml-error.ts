// The one error type of the TOML parser: a line number and a message saying what was expected.

/** A TOML syntax or structure error at a 1-based line; `key` is the dotted key path when known. */
export class TomlError extends Error {
  override readonly name = "TomlError";
  constructor(
    readonly line: number,
    message: string,
    readonly key?: string,
  ) {
    super(message);
  }
}

/** True for characters TOML forbids outside escapes: C0 controls except tab, and DEL. */
export function isControl(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return (code < 0x20 && ch !== "\t") || code === 0x7f;
}

/** Describes what sits at `pos` for a "found ..." message: a short token, a character or end of line/file. */
export function describeFound(src: string, pos: number): string {
  if (pos >= src.length) return "end of file";
  const ch = src[pos] ?? "";
  if (ch === "\n" || (ch === "\r" && src[pos + 1] === "\n")) return "end of line";
  if (isControl(ch)) return `control character U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
  const token = /^[^\s#,=[\]{}"']+/.exec(src.slice(pos, pos + 41))?.[0];
  if (token === undefined) return `'${ch}'`;
  return token.length > 40 ? `'${token.slice(0, 40)}...'` : `'${token}'`;
}
