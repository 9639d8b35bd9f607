// What fence agents that work through the cluster itself (poison pill, peer request) need from the running guard.
import type { MessageType } from "../core/types.ts";
import type { DiskArea } from "../disk/area.ts";
import type { DiskTimers } from "../disk/timers.ts";

/** The shared-disk area both nodes use, and the victim's slot in it. */
export interface FenceDisk {
  device: string;
  offset: number;
  key: Uint8Array;
  clusterId: number;
  peerSlot: number;
  /**
   * The area as already opened by the disk channel, when it is open: used instead of opening the device by path
   * (after switch_root the initrd's /dev path is gone, the open descriptor is not). Never closed by its users.
   */
  area?: () => DiskArea | undefined;
}

/** Supplied by the guard or agent when it builds its fence levels. */
export interface FenceContext {
  self: string;
  /** This boot's incarnation. */
  selfIncarnation(): number;
  /** The peer's incarnation as last heard on any link, or 0 if never heard. */
  peerIncarnation(): number;
  /** The peer boot the fence in flight is aimed at (a poison pill names it), when it differs from the last heard. */
  targetIncarnation?(): number;
  disk: FenceDisk | null;
  /** The disk header's timers as read at start (a pill's msgwait is sized from them), or null/absent if unread. */
  diskTimers?: DiskTimers | null;
  /** ms since the peer was last heard on any link, or null if never. */
  peerSilentMs(): number | null;
  /** Send a message to the peer on every live link. */
  send(type: Exclude<MessageType, "heartbeat">): void;
}
