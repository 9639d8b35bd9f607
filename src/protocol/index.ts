// Public API of the wire protocol layer.

export { MAGIC, MAX_FRAME_BYTES, MAX_PAYLOAD, PROTOCOL_VERSION, encodeFrame } from "./frame.ts";
export type { Frame } from "./frame.ts";
export { MAX_NAME_BYTES, MIN_FRAME_BYTES } from "./layout.ts";
export { decodeFrame } from "./decode.ts";
export type { DecodeOptions, DecodeResult } from "./decode.ts";
export { clusterIdOf } from "./cluster-id.ts";
export { ReplayGuard } from "./replay.ts";
export type { ReplayCounters, ReplayGuardOptions, ReplayState, ReplayVerdict } from "./replay.ts";
export { REPLAY_WINDOW } from "./replay-window.ts";
export { checkEcho, requiresEcho } from "./echo.ts";
export { nextIncarnation } from "./incarnation.ts";
export { MAX_SERIAL_SEGMENT, SerialDeframer, encodeSerial } from "./serial-framing.ts";
export type { SerialCounters } from "./serial-framing.ts";
export { cobsDecode, cobsEncode } from "./cobs.ts";
export { crc32 } from "./crc32.ts";
