// The web console: an HTTPS server the agent runs on [web] listen, beside the management socket. It logs in with the
// management token (or the read-only one) into a session cookie, serves the embedded pages, and answers the pages'
// API: the live overview, the timeline, the actions (handed to the management protocol's own handler and recorded
// as mgmt-request events, like the CLI's) and the configurator. The address may not be up yet: retried until bound.
import type { Server } from "bun";
import type { ChangeGate } from "../agent/change-gate.ts";
import { type ClusterConfig, MAX_CONFIG_BYTES, renderEffective, type WebConfig } from "../config/index.ts";
import type { Role } from "../core/types.ts";
import { tcpRetryDelay, parseListen } from "../mgmt/tcp.ts";
import { readToken, TokenGate } from "../mgmt/auth.ts";
import { type MgmtLog, type MgmtStats, newStats, performRecorded, recordRequest } from "../mgmt/connection.ts";
import { type ControlHandler, type Request as MgmtRequest, validateRequest } from "../mgmt/protocol.ts";
import { readFileSync } from "node:fs";
import { ASSETS, PAGES } from "./assets.ts";
import { MAX_ACTION_BODY, MAX_LOGIN_BODY, readJsonBody } from "./body.ts";
import {
  type ApplyContext,
  type ApplyStep,
  applyEdit,
  applyRefusal,
  checkEdit,
  editRefusal,
  readRunning,
} from "./configurator.ts";
import {
  COOKIE,
  clearedCookie,
  crossSiteRefusal,
  factsOf,
  readCookie,
  SECURITY_HEADERS,
  sessionCookie,
  stateChangeRefusal,
} from "./http-security.ts";
import { keyDocs } from "./key-docs.ts";
import { liveStream } from "./live.ts";
import { LoginLimiter } from "./login-limit.ts";
import { peerState } from "./overview.ts";
import { type ConsoleRecord, KINDS } from "./record.ts";
import { type Session, Sessions, STREAMS_PER_SESSION, takeCheck } from "./session.ts";
import { timelineSvg } from "./timeline.ts";

/** What the console needs from the agent. */
export interface ConsoleDeps {
  config: ClusterConfig;
  /** The config file and authkey the agent runs with (the configurator's file). */
  files: ApplyContext["files"];
  handler: ControlHandler;
  log: MgmtLog;
  record: ConsoleRecord;
  role: () => Role;
  regenerate: ApplyContext["regenerate"];
  /** Apply and a planned switchover exclude each other (the agent's one gate). */
  gate: ChangeGate;
  now?: () => number;
  /** Tests: the delay before bind retry `attempt`. */
  retryMs?: (attempt: number) => number;
}

/** A running console. */
export interface WebConsole {
  stop(): void;
  /** The bound port, null while the bind is retried. */
  readonly port: number | null;
}

/** Largest request body: a config edit (at most MAX_CONFIG_BYTES) in JSON, with room for escapes. */
export const MAX_BODY = MAX_CONFIG_BYTES + 64 * 1024;
/** Requests being answered at once (a slow body holds one); beyond, 503 at once. Live streams count apart. */
export const MAX_IN_FLIGHT = 32;
/** Live streams over all sessions. */
export const MAX_STREAMS = 16;
/** Seconds a connection may stay silent (a slow login body among them); Apply's stream is exempt. */
export const IDLE_TIMEOUT_S = 15;

/** Start serving `web.listen` (set); throws when the token files are unusable, retries a failed bind. */
export function startConsole(web: WebConfig & { listen: string }, tokenFile: string, deps: ConsoleDeps): WebConsole {
  const gate = new TokenGate(readToken(tokenFile));
  const roGate = web.readonly_token_file
    ? new TokenGate(readToken(web.readonly_token_file, undefined, "web.readonly_token_file"))
    : null;
  const app = new ConsoleApp(web, gate, roGate, deps);
  let server: Server<undefined> | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let failures = 0;
  let stopped = false;
  const { hostname, port } = parseListen(web.listen);
  const attempt = () => {
    timer = null;
    if (stopped) return;
    try {
      const tls = { cert: readFileSync(web.tls_cert ?? "", "utf8"), key: readFileSync(web.tls_key ?? "", "utf8") };
      server = Bun.serve({
        hostname,
        port,
        tls,
        // Never Bun's development error page (a stack, the source) for an exception.
        development: false,
        idleTimeout: IDLE_TIMEOUT_S,
        maxRequestBodySize: MAX_BODY,
        fetch: (req, srv) => {
          // Apply's progress may pause for longer than the idle timeout while the initrd is built.
          if (new URL(req.url).pathname === "/api/config/apply") srv.timeout(req, 0);
          return app.handle(req, srv.requestIP(req)?.address ?? "unknown");
        },
        error: (e) => {
          deps.log.emit("error", "web-error", `web console: ${e.message}`);
          return internalError();
        },
      });
      deps.log.emit("info", "web-listening", `web console on https://${web.listen}/`, { web: web.listen });
    } catch (e) {
      failures++;
      const delay = (deps.retryMs ?? tcpRetryDelay)(failures);
      if (failures === 1 || failures % 10 === 0)
        deps.log.emit(
          "warning",
          "web-listening",
          `web console not available on ${web.listen}: ${(e as Error).message}; retrying (next in ${delay} ms)`,
          { web: web.listen, failures },
        );
      timer = setTimeout(attempt, delay);
    }
  };
  attempt();
  return {
    stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      server?.stop(true);
      server = null;
    },
    get port() {
      return server?.port ?? null;
    },
  };
}

