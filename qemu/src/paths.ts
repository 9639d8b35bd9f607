// Where the lab keeps things: the cached base (outside tracked files), the built layers, the running lab, reports.
import { resolve } from "node:path";

export const REPO = resolve(import.meta.dir, "../..");
/** Outside the clone, so CI and fresh clones on one machine reuse the slow base (override: CG_LAB_CACHE). */
export const CACHE = process.env.CG_LAB_CACHE ?? "/var/cache/clusterguard-lab";
export const BASE = resolve(CACHE, "base");
export const IMAGE = resolve(CACHE, "image");
export const RUN = resolve(CACHE, "run");
export const OUT = resolve(REPO, "qemu/out");
export const EXE = resolve(REPO, "dist/clusterguard");
export const CONTROL = resolve(RUN, "lab.sock");

export type Node = "a" | "b";
export const NODES: readonly Node[] = ["a", "b"];
export const peerOf = (n: Node): Node => (n === "a" ? "b" : "a");
