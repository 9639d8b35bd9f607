// Failed logins are rate-limited: per client address, and across all of them (a token guessed from many addresses).
// Pure: the clock comes from the caller. While a limit holds, logins are refused without looking at the token.

/** How many failures, over how long. */
export interface LoginLimits {
  /** Failed logins one address may make per window. */
  perRemote: number;
  /** Failed logins all addresses together may make per window. */
  overall: number;
  windowMs: number;
}

/** 5 failures a minute from one address, 20 from all: an admin's typos pass, guessing a 16+ character token does not. */
export const LOGIN_LIMITS: LoginLimits = { perRemote: 5, overall: 20, windowMs: 60_000 };

/** Whether a login may be tried now, else how long until it may. */
export type LoginVerdict = { ok: true } | { ok: false; retryAfterMs: number };

/** The failure times per address, and of all addresses, in a sliding window. */
export class LoginLimiter {
  private readonly byRemote = new Map<string, number[]>();
  private all: number[] = [];

  constructor(
    private readonly now: () => number,
    private readonly limits: LoginLimits = LOGIN_LIMITS,
  ) {}

  /** May `remote` try a token now? */
  check(remote: string): LoginVerdict {
    const t = this.now();
    this.all = recent(this.all, t, this.limits.windowMs);
    const mine = recent(this.byRemote.get(remote) ?? [], t, this.limits.windowMs);
    if (mine.length === 0) this.byRemote.delete(remote);
    else this.byRemote.set(remote, mine);
    const wait = (list: number[], limit: number) =>
      list.length >= limit ? (list[list.length - limit] as number) + this.limits.windowMs - t : 0;
    const ms = Math.max(wait(mine, this.limits.perRemote), wait(this.all, this.limits.overall));
    return ms > 0 ? { ok: false, retryAfterMs: ms } : { ok: true };
  }

  /** A wrong token from `remote`. */
  failed(remote: string): void {
    const t = this.now();
    this.all.push(t);
    this.byRemote.set(remote, [...(this.byRemote.get(remote) ?? []), t]);
  }

  /** A good token from `remote`: its own failures are forgotten (the overall count stays). */
  succeeded(remote: string): void {
    this.byRemote.delete(remote);
  }
}

function recent(list: number[], t: number, windowMs: number): number[] {
  return list.filter((at) => t - at < windowMs);
}
