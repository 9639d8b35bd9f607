// Check a built guard initrd with lsinitrd: the executable (unstripped), config, authkey and unit or hook are inside,
// and everything the fence levels need (initrd-needs.ts): each tool with its libraries, each file, secrets mode 0600.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { execa } from "execa";
import { runIn } from "./chroot.ts";
import type { InitrdNeed } from "./initrd-needs.ts";

export const REQUIRED = [
  "usr/lib/clusterguard/clusterguard",
  "usr/lib/clusterguard/guard-initrd.sh",
  "usr/lib/clusterguard/clusterguard-lib.sh",
  "etc/clusterguard/clusterguard.toml",
  "etc/clusterguard/authkey",
];

/** What `ldd dist/clusterguard` lists: glibc only. */
export const RUNTIME_LIBS = ["libc.so.6", "libpthread.so.0", "libdl.so.2", "libm.so.6", "ld-linux-x86-64.so.2"];

export interface VerifyResult {
  problems: string[];
  kind: "systemd" | "shell" | "unknown";
  exeSha256: string | null;
  files: number;
}

/** List `image` (a path inside `root`), compare its guard executable with `root`/usr/bin/clusterguard, find `needs`. */
export async function verifyInitrd(
  root: string,
  image: string,
  needs: readonly InitrdNeed[] = [],
): Promise<VerifyResult> {
  const list = await runIn(root, "lsinitrd", [image]);
  if (list.exitCode !== 0)
    return {
      problems: [`lsinitrd ${image} failed: ${list.output.slice(-2000)}`],
      kind: "unknown",
      exeSha256: null,
      files: 0,
    };
  const modes = listing(list.output);
  const names = new Set(modes.keys());
  const problems = REQUIRED.filter((f) => !names.has(f)).map((f) => `${f} is missing from ${image}`);
  const bases = new Set([...names].map((n) => n.split("/").at(-1)));
  for (const lib of RUNTIME_LIBS)
    if (!bases.has(lib)) problems.push(`${lib}, which the executable needs, is missing from ${image}`);
  problems.push(...(await missingNeeds(root, image, needs, modes, bases)));
  const systemd = [...names].some((n) => n.endsWith("clusterguard-guard.service"));
  const shell = [...names].some((n) => /hooks\/pre-mount\/\d+-clusterguard-pre-mount\.sh$/.test(n));
  if (!systemd && !shell) problems.push(`neither clusterguard-guard.service nor the pre-mount hook is in ${image}`);
  const exe = await execa(
    "bash",
    [
      "-c",
      `${root === "/" ? "" : `chroot '${root}' `}lsinitrd -f usr/lib/clusterguard/clusterguard '${image}' | sha256sum`,
    ],
    { reject: false, all: true },
  );
  const inside = exe.exitCode === 0 ? (exe.stdout.split(/\s/)[0] ?? null) : null;
  const host = sha256File(`${root}/usr/bin/clusterguard`);
  if (inside !== host)
    problems.push(
      `the executable inside ${image} differs from /usr/bin/clusterguard (stripped?): ${inside} != ${host}`,
    );
  return { problems, kind: systemd ? "systemd" : shell ? "shell" : "unknown", exeSha256: inside, files: names.size };
}

/** lsinitrd's entries (cpio -tv lines): each path in the image, without "./", and its mode string. */
export function listing(output: string): Map<string, string> {
  const entries = new Map<string, string>();
  // mode links owner group size (or "major, minor") month day time-or-year name [-> target]
  const line = /^([-dlcbps][rwxsStT-]{9})\s+\d+\s+\S+\s+\S+\s+(?:\d+,\s*)?\d+\s+\S+\s+\d+\s+\S+\s+(.+)$/;
  for (const l of output.split("\n")) {
    const m = line.exec(l.trim());
    if (m === null) continue;
    const name = (m[2] ?? "").split(" -> ")[0]!.replace(/^\.\//, "");
    entries.set(name, m[1]!);
  }
  return entries;
}

/** The fence levels' needs the image lacks: a tool or one of its libraries (ldd in `root`), a file, a loose secret. */
async function missingNeeds(
  root: string,
  image: string,
  needs: readonly InitrdNeed[],
  modes: ReadonlyMap<string, string>,
  bases: ReadonlySet<string | undefined>,
): Promise<string[]> {
  const problems: string[] = [];
  for (const n of needs) {
    const inImage = n.path.replace(/^\/+/, "");
    const mode = modes.get(inImage);
    if (mode === undefined) {
      problems.push(`${n.path}, which ${n.key} needs, is missing from ${image}`);
      continue;
    }
    if (n.kind === "secret" && mode !== "-rw-------")
      problems.push(`${n.path} (${n.key}) is ${mode} in ${image}; expected -rw------- (mode 0600)`);
    if (n.kind !== "tool") continue;
    const ldd = await runIn(root, "ldd", [n.path]);
    for (const lib of ldd.output.matchAll(/^\s*(\S+\.so[.\d]*)\s/gm)) {
      const base = lib[1]!.split("/").at(-1);
      if (base !== undefined && !base.startsWith("linux-vdso") && !bases.has(base))
        problems.push(`${base}, which ${n.path} (${n.key}) needs, is missing from ${image}`);
    }
  }
  return problems;
}

/** Read a file's sha256 (helper for callers that compare executables). */
export function sha256File(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}
