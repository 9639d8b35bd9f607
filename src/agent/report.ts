// The status report the agent serves on its management socket and the client prints.
import type { Role } from "../core/types.ts";
import type { SmaStatus } from "../sma/status.ts";

/** One heartbeat link as this node sees it. */
export interface LinkReport {
  kind: "serial" | "udp" | "disk";
  up: boolean;
  /** ms since the peer was last heard on this link; null if never. */
  lastHeardAgoMs: number | null;
  late: boolean;
  dead: boolean;
  framesIn: number;
  framesOut: number;
  dropped: number;
  lastError: string | null;
}

/** One resource brought up on takeover (cluster IP, mount, unit). */
export interface ResourceReport {
  name: string;
  kind: "ip" | "mount" | "unit";
  state: "up" | "down" | "failed" | "starting" | "stopping";
  detail: string;
}

/** Everything `clusterguard status` shows. */
export interface StatusReport {
  /** ISO time the report was made. */
  generatedAt: string;
  cluster: string;
  node: string;
  role: Role;
  incarnation: number;
  peer: { name: string; role: Role | null; lastHeardAgoMs: number | null };
  links: LinkReport[];
  /** Heartbeats that arrived after warntime since the agent started. */
  lateHeartbeats: number;
  fence: { state: "idle" | "fencing" | "failed" | "confirmed"; last: string | null; at: string | null };
  agents: SmaStatus[];
  resources: ResourceReport[];
  /** Why activation is refused (pending poison pill), or null. */
  blocked: string | null;
}
