// GRUB's per-machine default: /etc/grub.d/46_clusterguard_select, one snippet for every node installed with --match.
// At boot it reads the SMBIOS facts the matches name and sets `default` to the matching node's entry. The matches
// are recorded in the snippet itself (one comment line per node), so it is rewritten whole at every change and
// removed with the last match.
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { factName, formatMatch, type MachineMatch, type MatchFact } from "./match.ts";
import { fill, GRUB_SELECT_TEMPLATE } from "./templates.ts";

const RECORD = /^# node ([A-Za-z0-9_.-]+): (smbios-uuid|smbios-serial)=(.*)$/;

/** What each fact reads: the GRUB variable, and the smbios command that sets it (SMBIOS type 1, System Information). */
const READ: Record<MatchFact, { variable: string; command: string }> = {
  "smbios-uuid": { variable: "cg_uuid", command: "smbios --type 1 --get-uuid 8 --set cg_uuid" },
  "smbios-serial": { variable: "cg_serial", command: "smbios --type 1 --get-string 7 --set cg_serial" },
};

export function grubSelectScript(root: string): string {
  return join(root, "etc/grub.d/46_clusterguard_select");
}

/** The recorded matches, node -> match, in the order written (by node name). */
export function readMatches(root: string): Map<string, MachineMatch> {
  const p = grubSelectScript(root);
  const out = new Map<string, MachineMatch>();
  if (!existsSync(p)) return out;
  for (const line of readFileSync(p, "utf8").split("\n")) {
    const m = RECORD.exec(line);
    if (m?.[1] && m[2] && m[3] !== undefined) out.set(m[1], { fact: m[2] as MatchFact, value: m[3] });
  }
  return out;
}

/** Write the snippet for `matches` (removed when there is none); returns its path, or null when removed. */
export function writeSelect(root: string, matches: Map<string, MachineMatch>): string | null {
  const p = grubSelectScript(root);
  if (matches.size === 0) {
    rmSync(p, { force: true });
    return null;
  }
  writeFileSync(p, selectScript(matches));
  chmodSync(p, 0o755);
  return p;
}

/** Pure: the grub.d script for `matches`. Values are only ever inside GRUB single quotes or shell comments. */
export function selectScript(matches: Map<string, MachineMatch>): string {
  const nodes = [...matches.keys()].sort();
  const facts = (Object.keys(READ) as MatchFact[]).filter((f) => nodes.some((n) => matches.get(n)?.fact === f));
  const checks = nodes.map((n) => {
    const m = matches.get(n)!;
    const v = READ[m.fact].variable;
    return [
      `if [ "\${${v}}" = '${m.value}' ]; then`,
      `\tif [ -n "\${cg_node}" ]; then set cg_twice="\${cg_node}"; fi`,
      `\tset cg_node='${n}'`,
      `\tset cg_why="${factName(m.fact)} \${${v}}"`,
      "fi",
    ].join("\n");
  });
  return fill(GRUB_SELECT_TEMPLATE, {
    RECORDS: nodes.map((n) => `# node ${n}: ${formatMatch(matches.get(n)!)}`).join("\n"),
    SUMMARY: nodes.map((n) => `node ${n}`).join(", "),
    FACTS: facts.map((f) => `set ${READ[f].variable}=""\n${READ[f].command}`).join("\n"),
    CHECKS: checks.join("\n"),
    SHOW: facts.map((f) => `${factName(f)} \${${READ[f].variable}}`).join(", "),
  });
}
