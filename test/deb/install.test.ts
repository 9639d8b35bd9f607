// dpkg -i of the built .deb on a throwaway Debian 12 (the lab's base root file system under an overlay, chrooted:
// dracut installed, no Bun, no npm): the files land with their modes, the executable runs, the agent's unit is
// enabled; then dpkg -r and dpkg -P take the package away and leave the admin's files alone.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { builtDeb, VERSION } from "../helpers/deb.ts";
import { OverlayRoot } from "../helpers/overlay-root.ts";

const IN_ROOT = "/tmp/clusterguard.deb";
const deb: [string, string][] = [[builtDeb(), IN_ROOT]];
const WANTS = "/etc/systemd/system/sysinit.target.wants/clusterguard-agent.service";
let sys: OverlayRoot;
test.before(() => {
  sys = new OverlayRoot();
});
test.after(() => sys?.dispose());

/** Run `script` in the system; fails the test when it fails. */
function sh(script: string, binds: [string, string][] = []): string {
  const r = sys.run(script, binds);
  assert.is(r.code, 0, `${script}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

test("the system has neither Bun nor npm nor node, and no clusterguard", () => {
  assert.is(
    sh("for c in bun npm node clusterguard; do command -v $c || echo no $c; done"),
    "no bun\nno npm\nno node\nno clusterguard\n",
  );
});

test("dpkg -i installs it: its dependencies are met by Debian 12 with dracut, and it says what to do next", () => {
  const out = sh(`dpkg -i ${IN_ROOT} 2>&1`, deb);
  assert.match(out, `Setting up clusterguard (${VERSION}) ...`);
  assert.match(out, "clusterguard: next steps: clusterguard keygen");
  assert.is(
    sh("dpkg -s clusterguard | sed -n 's/^Status: //p; s/^Version: //p'"),
    `install ok installed\n${VERSION}\n`,
  );
});

test("the files land with their owners and modes; /etc/clusterguard is root's alone and holds no authkey", () => {
  const paths = [
    "/usr/bin/clusterguard",
    "/etc/clusterguard",
    "/etc/kernel/postinst.d/zz-clusterguard",
    "/etc/kernel/postrm.d/zz-clusterguard",
    "/usr/lib/kernel/install.d/60-clusterguard.install",
    "/usr/lib/systemd/system/clusterguard-agent.service",
    "/usr/lib/dracut/modules.d/90clusterguard/module-setup.sh",
    "/usr/lib/dracut/modules.d/90clusterguard/sysroot-mount.conf",
    "/usr/share/initramfs-tools/hooks/clusterguard",
    "/usr/share/initramfs-tools/scripts/local-premount/clusterguard",
    "/usr/share/man/man8/clusterguard.8.gz",
    "/usr/share/man/man5/clusterguard.toml.5.gz",
    "/usr/share/bash-completion/completions/clusterguard",
    "/usr/share/doc/clusterguard/examples/clusterguard.toml",
  ];
  assert.is(
    sh(`stat -c '%a %U:%G %n' ${paths.join(" ")}`),
    [
      "755 root:root /usr/bin/clusterguard",
      "700 root:root /etc/clusterguard",
      "755 root:root /etc/kernel/postinst.d/zz-clusterguard",
      "755 root:root /etc/kernel/postrm.d/zz-clusterguard",
      "755 root:root /usr/lib/kernel/install.d/60-clusterguard.install",
      "644 root:root /usr/lib/systemd/system/clusterguard-agent.service",
      "755 root:root /usr/lib/dracut/modules.d/90clusterguard/module-setup.sh",
      "644 root:root /usr/lib/dracut/modules.d/90clusterguard/sysroot-mount.conf",
      "755 root:root /usr/share/initramfs-tools/hooks/clusterguard",
      "755 root:root /usr/share/initramfs-tools/scripts/local-premount/clusterguard",
      "644 root:root /usr/share/man/man8/clusterguard.8.gz",
      "644 root:root /usr/share/man/man5/clusterguard.toml.5.gz",
      "644 root:root /usr/share/bash-completion/completions/clusterguard",
      "644 root:root /usr/share/doc/clusterguard/examples/clusterguard.toml",
      "",
    ].join("\n"),
  );
  assert.is(sh("ls -A /etc/clusterguard"), "");
});

test("clusterguard --version runs from the package, with no Bun or npm on the system", () => {
  assert.is(sh("clusterguard --version"), `${VERSION}\n`);
  assert.match(sh("clusterguard version"), new RegExp(`^clusterguard ${VERSION.replace(/\./g, "\\.")} \\(bun \\d`));
  assert.match(
    sh("clusterguard config check --config /usr/share/doc/clusterguard/examples/clusterguard.toml 2>&1 || true"),
    "/etc/clusterguard/authkey",
  );
});

test("the agent's unit is enabled (wanted by sysinit.target), and it waits for a configuration", () => {
  assert.match(sh(`readlink ${WANTS}`), /\/systemd\/system\/clusterguard-agent\.service\n$/);
  assert.match(
    sh("cat /usr/lib/systemd/system/clusterguard-agent.service"),
    /^ConditionPathExists=\/etc\/clusterguard\/clusterguard\.toml$/m,
  );
});

test("an upgrade with guard initrds in /boot says they still hold the old clusterguard", () => {
  const out = sh(
    `touch /boot/initrd.img-1.2.3-clusterguard && dpkg -i ${IN_ROOT} 2>&1; rm /boot/initrd.img-1.2.3-clusterguard`,
    deb,
  );
  assert.match(
    out,
    `clusterguard: the guard initrds in /boot still hold clusterguard ${VERSION}: run 'clusterguard initrd regenerate'`,
  );
});

test("dpkg -r removes the program, keeps the admin's authkey and the kernel hooks (configuration files), which then do nothing", () => {
  sh("clusterguard keygen >/dev/null && test -f /etc/clusterguard/authkey");
  const out = sh("dpkg -r clusterguard 2>&1");
  assert.match(out, "Removing clusterguard");
  assert.is(
    sh(
      "for f in /usr/bin/clusterguard /usr/lib/dracut/modules.d/90clusterguard /usr/share/man/man8/clusterguard.8.gz; do test -e $f && echo $f; done; true",
    ),
    "",
  );
  assert.is(sh("stat -c '%a %n' /etc/clusterguard/authkey"), "600 /etc/clusterguard/authkey\n");
  assert.is(sh("/etc/kernel/postinst.d/zz-clusterguard 6.1.0-99-amd64 2>&1; echo rc=$?"), "rc=0\n");
  assert.is(sh("dpkg -s clusterguard | sed -n 's/^Status: //p'"), "deinstall ok config-files\n");
});

test("dpkg -P forgets the package, its hooks and its unit's enablement, and still leaves the admin's files", () => {
  sh("dpkg -P clusterguard 2>&1");
  assert.is(
    sh(
      `for f in /etc/kernel/postinst.d/zz-clusterguard /etc/kernel/postrm.d/zz-clusterguard ${WANTS} /etc/systemd/system/clusterguard-agent.service; do test -e $f -o -L $f && echo $f; done; true`,
    ),
    "",
  );
  assert.is(sh("ls -A /etc/clusterguard"), "authkey\n");
  assert.match(sh("dpkg -s clusterguard 2>&1 || true"), "package 'clusterguard' is not installed");
});

test.run();
