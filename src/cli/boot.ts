// Booting into the guard: `clusterguard initrd regenerate` builds the guard initrd (dracut or initramfs-tools) and
// verifies it, `initrd needs` lists what the fence levels need in it (the dracut module and the initramfs-tools hook
// install that list);
// `clusterguard bootloader install|remove|list` keeps a boot entry "clusterguard (node NAME)" per node.
import type { Argv } from "yargs";
import { bootInstall, bootList, bootRemove } from "../boot/bootloader.ts";
import { initrdNeeds } from "../boot/initrd-needs.ts";
import { BootUsageError } from "../boot/match.ts";
import type { VerifyResult } from "../boot/initrd-verify.ts";
import { type Compression, COMPRESSIONS } from "../boot/compression.ts";
import { bytesText } from "../boot/install-image.ts";
import { type InitrdKind, regenerate } from "../boot/regenerate.ts";
import { formatConfigError, loadConfig } from "../config/index.ts";
import { errorText } from "../log/logger.ts";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./exit-codes.ts";

/** Register `bootloader install|remove|list`. */
export function bootloaderCommand(y: Argv, setExit: (code: number) => void): Argv {
  const common = (b: Argv) =>
    b
      .option("node", { type: "string", describe: "the node the entry boots as (rd.clusterguard.node=NAME)" })
      .option("root", { type: "string", default: "/", describe: "act on a system tree mounted or unpacked here" })
      // Declared as "update": yargs reads --no-update as its negation (an option named "no-update" is never set).
      .option("update", { type: "boolean", default: true, describe: "GRUB: run update-grub (--no-update: do not)" });
  const fail = (e: unknown) => {
    console.error(`clusterguard bootloader: ${errorText(e)}`);
    setExit(e instanceof BootUsageError ? EXIT_USAGE : EXIT_FAILURE);
  };
  return y.command("bootloader <action>", "boot entries per node (GRUB or Boot Loader Specification)", (a) =>
    a
      .command(
        "install",
        "add or refresh the entry for --node; the default entry is untouched unless --set-default",
        (b) =>
          common(b)
            .option("args", {
              type: "string",
              default: "",
              describe: "more kernel arguments, e.g. rd.clusterguard.address=192.168.100.1/24",
            })
            .option("match", {
              type: "string",
              describe:
                "GRUB: the machine that boots this node, smbios-uuid=UUID or smbios-serial=SERIAL (cat /sys/class/dmi/id/product_uuid); each node its own",
            })
            .option("set-default", {
              type: "boolean",
              default: false,
              describe:
                "make this entry the default: GRUB: in the shared grubenv; systemd-boot: in THIS machine's NVRAM (run it on each machine)",
            })
            .option("once", {
              type: "boolean",
              default: false,
              describe:
                "boot this entry once (grub-reboot, needs GRUB_DEFAULT=saved; systemd-boot: bootctl set-oneshot)",
            })
            .demandOption("node"),
        async (argv) => {
          try {
            const r = await bootInstall({
              root: String(argv.root),
              node: String(argv.node),
              args: String(argv.args),
              ...(argv.match === undefined ? {} : { match: String(argv.match) }),
              setDefault: Boolean(argv["set-default"]),
              once: Boolean(argv.once),
              update: argv.update !== false,
            });
            for (const l of r.lines) console.log(`${r.kind}: ${l}`);
            setExit(EXIT_OK);
          } catch (e) {
            fail(e);
          }
        },
      )
      .command(
        "remove",
        "remove the entry for --node (all nodes without it) and undo --set-default/--once",
        common,
        async (argv) => {
          try {
            const r = await bootRemove({
              root: String(argv.root),
              ...(argv.node ? { node: String(argv.node) } : {}),
              update: argv.update !== false,
            });
            for (const l of r.lines) console.log(`${r.kind}: ${l}`);
            setExit(EXIT_OK);
          } catch (e) {
            fail(e);
          }
        },
      )
      .command("list", "each node's entry and how a machine lands on it", common, (argv) => {
        try {
          const r = bootList(String(argv.root));
          console.log(
            r.entries.length
              ? r.entries
                  .map(
                    (e) =>
                      `${r.kind}: clusterguard (node ${e.node}), id ${e.id}${e.installed ? "" : " (NO ENTRY: install it again)"}, ${e.selection}`,
                  )
                  .join("\n")
              : `${r.kind}: no clusterguard entry`,
          );
          setExit(EXIT_OK);
        } catch (e) {
          fail(e);
        }
      })
      .demandCommand(1, "name an action: install, remove or list"),
  );
}

