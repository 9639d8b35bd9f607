// The built .deb as a file: lintian finds nothing at any severity (what it would find is overridden, each override
// with its reason), the control fields, and the contents with their owners and modes.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { builtDeb, VERSION } from "../helpers/deb.ts";
import { EXE } from "../helpers/exe.ts";

const REPO = resolve(import.meta.dir, "../..");
const deb = builtDeb();
/** The commands' TMPDIR, removed at the end: lintian leaves its mldbm-elf-* databases behind in it. */
const tmp = mkdtempSync(join(tmpdir(), "cg-deb-package-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));
const run = (cmd: string[]) => {
  const r = Bun.spawnSync(cmd, {
    stdout: "pipe",
    stderr: "pipe",
    env: { PATH: process.env.PATH ?? "", LC_ALL: "C.UTF-8", TMPDIR: tmp },
  });
  return { code: r.exitCode, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
};

test("lintian --pedantic --info: not one finding, overridden ones aside (an unused override would be one)", () => {
  const r = run([
    "lintian",
    "--pedantic",
    "--info",
    "--display-experimental",
    "--fail-on",
    "error,warning,info,pedantic",
    deb,
  ]);
  const findings = r.stdout.split("\n").filter((l) => /^[EWIPX]: /.test(l));
  assert.equal(findings, []);
  assert.is(r.code, 0, r.stderr);
  const shown = run(["lintian", "--show-overrides", deb]).stdout;
  assert.match(shown, /^O: clusterguard: unstripped-binary-or-object \[usr\/bin\/clusterguard\]$/m);
});

test("every lintian override has its reason in a comment just above it", () => {
  const lines = readFileSync(resolve(REPO, "packaging/deb/lintian-overrides"), "utf8").split("\n");
  const overrides = lines.flatMap((l, i) => (/^clusterguard: /.test(l) ? [i] : []));
  assert.ok(overrides.length >= 2);
  for (const i of overrides) {
    let j = i - 1;
    while (j >= 0 && /^clusterguard: /.test(lines[j] ?? "")) j--;
    assert.match(lines[j] ?? "", /^# \S/, `${lines[i]}: no comment above it`);
  }
});

test("control: name, version from package.json, the initrd builder alternative, the libc from dpkg-shlibdeps", () => {
  const f = (name: string) => run(["dpkg-deb", "-f", deb, name]).stdout.trim();
  assert.is(f("Package"), "clusterguard");
  assert.is(f("Version"), VERSION);
  assert.match(f("Depends"), /^libc6 \(>= 2\.\d+\), dracut-core \| initramfs-tools, iproute2, mount$/);
  assert.is(f("Recommends"), "iputils-arping, zstd");
  assert.is(f("Suggests"), "ipmitool, bash-completion");
  assert.is(
    run(["dpkg-deb", "-I", deb, "conffiles"]).stdout.trim().split("\n").join(" "),
    "/etc/kernel/postinst.d/zz-clusterguard /etc/kernel/postrm.d/zz-clusterguard",
  );
});

test("contents: the make install layout, root-owned, the modes it sets; /etc/clusterguard 0700 and empty", () => {
  const listing = run(["dpkg-deb", "-c", deb]).stdout;
  const entries = new Map(
    listing
      .trim()
      .split("\n")
      .map((l) => {
        const [mode = "", owner = "", , , , path = ""] = l.split(/\s+/);
        return [path.replace(/^\.\//, "/").replace(/\/$/, "") || "/", `${mode} ${owner}`];
      }),
  );
  const expect: Record<string, string> = {
    "/usr/bin/clusterguard": "-rwxr-xr-x root/root",
    "/etc/clusterguard": "drwx------ root/root",
    "/etc/kernel/postinst.d/zz-clusterguard": "-rwxr-xr-x root/root",
    "/etc/kernel/postrm.d/zz-clusterguard": "-rwxr-xr-x root/root",
    "/usr/lib/kernel/install.d/60-clusterguard.install": "-rwxr-xr-x root/root",
    "/usr/lib/systemd/system/clusterguard-agent.service": "-rw-r--r-- root/root",
    "/usr/lib/dracut/modules.d/90clusterguard/module-setup.sh": "-rwxr-xr-x root/root",
    "/usr/lib/dracut/modules.d/90clusterguard/clusterguard-guard.service": "-rw-r--r-- root/root",
    "/usr/lib/dracut/modules.d/90clusterguard/kernel-modules": "-rw-r--r-- root/root",
    "/usr/share/initramfs-tools/hooks/clusterguard": "-rwxr-xr-x root/root",
    "/usr/share/initramfs-tools/scripts/local-premount/clusterguard": "-rwxr-xr-x root/root",
    "/usr/share/man/man8/clusterguard.8.gz": "-rw-r--r-- root/root",
    "/usr/share/man/man5/clusterguard.toml.5.gz": "-rw-r--r-- root/root",
    "/usr/share/bash-completion/completions/clusterguard": "-rw-r--r-- root/root",
    "/usr/share/doc/clusterguard/README.md": "-rw-r--r-- root/root",
    "/usr/share/doc/clusterguard/examples/clusterguard.toml": "-rw-r--r-- root/root",
    "/usr/share/doc/clusterguard/copyright": "-rw-r--r-- root/root",
    "/usr/share/doc/clusterguard/changelog.gz": "-rw-r--r-- root/root",
  };
  for (const [path, want] of Object.entries(expect)) assert.is(entries.get(path), want, path);
  assert.equal(
    [...entries.keys()].filter((p) => p.startsWith("/etc/clusterguard/")),
    [],
    "nothing in /etc/clusterguard",
  );
  assert.not.ok(
    [...entries.keys()].some((p) => p.includes("authkey")),
    "no authkey anywhere",
  );
  for (const v of entries.values()) assert.match(v, / root\/root$/);
});

test("the executable is shipped exactly as built: the same bytes as dist/clusterguard, not stripped", () => {
  const dir = run(["mktemp", "-d"]).stdout.trim();
  try {
    assert.is(run(["dpkg-deb", "-x", deb, dir]).code, 0);
    const sha = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");
    assert.is(sha(`${dir}/usr/bin/clusterguard`), sha(EXE), "dist/clusterguard changed since make deb? run it again");
    assert.match(run(["readelf", "-S", `${dir}/usr/bin/clusterguard`]).stdout, /\.symtab/);
  } finally {
    run(["rm", "-rf", dir]);
  }
});

test.run();
