// Does the guard initrd hold the config and authkey in /etc/clusterguard? The guard runs with the image's copies, so
// an edit (or a new key) takes effect in the initrd only after `initrd regenerate`; `config check` says so.
import { existsSync } from "node:fs";
import { release } from "node:os";
import { type ClusterConfig, configDigests, formatConfigError, keyFromBytes, loadConfigText } from "../config/index.ts";
import { guardInitrd } from "./initrd-paths.ts";
import { readInitrdFiles } from "./initrd-verify.ts";
import { pickBuilder } from "./regenerate.ts";

const CONFIG = "etc/clusterguard/clusterguard.toml";
const AUTHKEY = "etc/clusterguard/authkey";

/** The guard initrd of the running kernel, when one was built; else null (nothing to compare). */
export function runningGuardInitrd(): string | null {
  const image = guardInitrd("/", release());
  return existsSync(image) ? image : null;
}

/**
 * What in `image` differs from `config` and `key` (as read from /etc): null when both match; else one sentence for
 * `config check`'s warnings, naming the image and what to run.
 */
export async function initrdCopyDrift(image: string, config: ClusterConfig, key: Uint8Array): Promise<string | null> {
  const files = await readInitrdFiles("/", image, [CONFIG, AUTHKEY], pickBuilder("auto", "/").builder);
  if (typeof files === "string") return `cannot compare the guard initrd's config with this one: ${files}`;
  const fix = "run 'clusterguard initrd regenerate' (the guard in the initrd runs with the image's copy)";
  const own = configDigests(config, key);
  const differ: string[] = [];
  const text = files.get(CONFIG);
  if (!text) differ.push("it has no configuration");
  else {
    const theirs = loadConfigText(text.toString("utf8"), `${image}:/${CONFIG}`);
    if (!theirs.ok)
      differ.push(`its configuration does not load here (${theirs.errors.map(formatConfigError).join("; ")})`);
    else if (configDigests(theirs.config, key).config !== own.config) differ.push("its configuration is another");
  }
  const raw = files.get(AUTHKEY);
  const theirKey = raw ? keyFromBytes(raw, `${image}:/${AUTHKEY}`) : null;
  if (!theirKey || !("key" in theirKey)) differ.push("it has no usable authkey");
  else if (configDigests(config, theirKey.key).authkey !== own.authkey) differ.push("its authkey is another");
  return differ.length === 0 ? null : `${image}: ${differ.join("; ")}: ${fix}`;
}
