// `clusterguard initrd regenerate`: build the guard initrd with dracut and verify it.
import type { Argv } from "yargs";
import { type InitrdKind, regenerate } from "../boot/regenerate.ts";
import { EXIT_FAILURE, EXIT_OK } from "./exit-codes.ts";

/** Register `initrd regenerate`. */
export function initrdCommand(y: Argv, setExit: (code: number) => void): Argv {
  return y.command("initrd <action>", "build the guard initrd", (a) =>
    a
      .command(
        "regenerate",
        "run dracut with the clusterguard module for a kernel, beside (never over) the distro's initrd, and verify the result",
        (b) =>
          b
            .option("kver", { type: "string", describe: "kernel version (default: the running kernel; with --root: the newest installed)" })
            .option("output", { type: "string", describe: "the image to write (default: /boot/initrd.img-KVER-clusterguard)" })
            .option("root", { type: "string", default: "/", describe: "act on a system tree mounted or unpacked here (chroot)" })
            .option("kind", { choices: ["auto", "systemd", "shell"] as const, default: "auto" as const, describe: "initrd flavour: dracut's default, systemd-based, or a lean shell initrd" })
            .option("overwrite-default", { type: "boolean", default: false, describe: "allow --output to be the distro's default initrd" }),
        async (argv) => {
          const r = await regenerate({
            root: String(argv.root),
            ...(argv.kver ? { kver: String(argv.kver) } : {}),
            ...(argv.output ? { output: String(argv.output) } : {}),
            kind: argv.kind as InitrdKind,
            overwriteDefault: Boolean(argv["overwrite-default"]),
          });
          if (!r.ok) {
            console.error(`clusterguard initrd regenerate: ${r.error}`);
            if (r.output) console.error(`--- dracut said (last lines):\n${r.output.split("\n").slice(-40).join("\n")}`);
            return setExit(EXIT_FAILURE);
          }
          console.log(`built ${r.output} for kernel ${r.kver} in ${r.seconds} s (${r.verify.kind} initrd, ${r.verify.files} files)`);
          console.log(`dracut ${r.dracutArgs.join(" ")}`);
          console.log(`verified: executable sha256 ${r.verify.exeSha256?.slice(0, 16)}… unstripped, config, authkey, ${r.verify.kind === "systemd" ? "clusterguard-guard.service" : "pre-mount hook"} present`);
          setExit(EXIT_OK);
        },
      )
      .demandCommand(1, "name an action: regenerate"),
  );
}