/** Requests the console answers: routing, sessions, and each route's work. */
export class ConsoleApp {
  readonly sessions: Sessions;
  private readonly limiter: LoginLimiter;
  private readonly now: () => number;
  private readonly stats: MgmtStats = newStats();
  private readonly startedAt: number;
  private readonly peerAtStart: string;
  private loginLoggedAt = -Infinity;
  private inFlight = 0;
  private streams = 0;

  constructor(
    web: WebConfig,
    private readonly gate: TokenGate,
    private readonly roGate: TokenGate | null,
    private readonly deps: ConsoleDeps,
  ) {
    this.now = deps.now ?? Date.now;
    this.sessions = new Sessions(web.session_timeout * 1000, this.now);
    this.limiter = new LoginLimiter(this.now);
    this.startedAt = Date.now();
    this.peerAtStart = peerState(deps.handler.status(), deps.config.timers.deadtime).state;
  }

  /** One request from `remote`: a bounded number at once, and an exception answered as a plain JSON 500. */
  async handle(req: Request, remote: string): Promise<Response> {
    if (this.inFlight >= MAX_IN_FLIGHT) return json(503, { ok: false, error: "busy: too many requests at once" });
    this.inFlight++;
    try {
      return await this.route(req, remote);
    } catch (e) {
      this.deps.log.emit(
        "error",
        "web-error",
        `web console: ${req.method} ${new URL(req.url).pathname}: ${(e as Error).message}`,
      );
      return internalError();
    } finally {
      this.inFlight--;
    }
  }

  private async route(req: Request, remote: string): Promise<Response> {
    const url = new URL(req.url);
    const path = url.pathname;
    if (path === "/") return redirect("/overview");
    if (path.startsWith("/assets/")) {
      const a = Object.hasOwn(ASSETS, path.slice(8)) ? ASSETS[path.slice(8)] : undefined;
      return a === undefined ? text(404, "not found") : respond(200, a.body, { "Content-Type": a.type });
    }
    if (path === "/api/login") return this.login(req, remote);
    const cookie = readCookie(req.headers.get("cookie"), COOKIE);
    const session = this.sessions.get(cookie);
    if (Object.hasOwn(PAGES, path)) {
      if (path !== "/login" && session === null) return redirect(cookie ? "/login?ended=1" : "/login");
      return respond(200, PAGES[path] as string, { "Content-Type": "text/html; charset=utf-8" });
    }
    if (!path.startsWith("/api/")) return text(404, "not found");
    if (session === null)
      return json(401, {
        ok: false,
        error: cookie ? "session ended (expired, logged out or the agent restarted): log in again" : "not logged in",
      });
    if (req.method === "GET") return this.get(path, url, session);
    const refusal = stateChangeRefusal(factsOf(req), session);
    if (refusal !== null) {
      this.deps.log.emit(
        "warning",
        "web-refused",
        `web console refused ${req.method} ${path} from ${remote}: ${refusal}`,
        { path, remote },
      );
      return json(403, { ok: false, error: refusal });
    }
    const read = await readJsonBody(req, path === "/api/action" || path === "/api/logout" ? MAX_ACTION_BODY : MAX_BODY);
    if (!read.ok) return json(read.status, { ok: false, error: read.error });
    const body = read.value;
    switch (path) {
      case "/api/logout":
        this.sessions.close(session.id);
        return json(200, { ok: true, result: "logged out" }, { "Set-Cookie": clearedCookie() });
      case "/api/action":
        return this.action(body, session, remote);
      case "/api/config/check":
        return this.check(body, session);
      case "/api/config/apply":
        return this.apply(body, session, remote);
      default:
        return json(404, { ok: false, error: `no such API: POST ${path}` });
    }
  }

  private get(path: string, url: URL, s: Session): Response {
    switch (path) {
      case "/api/session": {
        const st = this.deps.handler.status();
        return json(200, {
          ok: true,
          result: {
            csrf: s.csrf,
            readOnly: s.readOnly,
            expiresAt: s.expiresAt,
            node: st.node,
            peer: st.peer.name,
            cluster: st.cluster,
            kinds: KINDS,
          },
        });
      }
      case "/api/live":
        return this.live(s);
      case "/api/timeline":
        return this.timeline(url);
      case "/api/config":
        return this.running(s);
      default:
        return json(404, { ok: false, error: `no such API: GET ${path}` });
    }
  }

