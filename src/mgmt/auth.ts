// TCP access control: the shared token, read from token_file and compared in constant time.
import { createHash, timingSafeEqual } from "node:crypto";
import { readSecretOrWhy, runningUid } from "../config/index.ts";

/** Tokens shorter than this are refused at start: a guessable token would make the TCP port an open door. */
export const MIN_TOKEN_CHARS = 16;
/** Different characters a token must hold: "aaaaaaaaaaaaaaaa" or "abababab..." is long but trivially guessed. */
export const MIN_TOKEN_DISTINCT = 8;

/** Why `token` (the file's content, trimmed) is not a usable token, or null. */
export function tokenProblem(token: string): string | null {
  if (token.length < MIN_TOKEN_CHARS || /\s/.test(token))
    return `holds ${token.length} characters${/\s/.test(token) ? " with whitespace inside" : ""}; expected one token of at least ${MIN_TOKEN_CHARS} characters without spaces`;
  const distinct = new Set(token).size;
  if (distinct < MIN_TOKEN_DISTINCT)
    return `holds a token of only ${distinct} different characters; expected at least ${MIN_TOKEN_DISTINCT} (generate one: openssl rand -hex 24)`;
  return null;
}

/**
 * Read and check the token file: the secret-file rules (regular, owner, mode 0600, size), then one token of at least
 * MIN_TOKEN_CHARS, not trivially weak. Throws a precise Error.
 */
export function readToken(path: string, requireUid = runningUid(), configKey = "management.token_file"): string {
  const got = readSecretOrWhy(path, { requireUid, holding: "the access token", configKey });
  if ("why" in got) throw new Error(got.why);
  const token = Buffer.from(got.bytes).toString("utf8").trim();
  const problem = tokenProblem(token);
  if (problem !== null) throw new Error(`${configKey} ${path}: ${problem}`);
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
