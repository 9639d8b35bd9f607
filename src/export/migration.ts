// MIGRATION.txt: what the export wrote, what carries over and where to, what does not (parking in the initrd first:
// it is unique to clusterguard), what must be edited before the first start, the steps in order, and the commands
// that replace clusterguard's. Also the notes that belong to no single part (parking, management, machine identity).
import type { ClusterConfig } from "../config/index.ts";
import { keyPath, showValue } from "../config/index.ts";
import { TOKEN_MS } from "./corosync.ts";
import type { Mapping, Note } from "./model.ts";

/** What MIGRATION.txt is written from. */
export interface MigrationInput {
  config: ClusterConfig;
  source: string;
  /** The other files written, in order, with one line each on what they hold. */
  files: { name: string; holds: string }[];
  mappings: Mapping[];
  notes: Note[];
  /** The CIB id of the resource group (undefined when there is none). */
  group?: string;
}

/** Parking before the root is mounted: clusterguard's own, first among what does not carry over. */
export const PARKING =
  "Parking in the initrd before the root is mounted is unique to clusterguard: corosync, Pacemaker and SBD run in the booted system, so a standby node has booted and mounted its own root before the cluster decides anything. The two nodes can no longer boot one system image from the shared disk: give each node its own system disk, keep only the data (and the SBD area) on the shared disk, and let the Filesystem resources mount it on the active node alone.";

/** The notes no single part owns: parking (always), remote management, machine identity. */
export function generalNotes(config: ClusterConfig): Note[] {
  const notes: Note[] = [{ path: [], text: PARKING }];
  if (config.management.tcp_listen !== undefined) {
    notes.push({
      path: ["management", "tcp_listen"],
      value: config.management.tcp_listen,
      text: "no counterpart in this export: remote management of a Pacemaker cluster is pcsd's (pcs, TLS on port 2224) or ssh with the commands below",
    });
  }
  config.node.forEach((n, i) => {
    const key = n.machine_uuid !== undefined ? "machine_uuid" : n.machine_mac !== undefined ? "machine_mac" : undefined;
    if (key === undefined) return;
    notes.push({
      path: ["node", i, key],
      value: n[key],
      text: `not needed: each node boots its own system, whose hostname names it (corosync finds ${n.name} in the nodelist by name or address)`,
    });
  });
  return notes;
}

/** One note as a line: "key = value: text" (the general ones as their text). */
export function noteLine(n: Note): string {
  if (n.path.length === 0) return n.text;
  const value = n.value === undefined ? "" : ` = ${showValue(n.value)}`;
  return `${keyPath(n.path)}${value}: ${n.text}`;
}

