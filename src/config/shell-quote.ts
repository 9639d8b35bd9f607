// Quoting a path for the copy-paste fix-it commands in messages.

/** Returns `s` unchanged when it is shell-safe, else single-quoted. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_/.:@%+=,-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}
