// TCP access control: the shared token, read from token_file and compared in constant time.
import { createHash, timingSafeEqual } from "node:crypto";
import { readSecretOrWhy, runningUid } from "../config/index.ts";

/** Tokens shorter than this are refused at start: a guessable token would make the TCP port an open door. */
export const MIN_TOKEN_CHARS = 16;

/**
 * Read and check the token file: the secret-file rules (regular, owner, mode 0600, size), then one token of at least
 * MIN_TOKEN_CHARS. Throws a precise Error.
 */
export function readToken(path: string, requireUid = runningUid(), configKey = "management.token_file"): string {
  const got = readSecretOrWhy(path, { requireUid, holding: "the access token", configKey });
  if ("why" in got) throw new Error(got.why);
  const token = Buffer.from(got.bytes).toString("utf8").trim();
  if (token.length < MIN_TOKEN_CHARS || /\s/.test(token)) {
    throw new Error(
      `${configKey} ${path}: holds ${token.length} characters${/\s/.test(token) ? " with whitespace inside" : ""}; expected one token of at least ${MIN_TOKEN_CHARS} characters without spaces`,
    );
  }
  return token;
}

/** Compares presented tokens with the configured one in constant time (both sides hashed, so lengths never leak). */
export class TokenGate {
  private readonly digest: Buffer;

  constructor(token: string) {
    this.digest = sha256(token);
  }

  /** True only for a string equal to the token. */
  allows(given: unknown): boolean {
    const candidate = sha256(typeof given === "string" ? given : "");
    return timingSafeEqual(candidate, this.digest) && typeof given === "string";
  }
}

function sha256(s: string): Buffer {
  return createHash("sha256").update(s, "utf8").digest();
}
