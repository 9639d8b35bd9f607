// Fence through a Redfish BMC: ComputerSystem.Reset ForceOff, confirm PowerState Off by polling, then (reset) On.
// The device first, then one HTTP call, then reading the ComputerSystem resource.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readSecretOrWhy, runningUid } from "../config/index.ts";
import type { FenceAction, FenceDevice, FenceOutcome, PowerState } from "./device.ts";
import { awaitOff } from "./device.ts";

/** [[fencing.level]] type = "redfish", plus the poll interval (tests). */
export interface RedfishOptions {
  url: string;
  user: string;
  passwordFile: string;
  system: string;
  insecure: boolean;
  /** CA certificates (PEM) the BMC's certificate must chain to; default: the system bundle (systemCaBundle). */
  caFile?: string;
  pollMs?: number;
}

/** Confirmed only once the system resource reads PowerState "Off". */
export class RedfishFence implements FenceDevice {
  readonly name = "redfish";
  constructor(private readonly o: RedfishOptions) {}

  async fence(_target: string, action: FenceAction, signal: AbortSignal): Promise<FenceOutcome> {
    const s = await this.session();
    if (typeof s === "string") return { confirmed: false, detail: s };
    const sys = await redfishCall(s, "GET", systemPath(this.o.system), signal);
    if (!sys.ok) return { confirmed: false, detail: sys.detail };
    const reset = resetPath(sys.body, this.o.system, s.base);
    if (powerOf(sys.body).power !== "off") {
      const off = await redfishCall(s, "POST", reset, signal, { ResetType: "ForceOff" });
      // A BMC may refuse ForceOff for a system already going off (as the IPMI device allows): read PowerState again.
      if (!off.ok) {
        const now = await this.read(s, signal);
        if (now.power !== "off")
          return { confirmed: false, detail: `${off.detail}; PowerState afterwards: ${now.power} (${now.detail})` };
      }
    }
    const seen = await awaitOff((sig) => this.read(s, sig), this.o.pollMs ?? 500, signal);
    if (!seen.off) return { confirmed: false, detail: `ForceOff sent to ${reset}, ${seen.detail}` };
    const confirmed = `system ${this.o.system}: ${seen.detail} (confirmed after ${seen.polls} polls)`;
    if (action === "off") return { confirmed: true, detail: confirmed };
    const on = await redfishCall(s, "POST", reset, signal, { ResetType: "On" });
    return { confirmed: true, detail: `${confirmed}; ${on.ok ? "On sent" : `On failed: ${on.detail}`}` };
  }

  /** GET Systems/<id> and read PowerState; no answer is unknown. */
  async status(_target: string, signal: AbortSignal): Promise<PowerState> {
    const s = await this.session();
    return typeof s === "string" ? { power: "unknown", detail: s } : this.read(s, signal);
  }

  private session(): Promise<RedfishSession | string> {
    return openSession(this.o.url, this.o.user, this.o.passwordFile, this.o.insecure, this.o.caFile);
  }

  private async read(s: RedfishSession, signal: AbortSignal): Promise<PowerState> {
    const r = await redfishCall(s, "GET", systemPath(this.o.system), signal);
    return r.ok ? powerOf(r.body) : { power: "unknown", detail: r.detail };
  }
}

// One Redfish HTTP call with Basic auth through Bun's fetch: JSON in, JSON out, every failure as one line.

/** Where and how to talk to one Redfish service. */
export interface RedfishSession {
  /** Origin plus any path prefix, without a trailing slash or /redfish/v1. */
  base: string;
  authorization: string;
  insecure: boolean;
  /** The CA certificates https is verified against (PEM), and the file they came from; none: Bun's built-in roots. */
  ca?: { pem: string; file: string };
}

/** A 2xx reply's JSON body (empty for 204), or one line saying why there was none. */
export type RedfishReply = { ok: true; status: number; body: Record<string, unknown> } | { ok: false; detail: string };

/**
 * Build a session, reading the password now under the secret-file rules (one trailing newline dropped), and for
 * https with verification the CA certificates (caFile, else the system bundle); a string saying why when refused.
 */
