// Kernel command line parsing the way dracut's getarg/getargbool read it (last occurrence wins).

/** Split a kernel command line into words, honouring double quotes. */
export function splitCmdline(text: string): string[] {
  const words: string[] = [];
  let cur = "";
  let quoted = false;
  let has = false;
  for (const ch of text) {
    if (ch === '"') {
      quoted = !quoted;
      has = true;
    } else if (!quoted && /\s/.test(ch)) {
      if (has) words.push(cur);
      cur = "";
      has = false;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (has) words.push(cur);
  return words;
}

/** The value of the last `key=value` (or "" for a bare `key`), or null when absent. */
export function getarg(words: readonly string[], key: string): string | null {
  let found: string | null = null;
  for (const w of words) {
    if (w === key) found = "";
    else if (w.startsWith(`${key}=`)) found = w.slice(key.length + 1);
  }
  return found;
}

/** dracut's getargbool: absent -> fallback; exactly "0", "no" or "off" -> false; anything else -> true. */
export function getargbool(words: readonly string[], key: string, fallback: boolean): boolean {
  const v = getarg(words, key);
  if (v === null) return fallback;
  return !["0", "no", "off"].includes(v);
}
