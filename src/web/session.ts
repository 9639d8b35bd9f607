// Console sessions: a login with the management token (or the read-only token) opens one, identified by a random id
// in an HttpOnly cookie and carrying its own CSRF token; each ends a fixed time after its login. Pure: the clock and
// the randomness come from the caller.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** One logged-in browser. */
export interface Session {
  /** The cookie's value: 32 random bytes, hex. */
  id: string;
  /** Sent back by the page in X-CSRF-Token on every state-changing request. */
  csrf: string;
  /** Logged in with web.readonly_token_file's token: may watch, may not act or apply. */
  readOnly: boolean;
  /** Where the login came from (for the mgmt-request events). */
  remote: string;
  /** Clock ms of the login and of the end. */
  createdAt: number;
  expiresAt: number;
}

/** Sessions held at once; a login beyond that ends the oldest (a bound on memory, not a rule admins meet). */
export const MAX_SESSIONS = 64;

/** 32 random bytes as hex. */
export function randomToken(): string {
  return randomBytes(32).toString("hex");
}

/** The sessions of one console. */
export class Sessions {
  private readonly byId = new Map<string, Session>();

  constructor(
    /** How long a session lives after its login (web.session_timeout). */
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly token: () => string = randomToken,
    private readonly max = MAX_SESSIONS,
  ) {}

  /** A new session for a successful login. */
  open(readOnly: boolean, remote: string): Session {
    const t = this.now();
    this.sweep(t);
    while (this.byId.size >= this.max) {
      const oldest = this.byId.keys().next().value;
      if (oldest === undefined) break;
      this.byId.delete(oldest);
    }
    const s: Session = {
      id: this.token(),
      csrf: this.token(),
      readOnly,
      remote,
      createdAt: t,
      expiresAt: t + this.ttlMs,
    };
    this.byId.set(s.id, s);
    return s;
  }

  /** The live session with this id, or null (unknown, or expired: then it is forgotten). */
  get(id: string | null | undefined): Session | null {
    if (!id) return null;
    const s = this.byId.get(id);
    if (s === undefined) return null;
    if (this.now() >= s.expiresAt) {
      this.byId.delete(id);
      return null;
    }
    return s;
  }

  /** Log out. */
  close(id: string | null | undefined): void {
    if (id) this.byId.delete(id);
  }

  /** Sessions alive now. */
  get size(): number {
    this.sweep(this.now());
    return this.byId.size;
  }

  private sweep(t: number): void {
    for (const [id, s] of this.byId) if (t >= s.expiresAt) this.byId.delete(id);
  }
}

/** True only when `given` is the session's CSRF token (compared in constant time, lengths hidden by hashing). */
export function csrfMatches(s: Session, given: string | null | undefined): boolean {
  if (typeof given !== "string" || given === "") return false;
  return timingSafeEqual(sha256(given), sha256(s.csrf));
}

function sha256(s: string): Buffer {
  return createHash("sha256").update(s, "utf8").digest();
}
