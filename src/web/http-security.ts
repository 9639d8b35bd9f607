// The HTTP rules of the console, pure: the response headers (a strict Content-Security-Policy: scripts and styles from
// the console itself only, nothing inline, nothing from elsewhere), the session cookie, and which requests may change
// anything (same origin, the session's CSRF token).
import { csrfMatches, type Session } from "./session.ts";

/** The session cookie's name: `__Host-` makes browsers refuse it unless Secure, Path=/ and without Domain. */
export const COOKIE = "__Host-cg_session";

/** No inline script or style, no plugins, no framing, nothing fetched from another origin. */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

/** Headers on every response. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": CSP,
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Strict-Transport-Security": "max-age=31536000",
  "Cache-Control": "no-store",
};

/** Set-Cookie for a new session, living as long as the session. */
export function sessionCookie(s: Session): string {
  const maxAge = Math.max(0, Math.floor((s.expiresAt - s.createdAt) / 1000));
  return `${COOKIE}=${s.id}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=${maxAge}`;
}

/** Set-Cookie that removes the session cookie (logout). */
export function clearedCookie(): string {
  return `${COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0`;
}

/** The value of cookie `name` in a Cookie header, or null. */
export function readCookie(header: string | null, name = COOKIE): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

/** What the checks look at in a request. */
export interface RequestFacts {
  method: string;
  /** The Host header (host:port), against which Origin is compared. */
  host: string | null;
  origin: string | null;
  /** Sec-Fetch-Site, sent by every current browser. */
  fetchSite: string | null;
  csrf: string | null;
  contentType: string | null;
}

/**
 * Why a request coming from another site must be refused, or null. A browser says where a request comes from in
 * Origin and Sec-Fetch-Site; either one naming another site is enough to refuse (a form posted from another page).
 */
export function crossSiteRefusal(r: RequestFacts): string | null {
  if (r.fetchSite !== null && r.fetchSite !== "same-origin" && r.fetchSite !== "none")
    return `refused: a ${r.fetchSite} request (Sec-Fetch-Site); the console only answers its own pages`;
  if (r.origin !== null && r.origin !== `https://${r.host}`)
    return `refused: Origin ${r.origin} is not this console (https://${r.host})`;
  return null;
}

/**
 * Why a state-changing request must be refused, or null: a POST with a JSON body, from this console's own pages
 * (crossSiteRefusal), carrying the session's CSRF token in X-CSRF-Token.
 */
export function stateChangeRefusal(r: RequestFacts, s: Session): string | null {
  if (r.method !== "POST") return `refused: ${r.method}; expected POST`;
  const cross = crossSiteRefusal(r);
  if (cross !== null) return cross;
  if (!(r.contentType ?? "").startsWith("application/json"))
    return `refused: body of type ${r.contentType ?? "none"}; expected application/json`;
  if (!csrfMatches(s, r.csrf)) return "refused: missing or wrong CSRF token (X-CSRF-Token); reload the page";
  return null;
}

/** The facts of a Request. */
export function factsOf(req: Request): RequestFacts {
  const h = req.headers;
  return {
    method: req.method,
    host: h.get("host"),
    origin: h.get("origin"),
    fetchSite: h.get("sec-fetch-site"),
    csrf: h.get("x-csrf-token"),
    contentType: h.get("content-type"),
  };
}
