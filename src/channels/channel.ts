// The one interface every heartbeat medium implements. Channels move bytes and report health; they never decide.
import type { ChannelKind } from "../core/types.ts";

/** What a channel tells its owner. */
export interface ChannelSink {
  /** A candidate frame arrived (framing already checked); the receiver authenticates it. */
  frame(bytes: Uint8Array, channel: ChannelKind): void;
  /** The medium itself went up or down (device error, interface gone, back again). */
  health(channel: ChannelKind, up: boolean, detail: string): void;
}

/** Counters every channel keeps; readable at any time. */
export interface ChannelStats {
  up: boolean;
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
  /** Bytes or datagrams dropped before they could be a frame (garbage, bad CRC, wrong sender). */
  dropped: number;
  sendErrors: number;
  reopens: number;
  lastError: string | null;
}

/** A heartbeat medium: serial line, UDP, shared-disk slot. */
export interface Channel {
  readonly kind: ChannelKind;
  /** Open the medium; device errors are reported through health() and retried, never thrown. */
  start(sink: ChannelSink): Promise<void>;
  /** Send one encoded frame, best effort: never throws, never blocks the caller. */
  send(frame: Uint8Array): void;
  /** Close everything; the process may then exit. */
  stop(): Promise<void>;
  stats(): ChannelStats;
}

/** Fresh zeroed counters. */
export function emptyStats(): ChannelStats {
  return {
    up: false,
    framesIn: 0,
    framesOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    dropped: 0,
    sendErrors: 0,
    reopens: 0,
    lastError: null,
  };
}
