// The configuration and the authkey: `clusterguard config check` validates both files and prints the effective config
// or every error; `clusterguard keygen` writes a fresh random authkey, root-owned, mode 0600.
import type { Argv } from "yargs";
import { initrdCopyDrift, runningGuardInitrd } from "../boot/initrd-config.ts";
import { initrdProblems } from "../boot/initrd-needs.ts";
import {
  type ClusterConfig,
  type ConfigError,
  checkConfigSecrets,
  formatConfigError,
  type LineMap,
  readSecretOrWhy,
  renderEffective,
  writeAuthkey,
} from "../config/index.ts";
import { tokenProblem } from "../mgmt/auth.ts";
import { serialHazard } from "../node/bootstrap.ts";
import { consoleHazard } from "../sys/firmware-console.ts";
import { hookFileProblem } from "../notify/hooks.ts";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./exit-codes.ts";
import { type BothResult, loadBoth } from "./load-both.ts";

/** Register `config check`. */
export function configCheckCommand(y: Argv, setExit: (code: number) => void): Argv {
  return y.command("config <action>", "check the configuration and the authkey", (a) =>
    a
      .command(
        "check",
        "validate clusterguard.toml and the authkey; print the effective configuration or every error",
        (b) =>
          b.option("json", { type: "boolean", default: false, describe: "print the result as JSON" }).option("initrd", {
            type: "string",
            describe:
              "the guard initrd to compare the config and authkey with (default: the running kernel's, when one was built)",
          }),
        async (argv) => {
          const both = loadBoth(String(argv.config), String(argv.authkey));
          // The guard runs with the initrd's copies: an edit since the image was built is a warning until regenerated.
          const image = argv.initrd === undefined ? runningGuardInitrd() : String(argv.initrd);
          if (both.ok && image !== null) {
            const drift = await initrdCopyDrift(image, both.config, both.key);
            if (drift) both.warnings.push(drift);
          }
          const r = checkConfig(both, String(argv.config));
          if (argv.json) {
            console.log(
              JSON.stringify(
                r.ok
                  ? { ok: true, warnings: r.warnings, config: r.config }
                  : {
                      ok: false,
                      warnings: r.warnings,
                      errors: r.errors.map((e) => ({ ...e, message: formatConfigError(e) })),
                    },
              ),
            );
          } else {
            for (const w of r.warnings) console.error(`warning: ${w}`);
            if (r.ok)
              process.stdout.write(
                renderEffective(r.config, {
                  authkey: r.key,
                  authkeyPath: String(argv.authkey),
                  source: String(argv.config),
                }),
              );
            else {
              for (const e of r.errors) console.error(formatConfigError(e));
              console.error(`${r.errors.length} error(s); nothing was changed`);
            }
          }
          setExit(r.ok ? EXIT_OK : EXIT_USAGE);
        },
      )
      .demandCommand(1, "name an action: check"),
  );
}

/**
 * What `config check` finds beyond loading: the initrd warnings and the secret files' problems. The web console's
 * configurator checks an edit through this too, so both say the same FILE:LINE messages.
 */
