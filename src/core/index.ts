// The pure decision core: state, inputs, actions and the step function.
export type { Action, LogLevel } from "./actions.ts";
export type { Input } from "./inputs.ts";
export type { Block, BlockKind, SafetyCheck } from "./blocks.ts";
export { blockedBy } from "./blocks.ts";
export { initialState } from "./state.ts";
export { resumedActive, type ResumedPeer } from "./resume.ts";
export type { CoreState, CoreTimers, NodeRef } from "./state.ts";
export { silentTwin, step } from "./step.ts";
export type { StepResult } from "./step.ts";
export { outranks } from "./precedence.ts";
export { peerAlive, peerDeadline, aliveLinks } from "./liveness.ts";
export * from "./types.ts";
