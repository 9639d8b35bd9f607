// A read position in TOML source that counts lines and knows how to fail with "expected X, found Y".
import { TomlError, describeFound, isControl } from "./toml-error.ts";

/** Scans TOML text one character at a time; `line` is 1-based. */
export class Cursor {
  pos = 0;
  line = 1;
  constructor(readonly src: string) {}

  /** The character at pos + offset, or "" past the end. */
  peek(offset = 0): string {
    return this.src[this.pos + offset] ?? "";
  }

  eof(): boolean {
    return this.pos >= this.src.length;
  }

  startsWith(s: string): boolean {
    return this.src.startsWith(s, this.pos);
  }

  /** Consumes one character (counting newlines) and returns it. */
  advance(): string {
    const ch = this.peek();
    if (ch === "\n") this.line++;
    this.pos++;
    return ch;
  }

  /** Skips spaces and tabs (never newlines). */
  skipSpaces(): void {
    while (this.peek() === " " || this.peek() === "\t") this.pos++;
  }

  /** True at end of file or at a newline (\n or \r\n). */
  atLineEnd(): boolean {
    return this.eof() || this.peek() === "\n" || this.startsWith("\r\n");
  }

  /** Consumes a newline if there is one; returns whether it did. */
  newline(): boolean {
    if (this.startsWith("\r\n")) this.pos++;
    if (this.peek() !== "\n") return false;
    this.advance();
    return true;
  }

  /** Skips a # comment up to (not including) the end of line; comments may not hold control characters. */
  skipComment(): void {
    if (this.peek() !== "#") return;
    while (!this.atLineEnd()) {
      if (isControl(this.peek())) this.fail("printable characters in a comment");
      this.pos++;
    }
  }

  /** Skips spaces, comments and newlines (inside arrays). */
  skipBlank(): void {
    for (;;) {
      this.skipSpaces();
      this.skipComment();
      if (this.eof() || !this.newline()) return;
    }
  }

  /** Requires the end of the line after optional spaces and a comment; leaves the newline unread. */
  expectLineEnd(after: string): void {
    this.skipSpaces();
    this.skipComment();
    if (!this.atLineEnd()) this.fail(`end of line after ${after}`);
  }

  /** Skips the rest of the current line, newline included (error recovery). */
  skipLine(): void {
    while (!this.eof() && this.peek() !== "\n") this.pos++;
    if (!this.eof()) this.advance();
  }

  /** Throws a TomlError "expected <expected>, found <what is here>". */
  fail(expected: string): never {
    throw new TomlError(this.line, `expected ${expected}, found ${describeFound(this.src, this.pos)}`);
  }
}
