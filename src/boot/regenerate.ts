// `clusterguard initrd regenerate`: build the guard initrd with dracut beside the distro's, then verify it. It refuses
// to build an initrd whose fence levels could not work from there (initrd-needs.ts), and checks the image holds what
// they need.
import { existsSync } from "node:fs";
import { release } from "node:os";
import { join, resolve } from "node:path";
import { formatConfigError, loadConfig } from "../config/index.ts";
import { runIn } from "./chroot.ts";
import { type InitrdNeed, initrdNeeds, initrdProblems } from "./initrd-needs.ts";
import { distroInitrd, guardInitrd, installedKernels } from "./initrd-paths.ts";
import { type VerifyResult, verifyInitrd } from "./initrd-verify.ts";

export type InitrdKind = "auto" | "systemd" | "shell";

export interface RegenerateOptions {
  root: string;
  kver?: string;
  /** Output path as seen inside `root`. */
  output?: string;
  kind: InitrdKind;
  /** Allow writing over the distro's default initrd. */
  overwriteDefault: boolean;
}

export type RegenerateResult =
  | {
      ok: true;
      kver: string;
      output: string;
      seconds: number;
      verify: VerifyResult;
      dracutArgs: string[];
      /** What the fence levels needed, found in the image. */
      needs: InitrdNeed[];
    }
  | { ok: false; error: string; output?: string; configError?: true };

/** The dracut module list of a lean shell-based initrd (no systemd), as the lab uses it. */
export const SHELL_MODULES = "bash base udev-rules rootfs-block fs-lib kernel-modules clusterguard";

/** Run dracut for one kernel and verify the image. */
export async function regenerate(o: RegenerateOptions): Promise<RegenerateResult> {
  const root = resolve(o.root);
  const kernels = installedKernels(root);
  const kver = o.kver ?? (root === "/" ? release() : kernels.at(-1));
  if (!kver) return { ok: false, error: `no kernel found under ${join(root, "lib/modules")}; pass --kver` };
  if (!existsSync(join(root, "lib/modules", kver)))
    return { ok: false, error: `kernel ${kver} is not installed in ${root} (have: ${kernels.join(", ") || "none"})` };
  for (const [path, what] of [
    ["usr/bin/dracut", "dracut (apt-get install dracut)"],
    ["usr/bin/clusterguard", "the clusterguard executable (make install)"],
    ["usr/lib/dracut/modules.d/90clusterguard/module-setup.sh", "the dracut module 90clusterguard (make install)"],
    ["etc/clusterguard/clusterguard.toml", "/etc/clusterguard/clusterguard.toml"],
    ["etc/clusterguard/authkey", "/etc/clusterguard/authkey (clusterguard keygen)"],
  ] as const) {
    if (!existsSync(join(root, path))) return { ok: false, error: `${join(root, path)} is missing: install ${what}` };
  }
  const configPath = join(root, "etc/clusterguard/clusterguard.toml");
  const loaded = loadConfig(configPath);
  if (!loaded.ok) return { ok: false, configError: true, error: `${loaded.errors.map(formatConfigError).join("\n")}` };
  const problems = initrdProblems(loaded.config, root);
  if (problems.length > 0)
    return {
      ok: false,
      error: `not built: a fence level could not work from the initrd (${configPath}):\n  ${problems.map((p) => `${p.key}: ${p.message}`).join("\n  ")}`,
    };
  const inner = o.output ?? guardInitrd("/", kver);
  if (!o.overwriteDefault && join(root, inner) === distroInitrd(root, kver)) {
    return {
      ok: false,
      error: `${inner} is the distro's default initrd; choose another --output or pass --overwrite-default`,
    };
  }
  const args = ["--force", "--no-hostonly", "--kver", kver];
  if (o.kind === "shell") args.push("-m", SHELL_MODULES);
  else args.push("--add", "clusterguard");
  if (o.kind === "systemd") args.push("--add", "systemd");
  args.push(inner);
  const t0 = performance.now();
  const run = await runIn(root, "dracut", args);
  const seconds = Math.round((performance.now() - t0) / 100) / 10;
  if (run.exitCode !== 0)
    return { ok: false, error: `dracut ${args.join(" ")} failed with exit code ${run.exitCode}`, output: run.output };
  const needs = initrdNeeds(loaded.config, root);
  const verify = await verifyInitrd(root, inner, needs);
  if (verify.problems.length > 0)
    return {
      ok: false,
      error: `the image was built but is not usable:\n  ${verify.problems.join("\n  ")}`,
      output: run.output,
    };
  return { ok: true, kver, output: inner, seconds, verify, dracutArgs: args, needs };
}
