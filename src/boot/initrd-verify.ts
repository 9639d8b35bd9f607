// Check a built guard initrd with lsinitrd: the executable (unstripped), config, authkey and unit or hook are inside.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { execa } from "execa";
import { runIn } from "./chroot.ts";

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

/** List `image` (a path inside `root`) and compare its guard executable with `root`/usr/bin/clusterguard. */
export async function verifyInitrd(root: string, image: string): Promise<VerifyResult> {
  const list = await runIn(root, "lsinitrd", [image]);
  if (list.exitCode !== 0)
    return {
      problems: [`lsinitrd ${image} failed: ${list.output.slice(-2000)}`],
      kind: "unknown",
      exeSha256: null,
      files: 0,
    };
  const names = new Set(
    list.output
      .split("\n")
      .map((l) => l.trim().split(/\s+/).at(-1) ?? "")
      .filter(Boolean)
      .map((n) => n.replace(/^\.\//, "")),
  );
  const problems = REQUIRED.filter((f) => !names.has(f)).map((f) => `${f} is missing from ${image}`);
  const bases = new Set([...names].map((n) => n.split("/").at(-1)));
  for (const lib of RUNTIME_LIBS)
    if (!bases.has(lib)) problems.push(`${lib}, which the executable needs, is missing from ${image}`);
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

/** Read a file's sha256 (helper for callers that compare executables). */
export function sha256File(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}
