// Built-in "tcp": a TCP connect to host:port succeeds within the timeout.
import { connect } from "node:net";
import { isHost } from "../../config/index.ts";
import { definePlugin, type MonitorResult, type Params, type PluginContext } from "../api.ts";
import { checkParams, int, str, show } from "../contract.ts";

/** Connect to `host`:`port`: running when accepted, not-running when refused, soft error otherwise. */
export function probeTcp(host: string, port: number, signal: AbortSignal): Promise<MonitorResult> {
  const where = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  const t0 = performance.now();
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    const done = (r: MonitorResult) => {
      signal.removeEventListener("abort", onAbort);
      sock.destroy();
      resolve(r);
    };
    const onAbort = () => done({ result: "soft-error", reason: `connect to ${where} aborted (timeout)` });
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    sock.once("connect", () =>
      done({ result: "running", reason: `connected to ${where} in ${Math.round(performance.now() - t0)} ms` }),
    );
    sock.once("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "ECONNREFUSED") done({ result: "not-running", reason: `connection to ${where} refused` });
      else done({ result: "soft-error", reason: `connect to ${where}: ${e.code ?? e.message}` });
    });
  });
}

function problems(params: Params): string[] {
  const out = checkParams(tcp.meta, params);
  const { host, port } = params;
  if (typeof host === "string" && !isHost(host))
    out.push(`parameter host = ${show(host)}: expected a host name or IP address`);
  if (typeof port === "number" && (port < 1 || port > 65535))
    out.push(`parameter port = ${port}: expected an integer from 1 to 65535`);
  return out;
}

/** The plugin. */
const tcp = definePlugin({
  meta: {
    name: "tcp",
    description: "a TCP port accepts connections",
    parameters: {
      host: { type: "string", default: "127.0.0.1", doc: "host name or IP address" },
      port: { type: "int", required: true, doc: "TCP port, 1-65535" },
    },
    interval: 5000,
    timeout: 2000,
  },
  validate: (params: Params) => problems(params),
  monitor: (ctx: PluginContext) => probeTcp(str(ctx.params, "host"), int(ctx.params, "port", 0), ctx.signal),
});

export default tcp;
