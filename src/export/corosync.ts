// corosync.conf for the same pair: knet, one link per heartbeat address (the [[node]] address fields: link 0), both
// nodes in the nodelist with the ids the CIB uses, and votequorum with two_node: 1 (a lone survivor keeps quorum)
// and wait_for_all from fencing.wait_for_all. Corosync's links are IP only: the serial cable has no counterpart.
import type { ClusterConfig } from "../config/index.ts";
import { type Findings, findings } from "./model.ts";

/** The file's text, and what the mapping found. */
export interface CorosyncPart extends Findings {
  text: string;
}

/** Corosync's default token timeout (ms); the detection figure in MIGRATION.txt and the README is for this value. */
export const TOKEN_MS = 3000;
/** knet's default UDP port. */
const KNET_PORT = 5405;

/** The nodeid of config.node[i]: 1 and 2, in file order (the CIB's node ids are the same). */
export function nodeId(i: number): number {
  return i + 1;
}

/** corosync.conf for `config`; `source` names the clusterguard config in the header comment. */
export function exportCorosync(config: ClusterConfig, source: string): CorosyncPart {
  const part: CorosyncPart = { ...findings(), text: "" };
  config.node.forEach((n, i) => {
    if (n.address === undefined) {
      part.refusals.push({
        path: ["node", i, "address"],
        problem: "missing",
        expected:
          "the node's heartbeat IP address (corosync's knet link 0 runs between the two [[node]] addresses; channels.udp uses the same field)",
      });
    }
  });
  if (part.refusals.length > 0) return part;
  const { channels, fencing, timers } = config;
  const nodes = config.node.map(
    (n, i) => `    node {
        ring0_addr: ${n.address}
        name: ${n.name}
        nodeid: ${nodeId(i)}
    }
`,
  );
  part.text = `# corosync.conf for cluster "${config.cluster.name}", exported by clusterguard from ${oneLine(source)}.
# Install as /etc/corosync/corosync.conf on both nodes, with one /etc/corosync/authkey (corosync-keygen) copied to
# both: see MIGRATION.txt.
totem {
    version: 2
    cluster_name: ${config.cluster.name}
    transport: knet
    crypto_cipher: aes256
    crypto_hash: sha256
    # a node is declared lost after token + consensus (1.2 x token) of silence
    token: ${TOKEN_MS}
    interface {
        linknumber: 0
        knet_transport: udp
    }
}

nodelist {
${nodes.join("")}}

quorum {
    provider: corosync_votequorum
    # two nodes: the survivor of a failure keeps quorum (fencing decides, as in clusterguard)
    two_node: 1
    # fencing.wait_for_all = ${fencing.wait_for_all}
    wait_for_all: ${fencing.wait_for_all ? 1 : 0}
}

logging {
    to_logfile: yes
    logfile: /var/log/corosync/corosync.log
    to_syslog: yes
    timestamp: on
}
`;
  const addresses = config.node.map((n) => `${n.name} ${n.address}`).join(", ");
  part.mappings.push({ from: `[[node]] address (${addresses})`, to: "knet link 0 (ring0_addr), nodeid 1 and 2" });
  part.mappings.push({
    from: `fencing.wait_for_all = ${fencing.wait_for_all}`,
    to: `quorum wait_for_all: ${fencing.wait_for_all ? 1 : 0}, beside two_node: 1`,
  });
  if (channels.udp.enabled && channels.udp.port !== KNET_PORT) {
    part.notes.push({
      path: ["channels", "udp", "port"],
      value: channels.udp.port,
      text: `knet uses UDP port ${KNET_PORT} (and the next one): open it between the nodes; this port is no longer used`,
    });
  }
  if (channels.serial.enabled) {
    part.notes.push({
      path: ["channels", "serial", "enabled"],
      value: true,
      text: `no counterpart: corosync's links are IP only, so the serial cable (${channels.serial.device}) no longer carries heartbeats; a second knet link needs a second IP network (ring1_addr on each node)`,
    });
  }
  if (fencing.wait_for_all) {
    part.notes.push({
      path: ["fencing", "wait_for_all"],
      value: true,
      text: "corosync's wait_for_all waits for both nodes on a cold start whatever the shared disk says (clusterguard let the disk channel prove a silent peer dead): to start one node alone, with the other known off, run `corosync-cmapctl -s quorum.cancel_wait_for_all u8 1` there (`pcs quorum unblock`)",
    });
  }
  part.notes.push({
    path: ["timers", "deadtime"],
    value: timers.deadtime,
    text: `corosync has its own timers: token ${TOKEN_MS} ms, consensus ${TOKEN_MS * 1.2} ms; Corosync's token timeout of 3000 ms gave 6.1 s detection on the reference machine, against clusterguard's deadtime of ${timers.deadtime} ms: lower token for faster detection, at the price of false alarms under load`,
  });
  return part;
}

/** `s` on one line (a path in a # comment). */
function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, " ");
}
