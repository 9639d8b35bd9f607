// `clusterguard initrd regenerate`: build the guard initrd with dracut or initramfs-tools beside the distro's, then
// verify it. It refuses to build an initrd whose fence levels could not work from there (initrd-needs.ts), compresses
// it as well as the kernel can unpack (compression.ts), builds it in a scratch folder, checks the image holds what the
// guard and the fence levels need, and only then puts it in place if /boot has room (install-image.ts).
import { chmodSync, existsSync, mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { release } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { formatConfigError, loadConfig } from "../config/index.ts";
import { runIn } from "./chroot.ts";
import {
  type Compression,
  COMPRESSIONS,
  chooseCompression,
  describeCompression,
  dracutCompressArgs,
  METHODS,
  mkinitramfsCompressArgs,
  readKernelConfig,
} from "./compression.ts";
import { findTool, type InitrdNeed, initrdNeeds, initrdProblems } from "./initrd-needs.ts";
import { distroInitrd, guardInitrd, installedKernels } from "./initrd-paths.ts";
import { type VerifyResult, verifyInitrd } from "./initrd-verify.ts";
import { checkpoint, installImage } from "./install-image.ts";

/** dracut's default, dracut systemd-based, dracut's lean shell initrd, or initramfs-tools (mkinitramfs). */
export type InitrdKind = "auto" | "systemd" | "shell" | "initramfs-tools";

export type InitrdBuilder = "dracut" | "initramfs-tools";

/** The environment variable that asks the initramfs-tools hook for the guard (every other mkinitramfs run skips it). */
export const INITRAMFS_TOOLS_OPT_IN = "CLUSTERGUARD_INITRD=1";

/**
 * The builder a kind means; for auto, the system's own: initramfs-tools when mkinitramfs is installed and dracut is
 * not (Debian's and Ubuntu's default), dracut otherwise. With `why`, the reason.
 */
export function pickBuilder(kind: InitrdKind, root: string): { builder: InitrdBuilder; why: string } {
  if (kind === "initramfs-tools") return { builder: kind, why: "--kind initramfs-tools" };
  if (kind !== "auto") return { builder: "dracut", why: `--kind ${kind}` };
  const dracut = findTool("dracut", root) !== null;
  if (findTool("mkinitramfs", root) !== null && !dracut)
    return { builder: "initramfs-tools", why: "--kind auto: mkinitramfs is installed and dracut is not" };
  return {
    builder: "dracut",
    why: dracut ? "--kind auto: dracut is installed" : "--kind auto: neither dracut nor mkinitramfs is installed",
  };
}

export interface RegenerateOptions {
  root: string;
  kver?: string;
  /** Output path as seen inside `root`. */
  output?: string;
  kind: InitrdKind;
  /** Allow writing over the distro's default initrd. */
  overwriteDefault: boolean;
  /** --compress: this compression instead of the best the kernel unpacks (refused if it cannot). */
  compress?: Compression;
  /** Hears each step and each line the builder prints, as they come. */
  progress?: (line: string) => void;
  /** Hears each warning (a compression chosen for want of a better one), when it arises. */
  warn?: (text: string) => void;
}

export type RegenerateResult =
  | {
      ok: true;
      kver: string;
      output: string;
      seconds: number;
      verify: VerifyResult;
      builder: InitrdBuilder;
      /** Why that builder. */
      why: string;
      /** The builder's command line (dracut ... or mkinitramfs ...). */
      command: string[];
      /** What the fence levels needed, found in the image. */
      needs: InitrdNeed[];
      /** The compression ("zstd -19") and why ("CONFIG_RD_ZSTD=y in /boot/config-KVER"). */
      compression: { name: Compression; shown: string; reason: string };
      /** The image's size. */
      bytes: number;
    }
  /** usage: a configuration or usage error (exit 2), rather than a failure to build (exit 1). */
  | { ok: false; error: string; output?: string; usage?: true };

/**
 * How long the builder may run. A no-hostonly build with every driver takes about a minute on a server but ten on a
 * slow or loaded one (measured in the lab's VMs under TCG: 600 s); past this it is stopped, never left hanging.
 */
export const BUILD_TIMEOUT_MS = 45 * 60_000;

/** The dracut module list of a lean shell-based initrd (no systemd), as the lab uses it. */
export const SHELL_MODULES = "bash base udev-rules rootfs-block fs-lib kernel-modules clusterguard";

/** Run dracut or mkinitramfs for one kernel and verify the image. */
export async function regenerate(o: RegenerateOptions): Promise<RegenerateResult> {
  const root = resolve(o.root);
  const kernels = installedKernels(root);
  const kver = o.kver ?? (root === "/" ? release() : kernels.at(-1));
  if (!kver) return { ok: false, error: `no kernel found under ${join(root, "lib/modules")}; pass --kver` };
  if (!existsSync(join(root, "lib/modules", kver)))
    return { ok: false, error: `kernel ${kver} is not installed in ${root} (have: ${kernels.join(", ") || "none"})` };
  const { builder, why } = pickBuilder(o.kind, root);
  const tools =
    builder === "dracut"
      ? ([["usr/bin/dracut", "dracut (apt-get install dracut-core)"]] as const)
      : ([
          ["usr/sbin/mkinitramfs", "initramfs-tools (apt-get install initramfs-tools)"],
          ["usr/share/initramfs-tools/hooks/clusterguard", "the initramfs-tools hook (make install)"],
          [
            "usr/share/initramfs-tools/scripts/local-premount/clusterguard",
            "the initramfs-tools local-premount script (make install)",
          ],
        ] as const);
  for (const [path, what] of [
    ...tools,
    ["usr/bin/clusterguard", "the clusterguard executable (make install)"],
    // the shell scripts the initramfs-tools hook shares with the dracut module live there too
    ["usr/lib/dracut/modules.d/90clusterguard/module-setup.sh", "the dracut module 90clusterguard (make install)"],
    ["etc/clusterguard/clusterguard.toml", "/etc/clusterguard/clusterguard.toml"],
    ["etc/clusterguard/authkey", "/etc/clusterguard/authkey (clusterguard keygen)"],
  ] as const) {
    if (!existsSync(join(root, path))) return { ok: false, error: `${join(root, path)} is missing: install ${what}` };
  }
  const configPath = join(root, "etc/clusterguard/clusterguard.toml");
  const loaded = loadConfig(configPath);
  if (!loaded.ok) return { ok: false, usage: true, error: `${loaded.errors.map(formatConfigError).join("\n")}` };
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
  const choice = chooseCompression({
    ...(o.compress === undefined ? {} : { requested: o.compress }),
    kernelConfig: readKernelConfig(root, kver),
    looked: `/boot/config-${kver}`,
    installed: new Set(COMPRESSIONS.filter((c) => findTool(METHODS[c].tool, root) !== null)),
    tree: root,
  });
  if (!choice.ok) return { ok: false, error: choice.error, ...(choice.usage ? { usage: true as const } : {}) };
  for (const w of choice.warnings) o.warn?.(w);
  const compression = {
    name: choice.compression,
    shown: describeCompression(choice.compression),
    reason: choice.reason,
  };
  o.progress?.(`compression: ${compression.shown} (${compression.reason})`);
  // Built and verified in a scratch folder of the tree (the builder may run chrooted), never over the image in use.
  const tmp = existsSync(join(root, "var/tmp")) ? join(root, "var/tmp") : join(root, "tmp");
  let scratch: string;
  try {
    scratch = mkdtempSync(join(tmp, "clusterguard-initrd-"));
  } catch (e) {
    return { ok: false, error: `cannot make a scratch folder to build in: ${(e as Error).message}` };
  }
  try {
    const built = `/${relative(root, scratch)}/${basename(inner)}`;
    const command =
      builder === "dracut"
        ? dracutCommand(o.kind, kver, built, choice.compression)
        : mkinitramfsCommand(kver, built, choice.compression);
    const t0 = performance.now();
    o.progress?.(`building ${built} for kernel ${kver} with ${builder} (${why}): ${command.join(" ")}`);
    // `env` sets the hook's opt-in on the host and in a chroot alike.
    const argv = builder === "dracut" ? command : [INITRAMFS_TOOLS_OPT_IN, ...command];
    const run = await runIn(root, "env", argv, BUILD_TIMEOUT_MS, o.progress);
    const seconds = Math.round((performance.now() - t0) / 100) / 10;
    if (run.timedOut)
      return {
        ok: false,
        error: `${command.join(" ")} did not finish within ${BUILD_TIMEOUT_MS / 60000} minutes and was stopped; the previous image is kept`,
        output: run.output,
      };
    if (run.exitCode !== 0)
      return { ok: false, error: `${command.join(" ")} failed with exit code ${run.exitCode}`, output: run.output };
    // The image holds the authkey and any BMC password: readable by root only (mkinitramfs writes it 0644).
    chmodSync(join(root, built), 0o600);
    const needs = initrdNeeds(loaded.config, root);
    o.progress?.(`built in ${seconds} s; verifying ${built}`);
    const verify = await verifyInitrd(root, built, {
      needs,
      builder,
      compression: choice.compression,
      name: `the new ${inner}`,
    });
    if (verify.problems.length > 0)
      return {
        ok: false,
        error: `the image was built but is not usable, so ${inner} was not written:\n  ${verify.problems.join("\n  ")}`,
        output: run.output,
      };
    const put = await installImage(join(root, built), join(root, inner), inner);
    if (!put.ok) return { ok: false, error: put.error };
    o.progress?.(`wrote ${inner} (${put.bytes} bytes)`);
    if (root === "/") {
      const late = await checkpoint(dirname(inner));
      if (late !== null) o.warn?.(late);
      else
        o.progress?.(`checkpointed the file system of ${dirname(inner)}: the peer's boot loader reads the new image`);
    }
    return {
      ok: true,
      kver,
      output: inner,
      seconds,
      verify,
      builder,
      why,
      command,
      needs,
      compression,
      bytes: put.bytes,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** dracut's command line for a kind of initrd. */
function dracutCommand(kind: InitrdKind, kver: string, output: string, compression: Compression): string[] {
  const args = ["dracut", "--force", "--no-hostonly", "--kver", kver, ...dracutCompressArgs(compression)];
  if (kind === "shell") args.push("-m", SHELL_MODULES);
  else args.push("--add", "clusterguard");
  if (kind === "systemd") args.push("--add", "systemd");
  return [...args, output];
}

/** mkinitramfs' command line; the compression overrides initramfs.conf's for this run only (the distro's stays). */
function mkinitramfsCommand(kver: string, output: string, compression: Compression): string[] {
  return ["mkinitramfs", ...mkinitramfsCompressArgs(compression), "-o", output, kver];
}
