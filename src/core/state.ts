// The core's whole memory: a plain, immutable-by-convention record.
import { type Blocks, initialBlocks, type SafetyCheck } from "./blocks.ts";
import type { ChannelKind, Role } from "./types.ts";

/** One node as the core needs to know it. */
export interface NodeRef {
  name: string;
  priority: number;
}

/** The timers, in ms (config [timers] and [fencing]). */
export interface CoreTimers {
  keepalive: number;
  warntime: number;
  deadtime: number;
  initdead: number;
  handoffGrace: number;
  fenceDelay: number;
  fenceTimeout: number;
  /** How long a STANDBY waits before retrying a fence that did not confirm. */
  fenceRetry: number;
  /**
   * [fencing] wait_for_all: a peer never heard since this boot is fenced only when the disk channel is up to prove
   * it dead (Pacemaker's two_node + wait_for_all); false allows startup fencing on serial and UDP silence alone.
   */
  waitForAll: boolean;
}

/** What the core remembers of one channel. */
export interface ChannelView {
  up: boolean;
  /** Since when the link is up (its start, or its last down-to-up change); null while down. */
  upSince: number | null;
  lastHeard: number | null;
  late: boolean;
  dead: boolean;
}

/** What the core remembers of the peer. */
export interface PeerView {
  role: Role | null;
  incarnation: number | null;
  lastHeard: number | null;
  /** When the peer was first heard (since boot or since it was fenced): silent links are judged from here. */
  firstHeard: number | null;
  /** End of an announced handoff grace, or null. */
  graceUntil: number | null;
  /** The peer incarnation whose graces `graceCount` counts. */
  graceUsedBy: number | null;
  /** Graces granted to that incarnation (one per hand-over, at most MAX_GRACES_PER_BOOT). */
  graceCount: number;
  /** The sequence number of the last granted grace: its copies on other links carry the same one. */
  graceSeq: number | null;
  /** A frame newer than that grace was heard since: its hand-over finished, so the next one may have a grace. */
  heardAfterGrace: boolean;
  late: boolean;
  lost: boolean;
  /** The highest sequence number heard in the peer's current incarnation (frames below it are out of date). */
  lastSeq: number | null;
  /**
   * lastSeq was taken from the disk slot, which stands in for the frame of that seq as a plain heartbeat: the first
   * cable copy of that frame is still taken (it carries the message and the echo the slot does not).
   */
  lastSeqFromDisk: boolean;
  /** The role carried by the last frame that echoed this boot, and when it came. */
  echoRole: Role | null;
  echoAt: number | null;
  /** Set while both nodes claim ACTIVE (logged once per episode). */
  conflict: boolean;
}

/** Fence bookkeeping. */
export interface FenceView {
  /** When the FencePeer action was (or will be, after the delay) issued. */
  issueAt: number | null;
  issued: boolean;
  /** The role fencing started from, where a cancelled fence returns. */
  fromRole: "BOOTING" | "STANDBY";
  attempts: number;
  nextRetryAt: number | null;
  lastResult: string | null;
  /** When a refused startup fence was last logged: repeated at most every fenceRetry. */
  refusedLoggedAt: number | null;
  /** The peer boot a confirmed fence ended: its frames (a capture replayed, bytes buffered in a line) are ignored. */
  fencedIncarnation: number | null;
  /** The peer boot the fence in flight was issued against: what its confirmation ends (null: never heard). */
  target: number | null;
}

/** This node told itself to stop writing (a self-fence): from then on it sends nothing and retries the reset. */
export interface SelfFenceView {
  reason: string;
  power: "reset" | "off";
  flush: boolean;
  at: number;
  /** When the SelfFence action was last emitted (it is repeated until the machine stops). */
  triedAt: number;
}

export interface CoreState {
  role: Role;
  since: number;
  startedAt: number;
  self: NodeRef;
  peer: NodeRef;
  timers: CoreTimers;
  channels: Partial<Record<ChannelKind, ChannelView>>;
  peerView: PeerView;
  fence: FenceView;
  /** Every reason activation (and fencing) is refused now: a pending pill, a mailbox never read, no watchdog (blockedBy: as one line). */
  blocks: Blocks;
  /** When a refusal (or a wait) caused by `blocks` was last logged: repeated at most every fenceRetry. */
  blockLoggedAt: number | null;
  lastSent: number | null;
  rejected: number;
  takeover: TakeoverView;
  /**
   * Set by a self-fence, never cleared: the node is going down, so it goes silent on every link. A reset that
   * the kernel refused must not leave it announcing anything, least of all STOPPED, which the peer takes as a
   * clean release; silent, it is declared dead and fenced before the peer takes over.
   */
  selfFence: SelfFenceView | null;
}

/** An administrator's takeover request in flight: on the STANDBY that asked, or on the ACTIVE handing over. */
export interface TakeoverView {
  /** When this STANDBY's admin asked (null: no request pending). */
  askedAt: number | null;
  /** When the request was last sent to the peer (it is repeated while links may drop a frame). */
  sentAt: number | null;
  /** This ACTIVE node is running the planned switchover for the peer's request. */
  handingOver: boolean;
}

/** The state a guard starts in: BOOTING, listening for initdead. */
export function initialState(opts: {
  now: number;
  self: NodeRef;
  peer: NodeRef;
  timers: CoreTimers;
  channels: readonly ChannelKind[];
  /** Checks that must succeed before this node may go ACTIVE (the shell reports them): pending until then. */
  requires?: readonly SafetyCheck[];
}): CoreState {
  const channels: Partial<Record<ChannelKind, ChannelView>> = {};
  for (const c of opts.channels)
    channels[c] = { up: true, upSince: opts.now, lastHeard: null, late: false, dead: false };
  return {
    role: "BOOTING",
    since: opts.now,
    startedAt: opts.now,
    self: opts.self,
    peer: opts.peer,
    timers: opts.timers,
    channels,
    peerView: {
      role: null,
      incarnation: null,
      lastHeard: null,
      firstHeard: null,
      graceUntil: null,
      graceUsedBy: null,
      graceCount: 0,
      graceSeq: null,
      heardAfterGrace: false,
      late: false,
      lost: false,
      conflict: false,
      echoRole: null,
      echoAt: null,
      lastSeq: null,
      lastSeqFromDisk: false,
    },
    fence: {
      issueAt: null,
      issued: false,
      fromRole: "BOOTING",
      attempts: 0,
      nextRetryAt: null,
      lastResult: null,
      refusedLoggedAt: null,
      fencedIncarnation: null,
      target: null,
    },
    blocks: initialBlocks(opts.requires ?? []),
    blockLoggedAt: null,
    lastSent: null,
    rejected: 0,
    takeover: { askedAt: null, sentAt: null, handingOver: false },
    selfFence: null,
  };
}
