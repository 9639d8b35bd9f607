// Where clusterguard looks for its files by default.

/** The configuration file (override with --config). */
export const DEFAULT_CONFIG_PATH = "/etc/clusterguard/clusterguard.toml";
/** The shared secret (override with --authkey); root-owned, mode 0600 or stricter. */
export const DEFAULT_AUTHKEY_PATH = "/etc/clusterguard/authkey";
