// The built-in plugins, by name: systemd, tcp, http, process, command, ocf.
import type { MonitorPlugin } from "../api.ts";
import command from "./command.ts";
import http from "./http.ts";
import ocf from "./ocf.ts";
import proc from "./process.ts";
import systemd from "./systemd.ts";
import tcp from "./tcp.ts";

/** Every built-in plugin, keyed by its meta.name. */
export const BUILTINS: Readonly<Record<string, MonitorPlugin>> = Object.freeze(
  Object.fromEntries([systemd, tcp, http, proc, command, ocf].map((p) => [p.meta.name, p])),
);

/** The built-in plugin called `name`, or undefined. */
export function builtin(name: string): MonitorPlugin | undefined {
  return Object.hasOwn(BUILTINS, name) ? BUILTINS[name] : undefined;
}
