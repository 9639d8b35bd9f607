// Failed logins are rate-limited: per client address (an IPv6 address by its /64, which one host gets whole), and
// across all of them (a token guessed from many addresses). Pure: the clock comes from the caller.
//
// An attempt counts as a failure from the moment it is admitted, before its body is read: concurrent requests cannot
// all pass the check while none has failed yet. A good token takes its own attempt back. The overall limit holds
// only addresses that have failed themselves in the window: wrong tokens sent from elsewhere never lock out the
// administrator's right token from a clean address.

/** How many failures, over how long. */
export interface LoginLimits {
  /** Failed logins one address may make per window. */
  perRemote: number;
  /** Failed logins all addresses together may make per window (before addresses that failed are held back). */
  overall: number;
  windowMs: number;
}

/** 5 failures a minute from one address, 20 from all: an admin's typos pass, guessing a 16+ character token does not. */
export const LOGIN_LIMITS: LoginLimits = { perRemote: 5, overall: 20, windowMs: 60_000 };

/** Addresses remembered before the expired ones are swept out. */
const MAX_TRACKED = 4096;

/** Whether a login may be tried now (with the attempt to hand back on success), else how long until it may. */
export type LoginVerdict = { ok: true; attempt: Attempt } | { ok: false; retryAfterMs: number };

/** One admitted attempt, counted as a failure until succeeded() takes it back. */
export interface Attempt {
  key: string;
  at: number;
}

/** The key an address is limited by: an IPv4 address itself (also IPv4-mapped IPv6), an IPv6 address by its /64. */
export function addressKey(remote: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remote);
  if (mapped) return mapped[1] as string;
  if (!remote.includes(":")) return remote;
  const [head = "", tail = ""] = remote.toLowerCase().split("%")[0]?.split("::") ?? [];
  const h = head === "" ? [] : head.split(":");
  const t = remote.includes("::") ? (tail === "" ? [] : tail.split(":")) : [];
  const groups = [...h, ...Array(Math.max(0, 8 - h.length - t.length)).fill("0"), ...t];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

/** The failure times per address key, and of all addresses, in a sliding window. */
export class LoginLimiter {
  private readonly byKey = new Map<string, number[]>();
  private all: number[] = [];

  constructor(
    private readonly now: () => number,
    private readonly limits: LoginLimits = LOGIN_LIMITS,
  ) {}

  /** May `remote` try a token now? When it may, the attempt is counted as a failure at once. */
  attempt(remote: string): LoginVerdict {
    const t = this.now();
    const key = addressKey(remote);
    if (this.byKey.size >= MAX_TRACKED) this.sweep(t);
    this.all = recent(this.all, t, this.limits.windowMs);
    const mine = recent(this.byKey.get(key) ?? [], t, this.limits.windowMs);
    const wait = (list: number[], limit: number) =>
      list.length >= limit ? (list[list.length - limit] as number) + this.limits.windowMs - t : 0;
    const ms = Math.max(wait(mine, this.limits.perRemote), mine.length > 0 ? wait(this.all, this.limits.overall) : 0);
    if (ms > 0) {
      this.byKey.set(key, mine);
      return { ok: false, retryAfterMs: ms };
    }
    mine.push(t);
    this.all.push(t);
    this.byKey.set(key, mine);
    return { ok: true, attempt: { key, at: t } };
  }

  /** The attempt's token was right: the attempt is taken back and its address's failures are forgotten. */
  succeeded(a: Attempt): void {
    this.byKey.delete(a.key);
    const i = this.all.indexOf(a.at);
    if (i >= 0) this.all.splice(i, 1);
  }

  /** Addresses with failures in the window. */
  get tracked(): number {
    this.sweep(this.now());
    return this.byKey.size;
  }

  private sweep(t: number): void {
    for (const [k, list] of this.byKey) if (recent(list, t, this.limits.windowMs).length === 0) this.byKey.delete(k);
  }
}

function recent(list: number[], t: number, windowMs: number): number[] {
  return list.filter((at) => t - at < windowMs);
}
