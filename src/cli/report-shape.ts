// A cheap shape check on a status reply, so that a mismatched agent version gets a message instead of a stack trace.

/** Null when `x` looks like a StatusReport (src/agent/report.ts); otherwise what is missing. */
export function reportProblem(x: unknown): string | null {
  if (typeof x !== "object" || x === null) return "the status reply is not an object";
  const r = x as Record<string, unknown>;
  for (const k of ["cluster", "node", "role", "generatedAt"]) if (typeof r[k] !== "string") return `the status reply has no "${k}" string`;
  for (const k of ["links", "agents", "resources"]) if (!Array.isArray(r[k])) return `the status reply has no "${k}" list`;
  for (const k of ["peer", "fence"]) if (typeof r[k] !== "object" || r[k] === null) return `the status reply has no "${k}" object`;
  return null;
}

