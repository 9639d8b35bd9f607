// Tie-break between the two nodes: higher priority wins, then the smaller name.
import type { NodeRef } from "./state.ts";

/** True when `a` wins over `b` in a tie (both booting, both standby, both active). */
export function outranks(a: NodeRef, b: NodeRef): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  return a.name < b.name;
}
