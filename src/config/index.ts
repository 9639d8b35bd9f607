// The config layer's public surface: load, validate, check the authkey and secret files, select self, print.
export {
  DEFAULT_AUTHKEY_PATH,
  DEFAULT_CONFIG_PATH,
  formatConfigError,
  loadConfig,
  loadConfigText,
  MAX_CONFIG_BYTES,
  readConfigText,
  selectSelf,
  type LoadResult,
  type NameOrigin,
} from "./load.ts";
export {
  MIN_KEY_BYTES,
  checkConfigSecrets,
  keyFromBytes,
  loadAuthkey,
  readSecretFile,
  readSecretOrWhy,
  runningUid,
  writeAuthkey,
  type AuthkeyResult,
  type WriteResult,
} from "./secrets.ts";
export { validate, type ValidationResult } from "./validate.ts";
export {
  parse as parseToml,
  TomlError,
  type LineMap,
  type TomlResult,
  type TomlTable,
  type TomlValue,
} from "./toml.ts";
export { keyPath, showValue } from "./toml-tokens.ts";
export { renderEffective, describeAuthkey, configDigests, type RenderOptions } from "./effective.ts";
export { SCHEMA, BAUD_RATES } from "./schema/index.ts";
export {
  ABSOLUTE_PATH,
  NAME,
  canonicalIp,
  inSubnet,
  isHost,
  isHostPort,
  isHttpUrl,
  isIpLiteral,
  parseCidr,
} from "./schema/shapes.ts";
export { bmcHost, unreachableBmcs, type UnreachableBmc } from "./schema/fencing-network.ts";
export type * from "./types.ts";
