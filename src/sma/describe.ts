// Plugins described for people: `clusterguard sma list` lines and a JSON form.
import type { PluginMeta, SmaPlugin } from "./api.ts";

/** The operations a plugin implements. */
export function operations(p: SmaPlugin): string[] {
  return ["validate", "monitor", ...(["recover", "start", "stop"] as const).filter((o) => typeof p[o] === "function")];
}

/** One parameter as "name (type, required|default X)". */
function paramHead(name: string, spec: PluginMeta["parameters"][string]): string {
  const extra = spec.required ? "required" : spec.default !== undefined ? `default ${JSON.stringify(spec.default)}` : "optional";
  return `${name} (${spec.type}, ${extra})`;
}

/** Lines describing `p`: name and description, each parameter, operations and suggested timings. */
export function describePlugin(p: SmaPlugin): string[] {
  const m = p.meta;
  const params = Object.entries(m.parameters).map(([n, s]) => [paramHead(n, s), s.doc] as const);
  const width = Math.max(0, ...params.map(([h]) => h.length));
  const timing = [m.interval && `interval ${m.interval} ms`, m.timeout && `timeout ${m.timeout} ms`].filter(Boolean).join(", ");
  return [
    `${m.name}: ${m.description}`,
    ...params.map(([h, d]) => `    ${h.padEnd(width)}  ${d}`),
    ...(m.extraParameters ? ["    (any other parameter is passed on)"] : []),
    `    operations: ${operations(p).join(", ")}${timing === "" ? "" : `; suggested ${timing}`}`,
  ];
}

/** The JSON form of `p` for --json. */
export function pluginJson(p: SmaPlugin): Record<string, unknown> {
  return { ...p.meta, operations: operations(p) };
}
