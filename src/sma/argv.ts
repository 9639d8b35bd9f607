// Split a command line from the config into argv words, shell-style quoting without a shell (never evaluated).

/** The words of `line`: whitespace separates, '...' is literal, "..." and bare words honour backslash escapes. */
export function splitArgs(line: string): { ok: true; argv: string[] } | { ok: false; problem: string } {
  const argv: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (c === "\\" && i + 1 < line.length && (quote === null || /["\\$`]/.test(line[i + 1] as string))) {
      word += line[++i];
      inWord = true;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) argv.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== null) return { ok: false, problem: `unterminated ${quote} quote` };
  if (inWord) argv.push(word);
  return { ok: true, argv };
}
