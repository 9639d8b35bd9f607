// Check a built guard initrd with lsinitrd (dracut) or lsinitramfs and unmkinitramfs (initramfs-tools): the
// executable (unstripped), config, authkey and what starts the guard (unit, hook or local-premount script) are
// inside, and everything the fence levels need (initrd-needs.ts): each tool with its libraries, each file, secrets
// mode 0600; and its compression is the one asked for (initrd-format.ts).
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { execa } from "execa";
import { runIn } from "./chroot.ts";
import type { Compression } from "./compression.ts";
import { decompressor, type FormatResult, fileFormat, formatText } from "./initrd-format.ts";
import { findTool, type InitrdNeed } from "./initrd-needs.ts";

export const REQUIRED = [
  "usr/lib/clusterguard/clusterguard",
  "usr/lib/clusterguard/guard-initrd.sh",
  "usr/lib/clusterguard/clusterguard-lib.sh",
  "etc/clusterguard/clusterguard.toml",
  "etc/clusterguard/authkey",
];

/** What `ldd dist/clusterguard` lists: glibc only. */
export const RUNTIME_LIBS = ["libc.so.6", "libpthread.so.0", "libdl.so.2", "libm.so.6", "ld-linux-x86-64.so.2"];

/** initramfs-tools' script that starts the guard, and the list its init runs that phase's scripts from. */
export const LOCAL_PREMOUNT = "scripts/local-premount/clusterguard";
const LOCAL_PREMOUNT_ORDER = "scripts/local-premount/ORDER";

export interface VerifyResult {
  problems: string[];
  kind: "systemd" | "shell" | "initramfs-tools" | "unknown";
  exeSha256: string | null;
  files: number;
  /** How the image is compressed, read from its bytes. */
  format: FormatResult;
}

export interface VerifyOptions {
  /** What the fence levels need in the image. */
  needs?: readonly InitrdNeed[];
  /** The builder that made it, whose tools list and unpack it (default dracut). */
  builder?: "dracut" | "initramfs-tools";
  /** The compression it must have (the builders fall back to another when its compressor is missing, saying so only in their output). */
  compression?: Compression;
  /** The image's name in the problems (default: `image`). */
  name?: string;
}

/**
 * List `image` (a path inside `root`) with the tools of the builder that made it, compare its guard executable
 * with `root`/usr/bin/clusterguard, find the needs, check the compression.
 */
export async function verifyInitrd(root: string, image: string, o: VerifyOptions = {}): Promise<VerifyResult> {
  const { needs = [], builder = "dracut", compression } = o;
  const name = o.name ?? image;
  const format = fileFormat(join(root, image));
  const wrong =
    compression !== undefined && format.format !== compression
      ? [
          `${name} is ${formatText(format)}, not ${compression}-compressed as asked: the builder fell back (its output says why)`,
        ]
      : [];
  const lister = builder === "dracut" ? ["lsinitrd", image] : ["lsinitramfs", "-l", image];
  const list = await runIn(root, lister[0]!, lister.slice(1));
  if (list.exitCode !== 0)
    return {
      problems: [...wrong, `${lister.join(" ")} failed: ${list.output.slice(-2000)}`],
      kind: "unknown",
      exeSha256: null,
      files: 0,
      format,
    };
  const modes = listing(list.output);
  const names = new Set(modes.keys());
  const problems = [...wrong, ...REQUIRED.filter((f) => !names.has(f)).map((f) => `${f} is missing from ${name}`)];
  const bases = new Set([...names].map((n) => n.split("/").at(-1)));
  for (const lib of RUNTIME_LIBS)
    if (!bases.has(lib)) problems.push(`${lib}, which the executable needs, is missing from ${name}`);
  problems.push(...(await missingNeeds(root, name, needs, modes, bases)));
  const exe =
    builder === "dracut"
      ? await dracutEntry(root, image, name, names)
      : await initramfsToolsEntry(root, image, name, names);
  problems.push(...exe.problems);
  const host = sha256File(`${root}/usr/bin/clusterguard`);
  if (exe.sha256 !== host)
    problems.push(
      `the executable inside ${name} differs from /usr/bin/clusterguard (stripped?): ${exe.sha256} != ${host}`,
    );
  return { problems, kind: exe.kind, exeSha256: exe.sha256, files: names.size, format };
}

interface Entry {
  kind: VerifyResult["kind"];
  /** sha256 of the executable in the image, or null when it could not be read. */
  sha256: string | null;
  problems: string[];
}

/** A dracut image: its unit or pre-mount hook, and its executable's sha256 (lsinitrd -f). */
async function dracutEntry(root: string, image: string, name: string, names: ReadonlySet<string>): Promise<Entry> {
  const systemd = [...names].some((n) => n.endsWith("clusterguard-guard.service"));
  const shell = [...names].some((n) => /hooks\/pre-mount\/\d+-clusterguard-pre-mount\.sh$/.test(n));
  const problems =
    !systemd && !shell ? [`neither clusterguard-guard.service nor the pre-mount hook is in ${name}`] : [];
  const exe = await execa(
    "bash",
    [
      "-c",
      `${root === "/" ? "" : `chroot '${root}' `}lsinitrd -f usr/lib/clusterguard/clusterguard '${image}' | sha256sum`,
    ],
    { reject: false, all: true },
  );
  const sha256 = exe.exitCode === 0 ? (exe.stdout.split(/\s/)[0] ?? null) : null;
  return { kind: systemd ? "systemd" : shell ? "shell" : "unknown", sha256, problems };
}

/**
 * Unpack an initramfs-tools image with unmkinitramfs into a scratch folder of `root`'s /tmp and give `fn` a reader of
 * its files (null when absent); the folder is removed after. A string: why it could not be unpacked.
 */