  /** The overview's updates: a few streams per session, a bound over all. */
  private live(s: Session): Response {
    if (s.streams >= STREAMS_PER_SESSION || this.streams >= MAX_STREAMS)
      return json(429, { ok: false, error: "too many live views open: close a tab" });
    s.streams++;
    this.streams++;
    const stream = liveStream({
      config: this.deps.config,
      handler: this.deps.handler,
      record: this.deps.record,
      session: () => this.sessions.get(s.id),
      onEnd: () => {
        s.streams--;
        this.streams--;
      },
    });
    return respond(200, stream, { "Content-Type": "text/event-stream; charset=utf-8" });
  }

  private async login(req: Request, remote: string): Promise<Response> {
    const f = factsOf(req);
    if (f.method !== "POST") return json(405, { ok: false, error: "POST the token" });
    const cross = crossSiteRefusal(f);
    if (cross !== null) return json(403, { ok: false, error: cross });
    // Counted as a failure before the body is read: concurrent guesses cannot all pass the check.
    const verdict = this.limiter.attempt(remote);
    if (!verdict.ok) {
      const s = Math.ceil(verdict.retryAfterMs / 1000);
      return json(
        429,
        { ok: false, error: `too many failed logins: try again in ${s} s` },
        { "Retry-After": String(s) },
      );
    }
    const read = await readJsonBody(req, MAX_LOGIN_BODY);
    if (!read.ok) return json(read.status, { ok: false, error: read.error });
    const token = read.value.token;
    const full = this.gate.allows(token);
    const ro = !full && this.roGate !== null && this.roGate.allows(token);
    if (!full && !ro) {
      if (this.now() - this.loginLoggedAt >= 60_000) {
        this.loginLoggedAt = this.now();
        this.deps.log.emit(
          "warning",
          "web-login",
          `web console: a wrong token from ${remote} (failed logins are rate-limited)`,
          { remote },
        );
      }
      return json(401, { ok: false, error: "wrong token" });
    }
    this.limiter.succeeded(verdict.attempt);
    const s = this.sessions.open(ro, remote);
    if ("refused" in s) return json(503, { ok: false, error: `no session opened: ${s.refused}` });
    this.deps.log.emit("notice", "web-login", `web console: ${ro ? "read-only " : ""}session opened from ${remote}`, {
      remote,
      readOnly: ro,
    });
    return json(
      200,
      { ok: true, result: { readOnly: ro, expiresAt: s.expiresAt } },
      { "Set-Cookie": sessionCookie(s) },
    );
  }

  /** Takeover, standby, fence, monitor pause/resume: validated and run by the management protocol's own code. */
  private async action(body: Record<string, unknown>, s: Session, remote: string): Promise<Response> {
    const op = body.op;
    if (op !== "takeover" && op !== "standby" && op !== "fence" && op !== "monitors")
      return json(400, {
        ok: false,
        error: `unknown action ${JSON.stringify(op)}; expected takeover, standby, fence or monitors`,
      });
    // The page asked for confirmation (for a fence: the peer's name typed in): that is the request's confirm.
    const obj = op === "fence" ? { ...body, confirm: true } : body;
    const v = validateRequest(obj);
    if (!v.ok) return json(400, { ok: false, error: v.error });
    const req: MgmtRequest = v.value;
    if (req.op === "monitors" && req.action === "list")
      return json(400, { ok: false, error: "monitors list is not an action" });
    const from = `${remote} (web session ${s.id.slice(0, 8)})`;
    if (s.readOnly) {
      const reply = { ok: false as const, error: "a read-only session cannot act" };
      recordRequest(this.deps.log, describe(req), req.op, "web", from, reply);
      return json(200, reply);
    }
    return json(
      200,
      await performRecorded({ handler: this.deps.handler, stats: this.stats, log: this.deps.log }, req, "web", from),
    );
  }

  private timeline(url: URL): Response {
    const hours = Math.min(24, Math.max(0.01, Number(url.searchParams.get("hours") ?? "1") || 1));
    const to = Date.now();
    const from = Math.max(to - hours * 3600_000, this.startedAt - 1000);
    const st = this.deps.handler.status();
    const events = this.deps.record.eventsSince(from);
    const svg = timelineSvg({
      self: st.node,
      peer: st.peer.name,
      links: st.links.map((l) => l.kind),
      from,
      to,
      selfAtStart: this.deps.role(),
      peerAtStart: this.peerAtStart,
      events,
    });
    return json(200, { ok: true, result: { svg, events, from, to } });
  }