/** What starts the guard in each kind of initrd. */
const ENTRY: Record<VerifyResult["kind"], string> = {
  systemd: "clusterguard-guard.service",
  shell: "pre-mount hook",
  "initramfs-tools": "local-premount script",
  unknown: "nothing that starts the guard",
};

/** Register `initrd regenerate`. */
export function initrdCommand(y: Argv, setExit: (code: number) => void): Argv {
  return y.command("initrd <action>", "build the guard initrd", (a) =>
    a
      .command(
        "regenerate",
        "build the guard initrd for a kernel with dracut or initramfs-tools, beside (never over) the distro's initrd, and verify the result",
        (b) =>
          b
            .option("kver", {
              type: "string",
              describe: "kernel version (default: the running kernel; with --root: the newest installed)",
            })
            .option("output", {
              type: "string",
              describe: "the image to write (default: /boot/initrd.img-KVER-clusterguard)",
            })
            .option("root", {
              type: "string",
              default: "/",
              describe: "act on a system tree mounted or unpacked here (chroot)",
            })
            .option("kind", {
              choices: ["auto", "systemd", "shell", "initramfs-tools"] as const,
              default: "auto" as const,
              describe:
                "initrd builder and flavour: the system's builder (initramfs-tools when mkinitramfs is installed and dracut is not; dracut's default otherwise), dracut systemd-based, a lean dracut shell initrd, or initramfs-tools",
            })
            .option("overwrite-default", {
              type: "boolean",
              default: false,
              describe: "allow --output to be the distro's default initrd",
            })
            .option("compress", {
              choices: [...COMPRESSIONS],
              describe:
                "compress the image so instead of the best the kernel unpacks (zstd, then xz, then gzip, per CONFIG_RD_* in /boot/config-KVER); refused if the kernel cannot unpack it",
            }),
        async (argv) => {
          const r = await regenerate({
            root: String(argv.root),
            ...(argv.kver ? { kver: String(argv.kver) } : {}),
            ...(argv.output ? { output: String(argv.output) } : {}),
            ...(argv.compress ? { compress: argv.compress as Compression } : {}),
            kind: argv.kind as InitrdKind,
            overwriteDefault: Boolean(argv["overwrite-default"]),
            warn: (w) => console.error(`clusterguard initrd regenerate: warning: ${w}`),
          });
          if (!r.ok) {
            console.error(`clusterguard initrd regenerate: ${r.error}`);
            if (r.output)
              console.error(`--- the initrd builder said (last lines):\n${r.output.split("\n").slice(-40).join("\n")}`);
            return setExit(r.usage ? EXIT_USAGE : EXIT_FAILURE);
          }
          console.log(
            `built ${r.output} for kernel ${r.kver} in ${r.seconds} s (${r.verify.kind} initrd, ${r.verify.files} files, ${bytesText(r.bytes)})`,
          );
          console.log(`builder: ${r.builder} (${r.why})`);
          console.log(`compression: ${r.compression.shown} (${r.compression.reason})`);
          console.log(r.command.join(" "));
          console.log(
            `verified: executable sha256 ${r.verify.exeSha256?.slice(0, 16)}… unstripped, config, authkey, ${ENTRY[r.verify.kind]} present`,
          );
          if (r.needs.length > 0)
            console.log(`verified for the fence levels: ${r.needs.map((n) => `${n.path} (${n.kind})`).join(", ")}`);
          setExit(EXIT_OK);
        },
      )
      .command(
        "needs",
        "list what the fence levels need inside the guard initrd, one per line: KIND (tool, secret, file), PATH, KEY",
        (b) => b,
        (argv) => {
          const loaded = loadConfig(String(argv.config));
          if (!loaded.ok) {
            for (const e of loaded.errors) console.error(formatConfigError(e));
            return setExit(EXIT_USAGE);
          }
          for (const n of initrdNeeds(loaded.config)) console.log(`${n.kind}\t${n.path}\t${n.key}`);
          setExit(EXIT_OK);
        },
      )
      .demandCommand(1, "name an action: regenerate or needs"),
  );
}