export function checkConfig(
  both: BothResult,
  file: string,
  hazard: (device: string) => string | null = consoleHazard,
): BothResult {
  // What the initrd could not hold for a fence level (ipmitool, a CA bundle) is a warning here, as an unreachable
  // BMC is; regenerate refuses all of them.
  if (both.config !== undefined) both.warnings.push(...initrdWarnings(both.config, file, both.lines));
  // A serial port this machine's firmware reads as its keyboard: the guard refuses it here (a warning: the check may
  // run on another machine than the nodes, whose firmware is what counts).
  const port = both.config === undefined ? null : serialHazard(both.config, { hostMode: false, links: {} }, hazard);
  if (port) {
    const line = both.lines?.get(["channels", "serial", "device"]);
    both.warnings.push(
      `${line === undefined ? file : `${file}:${line}`}: channels.serial.device = "${port.device}": ${port.why}; the guard refuses to start on this machine`,
    );
  }
  // The secret files the config names follow the authkey's rules; here they are checked before any run needs them.
  const secrets = both.config === undefined ? [] : checkConfigSecrets(both.config, 0);
  // Notify hooks run as root: a hook file others could rewrite is refused here as at run time.
  if (both.config !== undefined) secrets.push(...hookErrors(both.config, file, both.lines));
  // The console's tokens: none trivially weak, and the read-only one not the full-access one.
  if (both.config !== undefined && secrets.length === 0) secrets.push(...tokenErrors(both.config));
  if (secrets.length === 0) return both;
  return { ok: false, errors: [...(both.ok ? [] : both.errors), ...secrets], warnings: both.warnings };
}

/** A ConfigError for each [[notify]] hook whose file others could have written. */
function hookErrors(config: ClusterConfig, file: string, lines: LineMap | undefined): ConfigError[] {
  return config.notify.flatMap((h, i) => {
    const why = hookFileProblem(h.command);
    const line = lines?.get(["notify", i, "command"]);
    return why === null
      ? []
      : [
          {
            file,
            ...(line === undefined ? {} : { line }),
            key: `notify[${i}].command`,
            problem: why,
            expected: "a hook file only root can write",
          },
        ];
  });
}

/** Each token file's weak token, and a read-only token equal to the management token. */
function tokenErrors(config: ClusterConfig): ConfigError[] {
  const files: [string, string | undefined][] = [
    ["management.token_file", config.management.token_file],
    ["web.readonly_token_file", config.web.readonly_token_file],
  ];
  const tokens = new Map<string, string>();
  const errors: ConfigError[] = [];
  for (const [key, path] of files) {
    if (path === undefined) continue;
    const got = readSecretOrWhy(path, { requireUid: 0, holding: "the access token", configKey: key });
    if ("why" in got) continue;
    const token = Buffer.from(got.bytes).toString("utf8").trim();
    const problem = tokenProblem(token);
    if (problem !== null) errors.push({ file: path, key, problem, expected: "a long random token" });
    tokens.set(key, token);
  }
  const ro = tokens.get("web.readonly_token_file");
  if (ro !== undefined && ro === tokens.get("management.token_file"))
    errors.push({
      file: config.web.readonly_token_file ?? "",
      key: "web.readonly_token_file",
      problem: "holds the same token as management.token_file",
      expected: "a token of its own (else a read-only login has full access)",
    });
  return errors;
}

/** The initrd problems a config check has not reported yet (tools, CA bundles), as FILE:LINE: KEY: message. */
function initrdWarnings(config: ClusterConfig, file: string, lines: LineMap | undefined): string[] {
  return initrdProblems(config)
    .filter((p) => p.kind === "tool" || p.kind === "file")
    .map((p) => {
      const line = [p.segs.length, p.segs.length - 1].map((n) => lines?.get(p.segs.slice(0, n))).find((l) => l);
      return `${line === undefined ? file : `${file}:${line}`}: ${p.key}: ${p.message}`;
    });
}

/** Register `keygen`. */
export function keygenCommand(y: Argv, setExit: (code: number) => void): Argv {
  return y.command(
    "keygen",
    "write a fresh random authkey (mode 0600) to --authkey; copy the same file to both nodes",
    (a) => a.option("force", { type: "boolean", default: false, describe: "replace an existing key" }),
    (argv) => {
      const path = String(argv.authkey);
      const r = writeAuthkey(path, { force: Boolean(argv.force) });
      if (r.ok) {
        console.log(`wrote ${path} (mode 0600); copy it to the other node`);
        setExit(EXIT_OK);
      } else {
        for (const e of r.errors) console.error(formatConfigError(e));
        setExit(EXIT_FAILURE);
      }
    },
  );
}