/** The text of MIGRATION.txt. */
export function renderMigration(m: MigrationInput): string {
  const { config } = m;
  const [a, b] = config.node;
  const disk = config.channels.disk;
  const sbd = m.files.some((f) => f.name === "sbd");
  const mustEdit = m.notes.filter((n) => n.edit !== undefined);
  const out: string[] = [];
  const para = (text: string): void => {
    out.push(...wrap(text, "", ""), "");
  };
  const item = (text: string, bullet = "- "): void => {
    out.push(...wrap(text, bullet, " ".repeat(bullet.length)));
  };

  out.push(`Moving cluster "${config.cluster.name}" from clusterguard to Pacemaker, Corosync and SBD`, "");
  para(
    `Exported by clusterguard from ${m.source}. Pacemaker gives what clusterguard's pair cannot: more than two nodes, resources on several nodes at once, and quorum. It costs clusterguard's parking before the root is mounted, and a larger stack (corosync, Pacemaker's daemons, sbd, fence and resource agents).`,
  );
  out.push("Files");
  const width = Math.max(...m.files.map((f) => f.name.length), "MIGRATION.txt".length);
  for (const f of [...m.files, { name: "MIGRATION.txt", holds: "this file" }]) {
    out.push(`  ${f.name.padEnd(width)}  ${f.holds}`);
  }
  out.push("", "What carries over");
  for (const map of m.mappings) item(`${map.from} -> ${map.to}`);
  out.push("", "What does not carry over (also printed as warnings by the export; [edit]: act before the first start)");
  for (const n of m.notes) item(`${n.edit !== undefined ? "[edit] " : ""}${noteLine(n)}`);
  if (mustEdit.length > 0) {
    out.push("", "Before the first start, edit (each is explained above)");
    for (const n of mustEdit) item(`${keyPath(n.path)}: ${n.edit}`);
  }
  out.push("", "Steps, in order");
  const steps: string[] = [
    `Give ${a.name} and ${b.name} each its own system disk and install the stack on both: apt-get install corosync pacemaker pacemaker-cli-utils resource-agents fence-agents${sbd ? " sbd" : ""} (pcs if you want it). Leave the resources' units disabled at boot: Pacemaker starts them.`,
    ...(mustEdit.length > 0
      ? [`Edit what "Before the first start, edit" lists; grep CHANGE-ME cib.xml must print nothing.`]
      : []),
    "Check the files: crm_verify --xml-file cib.xml (exit 0, nothing printed), and on each node corosync -t -c corosync.conf (it must find the node in the nodelist by its hostname or address).",
    "Install corosync.conf as /etc/corosync/corosync.conf on both nodes; run corosync-keygen on one and copy /etc/corosync/authkey to the other (root, mode 0400).",
    `In a maintenance window: stop the services, disable clusterguard (systemctl disable clusterguard-agent; clusterguard bootloader remove --node ${a.name}, and --node ${b.name}: the guard initrd must not run again), shut both nodes down and boot each from its own system disk.`,
    ...(sbd
      ? [
          `SBD: on one node, write the header (it overwrites clusterguard's heartbeat area on ${disk.device}): the sbd create command in the sbd file, then sbd -d ${disk.device} dump; on both, install the sbd file as /etc/default/sbd (Debian) or /etc/sysconfig/sbd, make sure the watchdog device exists (modprobe softdog without a hardware one), and systemctl enable sbd (it starts with corosync).`,
        ]
      : []),
    "Start the cluster on both nodes: systemctl start corosync pacemaker (pcs cluster start --all); crm_mon -1 shows both nodes online.",
    "Load the configuration section: pcs cluster cib-push cib.xml --config, or without pcs: xmllint --xpath /cib/configuration cib.xml | cibadmin --replace --scope configuration --xml-pipe",
    `Test fencing before production: stonith_admin --list-registered, then fence each node once (stonith_admin --reboot ${b.name} from ${a.name}; once it is back, stonith_admin --reboot ${a.name} from ${b.name}).`,
    "Enable the stack at boot on both nodes: systemctl enable corosync pacemaker.",
  ];
  for (const [i, s] of steps.entries()) item(s, `${String(i + 1).padStart(2)}. `);
  out.push("", "clusterguard's commands, in Pacemaker");
  const group = m.group ?? "GROUP";
  const commands: [string, string][] = [
    ["clusterguard status / watch", "crm_mon -1 / crm_mon (and corosync-quorumtool, corosync-cfgtool -s)"],
    [
      "clusterguard standby / takeover",
      `crm_resource --move --resource ${group} --node OTHER, then crm_resource --clear --resource ${group}`,
    ],
    ["clusterguard fence PEER --confirm", "stonith_admin --reboot PEER"],
    ["clusterguard fence PEER --manual --confirm", "stonith_admin --confirm PEER"],
    [
      "clusterguard monitors pause NAME",
      "crm_resource --resource ID --meta --set-parameter is-managed --parameter-value false",
    ],
    ...(sbd
      ? ([
          ["clusterguard disk dump", `sbd -d ${disk.device} dump; sbd -d ${disk.device} list`],
          ["clusterguard disk clear --node NAME", `sbd -d ${disk.device} message NAME clear`],
        ] as [string, string][])
      : []),
  ];
  for (const [from, to] of commands) item(`${from} -> ${to}`);
  out.push(
    "",
    ...wrap(
      `Detection: corosync declares a node lost after token + consensus (1.2 x token) of silence. Corosync's token timeout of ${TOKEN_MS} ms gave 6.1 s detection on the reference machine, against clusterguard's deadtime of ${config.timers.deadtime} ms here (README, "When you outgrow two nodes").`,
      "",
      "",
    ),
  );
  return `${out.join("\n")}\n`;
}

/** `text` wrapped at 100 columns, the first line after `first`, the others after `rest`. */
function wrap(text: string, first: string, rest: string): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/ +/)) {
    if (!empty && line.length + 1 + word.length > 100) {
      lines.push(line);
      line = rest + word;
    } else line += empty ? word : ` ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}
