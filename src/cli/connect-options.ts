// The options every client command shares: where the agent is, how to authenticate, how long to wait.
import type { Argv } from "yargs";

/** Add --socket, --connect, --token-file, --ca, --insecure and --timeout to a command. */
export function withConnectOptions<T>(y: Argv<T>, defaultTimeoutMs: number) {
  return y
    .option("socket", {
      type: "string",
      describe: "the agent's Unix socket (default: management.socket from --config)",
    })
    .option("connect", {
      type: "string",
      describe: "talk to a remote agent over TLS at host:port (management.tcp_listen)",
    })
    .option("token-file", { type: "string", describe: "file holding the access token (required with --connect)" })
    .option("ca", { type: "string", describe: "PEM certificate (or CA) to trust for --connect" })
    .option("insecure", { type: "boolean", describe: "with --connect: do not verify the agent's certificate" })
    .option("timeout", { type: "number", default: defaultTimeoutMs, describe: "ms to wait for the reply" });
}
