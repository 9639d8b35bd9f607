// Derived names for [[resource]] tables that give none: "ip 10.0.0.5/24", "mount /srv/data" (a unit is named by its unit).
import type { Checker, Draft } from "./validate-context.ts";

type DraftResource = NonNullable<NonNullable<Draft["resource"]>[number]>;

/** The name an ip or mount resource gets when the file gives none; control characters become "?", at most 128 characters. */
export function derivedResourceName(r: DraftResource): string | undefined {
  const what = r.type === "ip" ? r.address : r.type === "mount" ? r.target : undefined;
  return what === undefined ? undefined : `${r.type} ${what}`.replace(/[\x00-\x1f\x7f]/g, "?").slice(0, 128);
}

/** Fill in the derived name of every resource that left `name` out (before the cross-checks compare names). */
export function fillResourceNames(d: Draft, ck: Checker): void {
  (d.resource ?? []).forEach((r, i) => {
    if (r === undefined || r.name !== undefined || ck.isInvalid(["resource", i, "name"])) return;
    const name = derivedResourceName(r);
    if (name !== undefined) r.name = name;
  });
}
