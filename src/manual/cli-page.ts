// clusterguard(8), rendered from the command model (cli-model.ts): every command the way a user types it, with its
// arguments and options, defaults and choices as the yargs definitions give them; around them the few fixed parts
// (what the program is, exit status, where the events go, files).
import {
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_SELF_FENCED,
  EXIT_USAGE,
  STATUS_DEGRADED,
  STATUS_NOT_SERVING,
} from "../cli/exit-codes.ts";
import { SUMMARY } from "../cli/index.ts";
import { VERSION } from "../cli/version.ts";
import { type CommandInfo, type OptionInfo, leafCommands } from "./cli-model.ts";
import { arg, bold, example, header, italic, text } from "./roff.ts";

/** The placeholder for an option's value: its last word in capitals (--token-file FILE, --kver KVER). */
function placeholder(o: OptionInfo): string {
  if (o.choices) return o.choices.map((c) => italic(String(c))).join("|");
  return italic((o.name.split("-").at(-1) ?? o.name).toUpperCase());
}

/** What yargs prints as the default, in words. */
function defaultText(o: OptionInfo): string {
  if (o.required) return " (required)";
  if (o.default === undefined || o.default === "" || (o.type === "boolean" && o.default === false)) return "";
  if (o.type === "boolean") return ` (default: on; ${bold(`--no-${o.name}`)} turns it off)`;
  return ` (default: ${bold(String(o.default))})`;
}

/** One option as a tagged paragraph. */
function optionItem(o: OptionInfo): string[] {
  const value = o.type === "boolean" ? "" : ` ${placeholder(o)}`;
  return [".TP", `${bold(`--${o.name}`)}${value}`, `${text(o.describe)}${defaultText(o)}`];
}

/** The synopsis of one command: clusterguard WORDS <positionals> [options]. */
function usage(path: readonly string[], c: CommandInfo): string {
  const pos = c.positionals.map((p) => (p.required ? italic(p.name) : `[${italic(p.name)}]`));
  return [bold(`clusterguard ${path.join(" ")}`), ...pos, `[${italic("options")}]`].join(" ");
}

/** One command: its synopsis, what it does, its arguments and its own options (the global ones are listed once). */
function commandSection(path: readonly string[], c: CommandInfo, parents: readonly CommandInfo[]): string[] {
  const out = [`.SS ${arg(usage(path, c))}`, text(`${c.describe[0]?.toUpperCase() ?? ""}${c.describe.slice(1)}.`)];
  if (c.isDefault) out.push(`${bold(`clusterguard ${path.slice(0, -1).join(" ")}`)} alone runs it.`);
  for (const p of c.positionals) out.push(".TP", italic(p.name), text(p.describe));
  for (const o of [...parents.flatMap((x) => x.options), ...c.options]) out.push(...optionItem(o));
  return out;
}

const DESCRIPTION = [
  "One executable plays two parts on each node of a two-node cluster whose machines boot one system image from a",
  "shared disk. In the initrd, before the shared root file system is mounted, the guard decides whether this node",
  "is ACTIVE (the boot continues) or STANDBY (it parks there, mounts nothing and watches the ACTIVE node over",
  "serial, UDP and shared-disk heartbeats, fencing it and taking over when all of them fall silent). After the",
  "boot the agent (clusterguard-agent.service) takes the heartbeat links over from the guard, runs the service",
  "monitors and the resources, and answers the management commands below.",
];

const LOGGING = [
  "The guard writes its events to the kernel log (/dev/kmsg) as <prio>clusterguard: NODE EVENT [ROLE]: message,",
  "so they reach the console and the journal. The agent, when systemd connects its output to the journal, sends",
  "each event to journald natively: SYSLOG_IDENTIFIER=clusterguard, PRIORITY from its level, CLUSTERGUARD_EVENT",
  "(its name), CLUSTERGUARD_NODE, CLUSTERGUARD_ROLE on role changes, and its other fields as CLUSTERGUARD_NAME.",
  "Critical events also go to kmsg (all of them with agent --kmsg-events all).",
];

const QUERIES = [
  "journalctl -t clusterguard",
  "journalctl -p warning -t clusterguard",
  "journalctl CLUSTERGUARD_EVENT=role -o verbose",
];

const FILES: [string, string][] = [
  ["/etc/clusterguard/clusterguard.toml", "the configuration, the same on both nodes: clusterguard.toml(5)"],
  ["/etc/clusterguard/authkey", "the shared secret that authenticates every frame (clusterguard keygen)"],
  ["/boot/initrd.img-KVER-clusterguard", "the guard initrd of kernel KVER, beside the distribution's own"],
  ["/usr/lib/dracut/modules.d/90clusterguard", "the dracut module that puts the guard into it"],
  ["/run/clusterguard", "this boot's records, the handover socket and the management socket"],
  ["/usr/share/doc/clusterguard/README.md", "the full guide: installing, configuring, fencing, the lab"],
];

/** The whole page. */
export function renderCliPage(root: CommandInfo): string {
  const lines = [
    ...header("clusterguard", 8, VERSION, "System Administration", "src/manual/cli-page.ts from the yargs commands"),
    ".SH NAME",
    `clusterguard \\- ${text(SUMMARY.replace(/\.$/, "").replace(/^./, (c) => c.toLowerCase()))}`,
    ".SH SYNOPSIS",
    `${bold("clusterguard")} ${italic("command")} [${italic("options")}]`,
    ".SH DESCRIPTION",
    ...DESCRIPTION.map(text),
    ".SH OPTIONS",
    "These options apply to every command.",
    ...root.options.flatMap(optionItem),
    ".TP",
    `${bold("-h")}, ${bold("--help")}`,
    "Show the help of the program or of one command and exit.",
    ".TP",
    bold("--version"),
    "Print the version and exit.",
    ".SH COMMANDS",
  ];
  for (const { path, command, parents } of leafCommands(root)) lines.push(...commandSection(path, command, parents));
  lines.push(
    ".SH EXIT STATUS",
    ".TP",
    String(EXIT_OK),
    "Success.",
    text(
      "For status: the cluster is healthy: one node ACTIVE, the other STANDBY, heard on every link, every link up, no fence running or failed, activation allowed, every monitor running and up, no resource failed.",
    ),
    ".TP",
    String(EXIT_FAILURE),
    "A runtime failure: the agent could not be reached, a fence or a build failed.",
    text("For status: no answer (the agent cannot be reached, refused, or sent a report of another shape)."),
    ".TP",
    String(EXIT_USAGE),
    "A usage or configuration error: every error is printed, naming the file, key, value and what was expected.",
    ".TP",
    String(EXIT_SELF_FENCED),
    text("guard and agent with --host-mode only (tests): the node fenced itself."),
    ".TP",
    String(STATUS_DEGRADED),
    text(
      "status only: the cluster is degraded: a node is ACTIVE but something needs a look (a link down or dead, the peer not STANDBY or not heard, a fence running or failed, activation blocked, a monitor paused, stopped or down, a resource failed); the report says which.",
    ),
    ".TP",
    String(STATUS_NOT_SERVING),
    text("status only: not serving: this node is not ACTIVE and the peer is not an ACTIVE heard on a live link."),
    ".SH LOGGING",
    ...LOGGING.map(text),
    ...example(QUERIES),
    ".SH FILES",
    ...FILES.flatMap(([f, what]) => [".TP", italic(f), text(what)]),
    ".SH SEE ALSO",
    `${bold("clusterguard.toml")}(5), ${bold("dracut")}(8), ${bold("kernel-install")}(8), ${bold("journalctl")}(1)`,
  );
  return `${lines.join("\n")}\n`;
}
