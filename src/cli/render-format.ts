// Text helpers for terminal output that must also work on a serial console: ASCII only, aligned columns, short ages.

/** An age in ms as a short string: 0.4s, 42s, 3m04s, 2h05m, 3d04h; null is "never". */
export function formatAge(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return "never";
  const t = Math.max(0, ms);
  const tenths = Math.round(t / 100);
  if (tenths < 100) return `${(tenths / 10).toFixed(1)}s`;
  const s = Math.max(10, Math.floor(t / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${two(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${two(Math.floor(s / 60) % 60)}m`;
  return `${Math.floor(s / 86_400)}d${two(Math.floor(s / 3600) % 24)}h`;
}

/** "0.2s ago", or "never". */
export function ago(ms: number | null): string {
  return ms === null ? "never" : `${formatAge(ms)} ago`;
}

/** The time from `iso` to `nowIso` as "3m04s ago", or `iso` itself when either does not parse. */
export function agoFrom(iso: string, nowIso: string): string {
  const d = Date.parse(nowIso) - Date.parse(iso);
  return Number.isFinite(d) ? ago(d) : ascii(iso);
}

/** Printable ASCII only: anything else (escape sequences, newlines, UTF-8) from the agent becomes "?". */
export function ascii(s: string): string {
  return s.replace(/\t/g, " ").replace(/[^\x20-\x7e]/g, "?");
}

/** Cut `s` to `width` columns, marking the cut with "...". */
export function clip(s: string, width: number): string {
  return s.length <= width ? s : `${s.slice(0, Math.max(0, width - 3))}...`.slice(0, width);
}

/** Aligned columns with a two-space indent (header null: none); `right` marks numeric columns; the last column is never padded. */
export function table(header: string[] | null, rows: string[][], right: boolean[] = []): string[] {
  const all = header === null ? rows : [header, ...rows];
  const count = Math.max(0, ...all.map((r) => r.length));
  const widths = Array.from({ length: count }, (_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  return all.map((r) => {
    const cells = r.map((c, i) => {
      if (i === r.length - 1 && !right[i]) return c;
      const w = widths[i] ?? 0;
      return right[i] ? c.padStart(w) : c.padEnd(w);
    });
    return `  ${cells.join("  ")}`.trimEnd();
  });
}

function two(n: number): string {
  return String(n).padStart(2, "0");
}
