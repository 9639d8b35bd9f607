// The package `make deb` builds, dist/clusterguard_VERSION_ARCH.deb, for the tests of test/deb/.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import pkg from "../../package.json" with { type: "json" };

export const VERSION: string = pkg.version;
const arch = Bun.spawnSync(["dpkg", "--print-architecture"]).stdout.toString().trim();
export const DEB = resolve(import.meta.dir, `../../dist/clusterguard_${VERSION}_${arch}.deb`);

/** The package's path; fails clearly when it was not built. */
export function builtDeb(): string {
  if (!existsSync(DEB)) throw new Error(`${DEB} is missing: run 'make deb' first`);
  return DEB;
}
