// Pure judgement of what is mounted at a mount resource's target: is it this resource's device, on top or buried?
import type { DeviceId } from "./mount-device.ts";
import type { MountEntry } from "./mountinfo.ts";

/** Whether one mount is the configured device: yes, no, or cannot be told (the device did not resolve). */
export type Match = "ours" | "other" | "unknown";

/** What the stack at the target means: nothing; ours on top; ours under something else; something else; cannot tell. */
export type TargetState =
  | { kind: "empty" }
  | { kind: "ours"; top: MountEntry }
  | { kind: "buried"; top: MountEntry }
  | { kind: "other"; top: MountEntry }
  | { kind: "unknown"; top: MountEntry; why: string };

/** Is `e` the device `id` names? `fstype` ("auto": any) is compared only for named sources like tmpfs or nfs. */
export function matchEntry(
  e: MountEntry,
  id: DeviceId,
  fstype: string,
  backing: (devno: string) => string | null,
): Match {
  switch (id.kind) {
    case "block":
      return e.devno === id.devno ? "ours" : "other";
    case "image":
      return backing(e.devno) === id.file ? "ours" : "other";
    case "name":
      return e.source === id.source && sameType(e.fstype, fstype) ? "ours" : "other";
    case "unresolved":
      return "unknown";
  }
}

/** nfs mounts show as nfs4 when version 4 was negotiated. */
function sameType(found: string, want: string): boolean {
  return want === "auto" || found === want || (want === "nfs" && found === "nfs4");
}

/** Classify the stack (bottom first, each with its match); `why` says why a device could not be resolved. */
export function targetState(
  stack: readonly { entry: MountEntry; match: Match }[],
  why = "the device cannot be resolved",
): TargetState {
  const top = stack.at(-1);
  if (top === undefined) return { kind: "empty" };
  if (top.match === "ours") return { kind: "ours", top: top.entry };
  if (top.match === "unknown") return { kind: "unknown", top: top.entry, why };
  return stack.some((s) => s.match !== "other")
    ? { kind: "buried", top: top.entry }
    : { kind: "other", top: top.entry };
}
