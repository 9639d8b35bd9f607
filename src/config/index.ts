// The config layer's public surface: load, validate, check the authkey, select self, print.
export { loadConfig, loadConfigText, type LoadResult } from "./load.ts";
export { loadAuthkey, writeAuthkey, type AuthkeyResult } from "./authkey.ts";
export { MIN_KEY_BYTES } from "./authkey-checks.ts";
export type { WriteResult } from "./authkey-write.ts";
export { validate, type ValidationResult } from "./validate.ts";
export { parse as parseToml, TomlError, type TomlResult, type TomlTable, type TomlValue } from "./toml.ts";
export { formatConfigError, showValue } from "./errors.ts";
export { renderEffective, describeAuthkey, type RenderOptions } from "./effective.ts";
export { selectSelf, type NameOrigin } from "./node-select.ts";
export { SCHEMA, BAUD_RATES } from "./schema.ts";
export { DEFAULT_AUTHKEY_PATH, DEFAULT_CONFIG_PATH } from "./locations.ts";
export type * from "./types.ts";
