// The SBD configuration (/etc/sysconfig/sbd, /etc/default/sbd on Debian) for the same shared disk, when
// channels.disk is enabled: SBD_DEVICE is the disk channel's device, the watchdog and its timeout come from the
// poison-pill level (clusterguard's defaults without one), and msgwait goes into the device header, which
// `sbd create` writes (the file gives the command). The file is shell-style, so every value is checked to need no
// quoting rules beyond plain double quotes.
import type { ClusterConfig, FenceLevelConfig } from "../config/index.ts";
import { type Findings, findings } from "./model.ts";

/** The file's text (undefined when the disk channel is off), and what the mapping found. */
export interface SbdPart extends Findings {
  text?: string;
}

/** A path SBD's shell-style file and `sbd -d` take as it is (SBD_DEVICE separates devices with ";"). */
const PLAIN_PATH = /^\/[A-Za-z0-9_./:+@=,-]*$/;
/** clusterguard's poison-pill defaults, used when the disk channel runs without a pill level. */
const DEFAULT_PILL = { watchdog_device: "/dev/watchdog", watchdog_timeout: 5, msgwait: 10_000 };

/** The SBD configuration for `config`; `source` names the clusterguard config in the header comment. */
export function exportSbd(config: ClusterConfig, source: string): SbdPart {
  const part: SbdPart = findings();
  const disk = config.channels.disk;
  if (!disk.enabled || disk.device === undefined) return part;
  const levels = config.fencing.level;
  const at = levels.findIndex((l) => l.type === "poison-pill");
  const pill = (levels[at] as Extract<FenceLevelConfig, { type: "poison-pill" }> | undefined) ?? DEFAULT_PILL;
  const plain = (path: (string | number)[], value: string) => {
    if (PLAIN_PATH.test(value)) return true;
    part.refusals.push({
      path,
      value,
      expected:
        "an absolute path of the characters A-Z a-z 0-9 _ . / : + @ = , - (SBD's configuration is a shell-style file, and SBD_DEVICE separates devices with ;)",
    });
    return false;
  };
  const okDevice = plain(["channels", "disk", "device"], disk.device);
  const okWatchdog = at < 0 || plain(["fencing", "level", at, "watchdog_device"], pill.watchdog_device);
  if (!okDevice || !okWatchdog) return part;
  const msgwait = Math.ceil(pill.msgwait / 1000);
  const wt = pill.watchdog_timeout;
  const from = at >= 0 ? `fencing.level[${at}]` : "clusterguard's poison-pill defaults (no poison-pill level)";
  part.text = `# SBD configuration for cluster "${config.cluster.name}", exported by clusterguard from ${source.replace(/[\r\n]+/g, " ")}.
# Install as /etc/default/sbd (Debian) or /etc/sysconfig/sbd (RHEL, SUSE) on both nodes.
#
# The device header holds the timeouts; write it once, from one node, with clusterguard stopped on both
# (it overwrites clusterguard's heartbeat area, channels.disk at offset ${disk.offset}):
#   sbd -d ${disk.device} -1 ${wt} -4 ${msgwait} create
# -1: watchdog timeout ${wt} s, -4: msgwait ${msgwait} s (${pill.msgwait} ms), from ${from}.
# Check it with: sbd -d ${disk.device} dump
SBD_DEVICE="${disk.device}"
SBD_PACEMAKER=yes
# a node that was fenced waits for its slot to be cleared (sbd -d DEVICE message NODE clear), as a clusterguard node
# with a poison pill in its slot did
SBD_STARTMODE=clean
SBD_DELAY_START=no
SBD_WATCHDOG_DEV=${pill.watchdog_device}
SBD_WATCHDOG_TIMEOUT=${wt}
`;
  part.mappings.push({
    from: `channels.disk (${disk.device})`,
    to: `SBD_DEVICE; watchdog ${pill.watchdog_device} ${wt} s and msgwait ${msgwait} s from ${from}`,
  });
  if (disk.offset !== 0) {
    part.notes.push({
      path: ["channels", "disk", "offset"],
      value: disk.offset,
      text: `SBD uses its device from the first sector: whatever lies before byte ${disk.offset} of ${disk.device} would be overwritten by \`sbd create\`; give SBD its own partition or LUN and set SBD_DEVICE (and fence_sbd's devices) to it`,
      edit: "give SBD its own partition or LUN: SBD_DEVICE in sbd, devices of the fence_sbd devices in cib.xml",
    });
  }
  if (at < 0) {
    part.notes.push({
      path: ["channels", "disk", "enabled"],
      value: true,
      text: `no poison-pill level: SBD watches the disk with the watchdog ${pill.watchdog_device} (${wt} s, clusterguard's defaults), but no fence_sbd device fences through it; add one if the disk should fence`,
    });
  }
  if (msgwait * 1000 !== pill.msgwait) {
    part.notes.push({
      path: at >= 0 ? ["fencing", "level", at, "msgwait"] : ["channels", "disk"],
      value: pill.msgwait,
      text: `sbd takes msgwait in whole seconds: ${msgwait} s`,
    });
  }
  return part;
}
