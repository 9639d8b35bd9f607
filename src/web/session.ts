// Console sessions: a login with the management token (or the read-only token) opens one, identified by a random id
// in an HttpOnly cookie and carrying its own CSRF token; each ends a fixed time after its login. Pure: the clock and
// the randomness come from the caller.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { addressKey } from "./login-limit.ts";

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
  /** Live streams (/api/live) open in this session now. */
  streams: number;
  /** Clock ms of this session's recent config checks. */
  checks: number[];
}

/** Live streams one session may hold open (a page has one; a few tabs more). */
export const STREAMS_PER_SESSION = 4;
/** Config checks one session may ask for per CHECK_WINDOW_MS (the page checks 300 ms after typing stops). */
export const CHECKS_PER_WINDOW = 20;
export const CHECK_WINDOW_MS = 10_000;

/** Count a config check of `s` at `now`; false (not counted) when the session has used up its window. */
export function takeCheck(s: Session, now: number): boolean {
  s.checks = s.checks.filter((t) => now - t < CHECK_WINDOW_MS);
  if (s.checks.length >= CHECKS_PER_WINDOW) return false;
  s.checks.push(now);
  return true;
}

/** How many sessions may be held: all together, read-only ones, and from one address (an IPv6 /64). */
export interface SessionLimits {
  total: number;
  readOnly: number;
  perRemote: number;
}

/**
 * A bound on memory, not a rule admins meet. A login beyond a limit is refused: no session is ever ended for a new
 * one, except that a full-access login may end the oldest read-only session when all are taken (read-only logins
 * can never push the administrator out).
 */
export const SESSION_LIMITS: SessionLimits = { total: 64, readOnly: 32, perRemote: 16 };

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
    private readonly limits: SessionLimits = SESSION_LIMITS,
  ) {}

  /** A new session for a successful login, or why none is opened. */
  open(readOnly: boolean, remote: string): Session | { refused: string } {
    const t = this.now();
    this.sweep(t);
    const all = [...this.byId.values()];
    const key = addressKey(remote);
    if (all.filter((s) => addressKey(s.remote) === key).length >= this.limits.perRemote)
      return { refused: `${this.limits.perRemote} sessions are open from this address already: log out of one` };
    const ro = all.filter((s) => s.readOnly);
    if (readOnly && ro.length >= this.limits.readOnly)
      return { refused: `${this.limits.readOnly} read-only sessions are open already` };
    if (all.length >= this.limits.total) {
      if (readOnly || ro[0] === undefined) return { refused: `${this.limits.total} sessions are open already` };
      this.byId.delete(ro[0].id);
    }
    const s: Session = {
      id: this.token(),
      csrf: this.token(),
      readOnly,
      remote,
      createdAt: t,
      expiresAt: t + this.ttlMs,
      streams: 0,
      checks: [],
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
