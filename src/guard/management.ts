// The guard's own management socket (Unix only): a node parked in the initrd answers `clusterguard status` and
// `clusterguard takeover` from a shell there (a debug or emergency shell, a console), as the agent does after boot.
import type { ClusterConfig } from "../config/index.ts";
import type { Logger } from "../log/logger.ts";
import { type ManagementServer, startManagement } from "../mgmt/server.ts";
import { controlHandler, type Services } from "../node/control.ts";
import type { NodeRuntime } from "../node/runtime.ts";

/** The guard runs no service monitors and holds no resources. */
const NO_SERVICES: Services = { status: () => [], pause: () => false, resume: () => false };

/**
 * Serve status and takeover on `socket` (no TCP: the initrd holds no TLS material); null, logged, when it cannot
 * start.
 */
export async function serveGuardManagement(
  config: ClusterConfig,
  guard: NodeRuntime,
  socket: string,
  log: Logger,
): Promise<ManagementServer | null> {
  const standby = async () => ({
    ok: false,
    detail: "refused: the guard does not run a planned switchover; clusterguard-agent does, once the boot has finished",
  });
  const handler = controlHandler({ config, guard, services: NO_SERVICES, standby });
  const { tcp_listen: _tcp, ...unixOnly } = config.management;
  try {
    return await startManagement({ ...unixOnly, socket }, handler, log);
  } catch (e) {
    log.emit("warning", "management", `management socket not started: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
}
