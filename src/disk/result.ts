// The tagged result of decoding one on-disk block: decoding never throws.

/** Why a block was not accepted; `detail` says what was expected and what arrived. */
export type BlockRejection =
  | { kind: "empty"; detail: string }
  | { kind: "bad-magic"; detail: string }
  | { kind: "malformed"; detail: string }
  | { kind: "foreign-cluster"; clusterId: number; detail: string }
  | { kind: "bad-auth"; detail: string };

/** What decoding one block produced. */
export type BlockResult<T> = { kind: "ok"; value: T } | BlockRejection;

/** Every kind a decode can return, for tests and dumps. */
export const BLOCK_RESULT_KINDS = ["ok", "empty", "bad-magic", "malformed", "foreign-cluster", "bad-auth"] as const;

/** A "malformed" rejection. */
export function malformed(detail: string): BlockRejection {
  return { kind: "malformed", detail };
}

/** One line for a result: "ok" or "<kind>: <detail>". */
export function describeRejection(result: BlockResult<unknown>): string {
  return result.kind === "ok" ? "ok" : `${result.kind}: ${result.detail}`;
}