  /** The running file for the editor; a read-only session gets only the effective config, parameters hidden. */
  private running(s: Session): Response {
    const docs = keyDocs();
    if (s.readOnly) {
      const effective = renderEffective(this.deps.config, { source: this.deps.files.path, redact: true });
      const whyNot = applyRefusal(this.deps.role(), true);
      const result = { path: this.deps.files.path, text: "", sha256: "", effective, docs, readOnly: true };
      return json(200, { ok: true, result: { ...result, canApply: false, whyNot } });
    }
    const r = readRunning(this.deps.files, this.deps.config);
    if ("error" in r) return json(200, { ok: false, error: r.error });
    const why = applyRefusal(this.deps.role(), false);
    return json(200, { ok: true, result: { ...r, docs, readOnly: false, canApply: why === null, whyNot: why } });
  }

  /** An edit checked: full-access sessions only (the check opens the files the edit names), a few per second. */
  private check(body: Record<string, unknown>, s: Session): Response {
    if (s.readOnly) return json(403, { ok: false, error: "a read-only session cannot check a configuration" });
    if (typeof body.text !== "string") return json(400, { ok: false, error: 'expected {"text": the edited file}' });
    const tooBig = editRefusal(body.text);
    if (tooBig !== null) return json(413, { ok: false, error: tooBig });
    if (!takeCheck(s, this.now()))
      return json(429, { ok: false, error: "too many checks in a short time: wait a few seconds" });
    const r = readRunning(this.deps.files, this.deps.config);
    const runningText = "error" in r ? "" : r.text;
    return json(200, { ok: true, result: checkEdit(this.deps.files, body.text, runningText, this.deps.config) });
  }

  /** Apply's steps as they happen, one JSON object per line. */
  private apply(body: Record<string, unknown>, s: Session, remote: string): Response {
    if (typeof body.text !== "string" || typeof body.base !== "string")
      return json(400, { ok: false, error: 'expected {"text": the edited file, "base": the sha256 it was loaded at}' });
    const { text: edit, base } = body;
    if (s.readOnly) return json(403, { ok: false, error: applyRefusal(this.deps.role(), true) });
    const busy = this.deps.gate.begin("apply");
    if (busy !== null) return json(409, { ok: false, error: `Apply refused: ${busy}` });
    const enc = new TextEncoder();
    const log = this.deps.log;
    const ctx: ApplyContext = {
      files: this.deps.files,
      running: this.deps.config,
      role: this.deps.role,
      readOnly: s.readOnly,
      regenerate: this.deps.regenerate,
    };
    const stream = new ReadableStream<Uint8Array>({
      start: async (ctrl) => {
        const steps: ApplyStep[] = [];
        const say = (st: ApplyStep) => {
          steps.push(st);
          try {
            ctrl.enqueue(enc.encode(`${JSON.stringify(st)}\n`));
          } catch {
            // the page went away; Apply goes on and is recorded
          }
        };
        try {
          const ok = await applyEdit(ctx, edit, base, say);
          const last = steps.at(-1)?.text ?? "";
          recordRequest(
            log,
            `config apply ${this.deps.files.path}`,
            "config-apply",
            "web",
            `${remote} (web session ${s.id.slice(0, 8)})`,
            ok ? { ok: true, result: last } : { ok: false, error: last },
          );
        } catch (e) {
          say({ step: "refused", text: `Apply failed: ${(e as Error).message}` });
        } finally {
          this.deps.gate.end("apply");
          try {
            ctrl.close();
          } catch {
            // already closed by the page
          }
        }
      },
    });
    return respond(200, stream, { "Content-Type": "application/x-ndjson; charset=utf-8" });
  }
}

/** The label of an action for its mgmt-request event. */
function describe(req: MgmtRequest): string {
  if (req.op === "fence") return `fence ${req.target}${req.manual ? " (manual confirmation)" : ""}`;
  if (req.op === "monitors") return `monitors ${req.action} ${req.name ?? ""}`.trim();
  return req.op;
}

/** The answer to an exception: no detail, the security headers as on every response. */
function internalError(): Response {
  return json(500, { ok: false, error: "internal error (logged by the agent)" });
}

function respond(
  status: number,
  body: ConstructorParameters<typeof Response>[0],
  headers: Record<string, string> = {},
): Response {
  return new Response(body, { status, headers: { ...SECURITY_HEADERS, ...headers } });
}

function json(status: number, v: unknown, headers: Record<string, string> = {}): Response {
  return respond(status, JSON.stringify(v), { "Content-Type": "application/json; charset=utf-8", ...headers });
}

function text(status: number, s: string): Response {
  return respond(status, s, { "Content-Type": "text/plain; charset=utf-8" });
}

function redirect(to: string): Response {
  return respond(303, "", { Location: to });
}
