// Where each key was written: lines are stored per table or array, so parsing never builds a key's dotted path.
import { keyPath, type Segment } from "./key-path.ts";

/** Line numbers of keys, tables and array elements, looked up by their path segments. */
export class LineMap {
  private readonly byContainer = new Map<object, Map<Segment, number>>();

  constructor(private readonly root: object) {}

  /** Records the line of `seg` inside `container` (a table or an array). */
  set(container: object, seg: Segment, line: number): void {
    let m = this.byContainer.get(container);
    if (m === undefined) this.byContainer.set(container, (m = new Map()));
    m.set(seg, line);
  }

  /** The line of `seg` inside `container`, when the file mentions it. */
  at(container: object, seg: Segment): number | undefined {
    return this.byContainer.get(container)?.get(seg);
  }

  /** The line of the key at `segs` (["node", 0, "name"]), when the file mentions it. */
  get(segs: readonly Segment[]): number | undefined {
    let container: unknown = this.root;
    for (const [i, seg] of segs.entries()) {
      if (typeof container !== "object" || container === null) return undefined;
      if (i === segs.length - 1) return this.at(container, seg);
      container = child(container, seg);
    }
    return undefined;
  }

  /** True when the file mentions the key at `segs`. */
  has(segs: readonly Segment[]): boolean {
    return this.get(segs) !== undefined;
  }

  /** Every recorded key as [dotted path, line], e.g. ["node[0].name", 5]. */
  *[Symbol.iterator](): IterableIterator<[string, number]> {
    const stack: [object, Segment[]][] = [[this.root, []]];
    for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
      const [container, path] = top;
      for (const [seg, line] of this.byContainer.get(container) ?? []) {
        yield [keyPath([...path, seg]), line];
        const v = child(container, seg);
        if (typeof v === "object" && v !== null) stack.push([v, [...path, seg]]);
      }
    }
  }
}

/** The own property or element `seg` of a table or array. */
function child(container: object, seg: Segment): unknown {
  if (Array.isArray(container)) return typeof seg === "number" ? container[seg] : undefined;
  return typeof seg === "string" && Object.hasOwn(container, seg) ? (container as Record<string, unknown>)[seg] : undefined;
}
