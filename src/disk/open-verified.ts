// Opening an area for heartbeating: only when its header is this cluster's, so a wrong device or offset is never written.

import type { AreaOptions } from "./area.ts";
import { DiskArea } from "./area.ts";
import type { BlockAuth } from "./block.ts";
import { idText } from "./block.ts";
import { DiskIoError } from "./io-error.ts";
import { describeRejection } from "./result.ts";

/** Opens the area and checks its header; throws DiskIoError (device closed again) when either fails. */
export async function openVerifiedArea(device: string, offset: number, auth: BlockAuth, options: AreaOptions = {}): Promise<DiskArea> {
  const area = await DiskArea.open(device, offset, auth, options);
  try {
    const header = await area.readHeader();
    if (header.kind === "ok") return area;
    const hint = header.kind === "empty" ? " (run `clusterguard disk init`)" : "";
    throw new DiskIoError(`no heartbeat area of cluster ${idText(auth.clusterId)} at offset ${offset} of ${device}: header ${describeRejection(header)}${hint}`, undefined);
  } catch (error) {
    await area.close();
    throw error;
  }
}