async function withUnpacked<T>(
  root: string,
  image: string,
  fn: (read: (p: string) => Buffer | null) => T,
): Promise<T | string> {
  const scratch = mkdtempSync(join(root, "tmp", "clusterguard-verify-"));
  try {
    const inner = `/${relative(root, scratch)}`;
    const unpack = await runIn(root, "unmkinitramfs", [image, inner]);
    if (unpack.exitCode !== 0) return `unmkinitramfs ${image} failed: ${unpack.output.slice(-2000)}`;
    // With an early (microcode) archive in front, unmkinitramfs puts the main one under main/.
    const tree = existsSync(join(scratch, "main")) ? join(scratch, "main") : scratch;
    return fn((p) => (existsSync(join(tree, p)) ? readFileSync(join(tree, p)) : null));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** An initramfs-tools image: its local-premount script, in the list of scripts its init runs (ORDER), and its executable's sha256. */
async function initramfsToolsEntry(
  root: string,
  image: string,
  name: string,
  names: ReadonlySet<string>,
): Promise<Entry> {
  const problems: string[] = [];
  if (!names.has(LOCAL_PREMOUNT)) problems.push(`${LOCAL_PREMOUNT} (what starts the guard) is missing from ${name}`);
  const r = await withUnpacked(root, image, (read) => {
    const order = read(LOCAL_PREMOUNT_ORDER)?.toString() ?? "";
    const runs = order.includes(`/${LOCAL_PREMOUNT}`);
    if (names.has(LOCAL_PREMOUNT) && !runs)
      problems.push(`${LOCAL_PREMOUNT} is in ${name} but not in ${LOCAL_PREMOUNT_ORDER}: init would never run it`);
    const exe = read("usr/lib/clusterguard/clusterguard");
    const sha256 = exe === null ? null : createHash("sha256").update(exe).digest("hex");
    return { kind: runs ? ("initramfs-tools" as const) : ("unknown" as const), sha256, problems };
  });
  return typeof r === "string" ? { kind: "unknown", sha256: null, problems: [...problems, r] } : r;
}

/**
 * The files at `paths` (inside the image, no leading /) of `image` (a path inside `root`), made by `builder`: their
 * bytes, null for each one the image lacks; a string when the image cannot be read at all.
 */
export async function readInitrdFiles(
  root: string,
  image: string,
  paths: readonly string[],
  builder: "dracut" | "initramfs-tools",
): Promise<Map<string, Buffer | null> | string> {
  const unreadable = cannotRead(root, image);
  if (unreadable !== null) return unreadable;
  if (builder === "initramfs-tools")
    return withUnpacked(root, image, (read) => new Map(paths.map((p) => [p, read(p)] as const)));
  const out = new Map<string, Buffer | null>();
  for (const p of paths) {
    // lsinitrd -f prints the file, or nothing (exit 0) when the image has no such file.
    const cmd = root === "/" ? ["lsinitrd", "-f", p, image] : ["chroot", root, "lsinitrd", "-f", p, image];
    const r = await execa(cmd[0] as string, cmd.slice(1), { reject: false, encoding: "buffer", stderr: "pipe" });
    if (r.exitCode !== 0) return `${cmd.join(" ")} failed: ${Buffer.from(r.stderr).toString().slice(-2000)}`;
    const bytes = Buffer.from(r.stdout);
    out.set(p, bytes.length === 0 ? null : bytes);
  }
  return out;
}

/**
 * Why the readers (lsinitrd, unmkinitramfs) could not read `image` in `root`: no such file, not an initrd, or a
 * compression whose tool is not installed there (lsinitrd then prints nothing and exits 0, which would read as an
 * image without the files); null when they can.
 */
function cannotRead(root: string, image: string): string | null {
  let format: FormatResult;
  try {
    format = fileFormat(join(root, image));
  } catch (e) {
    return `cannot read ${image}: ${(e as Error).message}`;
  }
  if (format.format === "unknown") return `${image} is ${formatText(format)}`;
  const tool = decompressor(format.format);
  if (tool !== null && findTool(tool.tool, root) === null)
    return `${image} is ${formatText(format)} and ${tool.tool} is not installed${root === "/" ? "" : ` in ${root}`} (apt-get install ${tool.package})`;
  return null;
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

/** The fence levels' needs the image (`name` in messages) lacks: a tool or one of its libraries (ldd in `root`), a file, a loose secret. */
async function missingNeeds(
  root: string,
  name: string,
  needs: readonly InitrdNeed[],
  modes: ReadonlyMap<string, string>,
  bases: ReadonlySet<string | undefined>,
): Promise<string[]> {
  const problems: string[] = [];
  for (const n of needs) {
    const inImage = n.path.replace(/^\/+/, "");
    const mode = modes.get(inImage);
    if (mode === undefined) {
      problems.push(`${n.path}, which ${n.key} needs, is missing from ${name}`);
      continue;
    }
    if (n.kind === "secret" && mode !== "-rw-------")
      problems.push(`${n.path} (${n.key}) is ${mode} in ${name}; expected -rw------- (mode 0600)`);
    if (n.kind !== "tool") continue;
    const ldd = await runIn(root, "ldd", [n.path]);
    for (const lib of ldd.output.matchAll(/^\s*(\S+\.so[.\d]*)\s/gm)) {
      const base = lib[1]!.split("/").at(-1);
      if (base !== undefined && !base.startsWith("linux-vdso") && !bases.has(base))
        problems.push(`${base}, which ${n.path} (${n.key}) needs, is missing from ${name}`);
    }
  }
  return problems;
}

/** Read a file's sha256 (helper for callers that compare executables). */
export function sha256File(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}