export async function openSession(
  url: string,
  user: string,
  passwordFile: string,
  insecure: boolean,
  caFile?: string,
): Promise<RedfishSession | string> {
  const secret = readSecretOrWhy(passwordFile, {
    requireUid: runningUid(),
    holding: "the BMC password",
    configKey: "password_file",
  });
  if ("why" in secret) return `password_file refused: ${secret.why}`;
  const password = Buffer.from(secret.bytes)
    .toString("utf8")
    .replace(/\r?\n$/, "");
  const base = url.replace(/\/+$/, "").replace(/\/redfish\/v1$/, "");
  const s: RedfishSession = {
    base,
    authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`,
    insecure,
  };
  const file = insecure || !url.startsWith("https:") ? undefined : (caFile ?? systemCaBundle());
  if (file === undefined) return s;
  try {
    return { ...s, ca: { pem: readFileSync(file, "utf8"), file } };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    return `${caFile === undefined ? "the system CA bundle" : "ca_file"} ${file} cannot be read (${code}): https to the BMC cannot be verified`;
  }
}

/** Where distributions keep the system's CA bundle (Debian/Ubuntu, then Fedora/RHEL/SUSE). */
export const SYSTEM_CA_BUNDLES = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"];

/** The first system CA bundle present under `root` (its path as seen from inside root), or undefined. */
export function systemCaBundle(root = "/"): string | undefined {
  return SYSTEM_CA_BUNDLES.find((f) => existsSync(join(root, f)));
}

/** GET or POST `path` (absolute, /redfish/v1/...); never rejects. */
export async function redfishCall(
  s: RedfishSession,
  method: "GET" | "POST",
  path: string,
  signal: AbortSignal,
  body?: unknown,
): Promise<RedfishReply> {
  const what = `${method} ${path}`;
  let res: Response;
  try {
    res = await fetch(`${s.base}${path}`, {
      method,
      headers: {
        Authorization: s.authorization,
        Accept: "application/json",
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      redirect: "manual",
      ...(s.insecure ? { tls: { rejectUnauthorized: false } } : s.ca ? { tls: { ca: s.ca.pem } } : {}),
    });
  } catch (e) {
    return { ok: false, detail: `${what}: ${fetchFailure(e, s)}` };
  }
  if (res.status >= 300 && res.status < 400)
    return {
      ok: false,
      detail: `${what}: ${res.status} redirect to ${res.headers.get("location") ?? "?"} (set url to the service's own address)`,
    };
  const text = await res.text().catch(() => "");
  let json: Record<string, unknown> = {};
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    if (res.ok) return { ok: false, detail: `${what}: ${res.status} with a body that is not JSON` };
  }
  if (!res.ok)
    return {
      ok: false,
      detail: `${what}: ${res.status} ${res.statusText}${statusHint(res.status)}${redfishMessage(json)}`,
    };
  return { ok: true, status: res.status, body: json };
}

/** Why fetch threw: timeout, TLS, refused, unresolved. */
function fetchFailure(e: unknown, s: RedfishSession): string {
  const err = e as { name?: string; code?: string; message?: string };
  if (err.name === "AbortError" || err.name === "TimeoutError") return "no answer before the fence time ran out";
  const code = err.code ? `${err.code}: ` : "";
  const tls =
    /CERT|SSL|TLS|SIGNATURE/i.test(`${err.code} ${err.message}`) && !s.insecure
      ? ` (TLS verification failed${s.ca ? ` against ${s.ca.file}` : ""}; set ca_file to the CA that signed the BMC's certificate, or insecure = true for a self-signed one)`
      : "";
  return `${code}${err.message ?? String(e)}${tls}`;
}

/** What a 401 or 404 usually means here. */
function statusHint(status: number): string {
  if (status === 401) return " (check user and password_file)";
  if (status === 404) return " (no such resource: check url and system)";
  return "";
}

/** The message in a Redfish error body ({"error": {"message", "@Message.ExtendedInfo": [{"Message"}]}}). */
function redfishMessage(json: Record<string, unknown>): string {
  const err = json.error as { message?: unknown; "@Message.ExtendedInfo"?: { Message?: unknown }[] } | undefined;
  const msg = err?.["@Message.ExtendedInfo"]?.[0]?.Message ?? err?.message;
  return typeof msg === "string" ? `: ${msg.slice(0, 200)}` : "";
}

// Read a Redfish ComputerSystem resource: its PowerState, and where its ComputerSystem.Reset action lives.

/** The conventional path of Systems/<id>. */
export function systemPath(system: string): string {
  return `/redfish/v1/Systems/${encodeURIComponent(system)}`;
}

/** PowerState "Off" is off; On, PoweringOn, PoweringOff and Paused may still hold the disk, so they are on. */
export function powerOf(body: Record<string, unknown>): PowerState {
  const ps = body.PowerState;
  if (ps === "Off") return { power: "off", detail: "PowerState Off" };
  if (typeof ps === "string" && ps !== "") return { power: "on", detail: `PowerState ${ps}` };
  return { power: "unknown", detail: "the system resource has no PowerState" };
}

/** The Reset action's target from Actions."#ComputerSystem.Reset".target (same origin only), else the conventional path. */
export function resetPath(body: Record<string, unknown>, fallbackSystem: string, base: string): string {
  const actions = body.Actions as Record<string, { target?: unknown } | undefined> | undefined;
  const target = actions?.["#ComputerSystem.Reset"]?.target;
  if (typeof target === "string" && target !== "") {
    // Credentials go with the POST: never follow a target to another host.
    const u = URL.parse(target, `${base}/`);
    if (u && u.origin === URL.parse(base)?.origin) return u.pathname + u.search;
  }
  const id =
    typeof body["@odata.id"] === "string" && (body["@odata.id"] as string).startsWith("/")
      ? (body["@odata.id"] as string)
      : systemPath(fallbackSystem);
  return `${id.replace(/\/+$/, "")}/Actions/ComputerSystem.Reset`;
}
