// The initramfs-tools local-premount script keeps the dracut hook's fail-safe rules: it returns (and init mounts the
// root) only once the guard decided ACTIVE; a STANDBY parks it; rd.clusterguard=0 skips the guard; a guard that stops
// without deciding never lets it return, even when initramfs-tools' panic does. Run for real with bash in a
// throwaway Debian 12 (the lab's base under an overlay), with the shipped script and shared library at their paths
// in the initrd, stand-ins for the guard launcher and for initramfs-tools' /scripts/functions, and the kernel
// command line bound over /proc/cmdline. And what the guard and the agent are started with: MIMALLOC_PURGE_DELAY=-1,
// so the runtime's allocator runs no purge thread that would wake an idle guard (guard-initrd.sh for real, with a
// stand-in executable that records its environment; the agent's unit as systemd reads its Environment= lines).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { OverlayRoot } from "../helpers/overlay-root.ts";

const REPO = resolve(import.meta.dir, "../..");
const SCRIPT = "/scripts/local-premount/clusterguard";
const tmp = mkdtempSync("/tmp/cg-premount-");

/** A file in the scratch folder, executable. */
function file(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  chmodSync(p, 0o755);
  return p;
}

// initramfs-tools' panic runs a shell and returns once it exits: this one returns, and ends the run at its 2nd call.
const FUNCTIONS = file(
  "functions",
  `log_warning_msg() { echo "warning: $*"; }
log_success_msg() { echo "success: $*"; }
panic() { echo "panic: $*"; n=$((\${n:-0} + 1)); [ "$n" -lt 2 ] || exit 42; }
`,
);
/** Launchers standing in for guard-initrd.sh: each notes that it ran; only "active" decides ACTIVE. */
const GUARDS = {
  // (each ends in exec or exit: nothing holds its bound file open once the run ends)
  active: file(
    "active",
    "#!/bin/bash\necho ran > /tmp/guard-ran\nsleep 0.5\nmkdir -p /run/clusterguard\n: > /run/clusterguard/active\n",
  ),
  dies: file("dies", "#!/bin/bash\necho ran > /tmp/guard-ran\nexit 1\n"),
  undecided: file("undecided", "#!/bin/bash\necho ran > /tmp/guard-ran\nexec sleep 4\n"),
};

let sys: OverlayRoot;
test.before(() => {
  sys = new OverlayRoot();
});
test.after(() => {
  sys?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

/** Run the script (under `timeout` seconds) with a guard stand-in and a kernel command line. */
function premount(guard: keyof typeof GUARDS, cmdline: string, timeout = 20) {
  const cmd = file("cmdline", `${cmdline}\n`);
  const r = sys.run(
    `rm -f /tmp/guard-ran; timeout ${timeout} ${SCRIPT}; echo "rc=$?"; cat /tmp/guard-ran 2> /dev/null || echo not-ran`,
    [
      [join(REPO, "initrd/initramfs-tools/scripts/local-premount/clusterguard"), SCRIPT],
      [FUNCTIONS, "/scripts/functions"],
      [join(REPO, "dracut-module/90clusterguard/clusterguard-lib.sh"), "/usr/lib/clusterguard/clusterguard-lib.sh"],
      [GUARDS[guard], "/usr/lib/clusterguard/guard-initrd.sh"],
      [cmd, "/proc/cmdline"],
    ],
  );
  assert.is(r.code, 0, r.stderr);
  const [, rc, ran] = /rc=(\d+)\n(\S+)\s*$/.exec(r.stdout) ?? [];
  return { rc, ran, out: r.stdout };
}

test("the script answers initramfs-tools' prereqs query with no prerequisites and starts nothing", () => {
  const r = sys.run(`${SCRIPT} prereqs; echo "rc=$?"`, [
    [join(REPO, "initrd/initramfs-tools/scripts/local-premount/clusterguard"), SCRIPT],
  ]);
  assert.is(r.stdout, "\nrc=0\n");
});

test("ACTIVE: the script returns 0 (init goes on to mount the root) once the guard decided so", () => {
  const r = premount("active", "root=/dev/vda1 ro");
  assert.is(r.rc, "0", r.out);
  assert.is(r.ran, "ran");
  assert.match(r.out, "success: clusterguard: ACTIVE, continuing the boot");
});

test("STANDBY (no decision yet): the script does not return, so the shared root is not mounted", () => {
  const r = premount("undecided", "root=/dev/vda1 ro", 2);
  assert.is(r.rc, "124", "still waiting when timeout killed it");
  assert.not.match(r.out, "success:");
});

test("a guard that stops without deciding: panic, and when panic returns, panic again; never a return", () => {
  const r = premount("dies", "root=/dev/vda1 ro");
  assert.is(r.rc, "42", r.out);
  assert.is(
    r.out.split("\n").filter((l) => l.startsWith("panic: ")).length,
    2,
    "panicked again after the first panic returned",
  );
  assert.match(r.out, "panic: clusterguard: the guard stopped without deciding ACTIVE; the shared root is NOT mounted");
  assert.not.match(r.out, "success:");
});

test("rd.clusterguard=0, =no, =off: the guard is skipped with a warning and the boot goes on", () => {
  for (const off of ["rd.clusterguard=0", 'rd.clusterguard="no"', "rd.clusterguard=off"]) {
    const r = premount("dies", `root=/dev/vda1 ${off} quiet`);
    assert.is(r.rc, "0", off);
    assert.is(r.ran, "not-ran", off);
    assert.match(r.out, "warning: clusterguard: rd.clusterguard=0, =no or =off on the kernel command line");
  }
});

test("rd.clusterguard=1 or a look-alike word does not skip it", () => {
  for (const on of ["rd.clusterguard=1", "rd.clusterguard=0x", "xrd.clusterguard=0"]) {
    const r = premount("active", `root=/dev/vda1 ${on}`);
    assert.is(r.ran, "ran", on);
    assert.is(r.rc, "0", on);
  }
});

test("guard-initrd.sh starts the guard with MIMALLOC_PURGE_DELAY=-1", () => {
  // Records what it was started with, then decides ACTIVE and exits (the launcher then stops: heartbeats ended).
  const exe = file(
    "clusterguard",
    `#!/bin/bash\necho "purge=\${MIMALLOC_PURGE_DELAY-unset} args=$*" > /tmp/guard-env\nmkdir -p /run/clusterguard\n: > /run/clusterguard/active\nexit 0\n`,
  );
  const r = sys.run("timeout 20 /usr/lib/clusterguard/guard-initrd.sh > /dev/null 2>&1; cat /tmp/guard-env", [
    [join(REPO, "dracut-module/90clusterguard/guard-initrd.sh"), "/usr/lib/clusterguard/guard-initrd.sh"],
    [exe, "/usr/lib/clusterguard/clusterguard"],
  ]);
  assert.is(r.stdout.trim(), "purge=-1 args=guard --log-format=human", r.stderr);
});

test("the agent's unit sets MIMALLOC_PURGE_DELAY=-1 for its service", () => {
  const unit = readFileSync(join(REPO, "initrd/systemd/clusterguard-agent.service"), "utf8");
  const service = unit.slice(unit.indexOf("[Service]"));
  const env = [...service.matchAll(/^Environment=(.*)$/gm)].flatMap((m) => m[1]!.split(/\s+/));
  assert.ok(env.includes("MIMALLOC_PURGE_DELAY=-1"), env.join(" "));
});

test.run();
