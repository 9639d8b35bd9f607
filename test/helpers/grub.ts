// Real GRUB tools on generated configuration: grub-script-check (syntax), grub-mkconfig run over a prepared tree in a
// private mount namespace (it only reads /etc/grub.d, /etc/default and /boot), and grub-emu running a grub.cfg to its
// end without a terminal. Debian packages grub-common and grub-emu (test/install-host-deps.sh).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function need(tool: string): void {
  if (!Bun.which(tool)) throw new Error(`${tool} is missing: bash test/install-host-deps.sh grub-common grub-emu`);
}

/** grub-script-check on `text`: null when GRUB parses it, else its complaint. */
export function grubScriptCheck(text: string): string | null {
  need("grub-script-check");
  const dir = mkdtempSync(join(tmpdir(), "cg-gsc-"));
  try {
    const f = join(dir, "grub.cfg");
    writeFileSync(f, text);
    const r = Bun.spawnSync(["grub-script-check", f]);
    return r.exitCode === 0 ? null : `${r.stdout.toString()}${r.stderr.toString()}`.trim() || `exit ${r.exitCode}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The grub.cfg grub-mkconfig makes from `root`'s /etc/grub.d, /etc/default/grub and /boot (it checks it itself). */
export function grubMkconfig(root: string): { code: number; cfg: string; stderr: string } {
  need("grub-mkconfig");
  // The bind mounts live in the private namespace and end with it: nothing is mounted in `dir` when it is removed.
  const dir = mkdtempSync(join(tmpdir(), "cg-mkconfig-"));
  try {
    const out = join(dir, "grub.cfg");
    mkdirSync(join(root, "boot/grub"), { recursive: true });
    const r = Bun.spawnSync([
      "unshare",
      "--mount",
      "sh",
      "-ec",
      'mount --make-rprivate /; for d in etc/grub.d etc/default boot; do mount --bind "$1/$d" "/$d"; done; grub-mkconfig -o "$2"',
      "sh",
      root,
      out,
    ]);
    let cfg = "";
    try {
      cfg = readFileSync(out, "utf8");
    } catch {
      // grub-mkconfig failed before writing: its stderr tells
    }
    return { code: r.exitCode, cfg, stderr: r.stderr.toString() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Run `cfg` in grub-emu as its grub.cfg, then `halt` (before any menu): returns what GRUB printed, every run of
 * white space as one space (the emulated terminal wraps lines). `env` becomes the grubenv that load_env reads.
 */
export function grubEmu(cfg: string, env: Record<string, string> = {}): string {
  need("grub-emu");
  const dir = mkdtempSync(join(tmpdir(), "cg-grub-emu-"));
  try {
    symlinkSync("/usr/lib/grub/x86_64-emu", join(dir, "x86_64-emu"));
    writeFileSync(join(dir, "grub.cfg"), `${cfg}\nhalt\n`);
    if (Object.keys(env).length > 0) {
      const e = Bun.spawnSync([
        "grub-editenv",
        join(dir, "grubenv"),
        "set",
        ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
      ]);
      if (e.exitCode !== 0) throw new Error(`grub-editenv: ${e.stderr.toString()}`);
    }
    const r = Bun.spawnSync(["timeout", "30", "grub-emu", "-r", "host", "-d", dir], { stdin: "ignore" });
    if (r.exitCode !== 0) throw new Error(`grub-emu exited ${r.exitCode}: ${r.stderr.toString()}`);
    // The console terminal: ANSI colours, CR LF, and words wrapped at 80 columns: one space stands for any of them.
    return r.stdout
      .toString()
      .replace(/\x1b\[[0-9;]*[A-Za-z]/g, "")
      .replace(/\s+/g, " ")
      .trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
