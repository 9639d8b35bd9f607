// One Redfish HTTP call with Basic auth through Bun's fetch: JSON in, JSON out, every failure as one line.
import { readSecretOrWhy, runningUid } from "../config/secret-file.ts";

/** Where and how to talk to one Redfish service. */
export interface RedfishSession {
  /** Origin plus any path prefix, without a trailing slash or /redfish/v1. */
  base: string;
  authorization: string;
  insecure: boolean;
}

/** A 2xx reply's JSON body (empty for 204), or one line saying why there was none. */
export type RedfishReply = { ok: true; status: number; body: Record<string, unknown> } | { ok: false; detail: string };

/** Build a session, reading the password now under the secret-file rules (one trailing newline dropped); a string saying why when refused. */
export async function openSession(url: string, user: string, passwordFile: string, insecure: boolean): Promise<RedfishSession | string> {
  const secret = readSecretOrWhy(passwordFile, { requireUid: runningUid(), holding: "the BMC password", configKey: "password_file" });
  if ("why" in secret) return `password_file refused: ${secret.why}`;
  const password = Buffer.from(secret.bytes).toString("utf8").replace(/\r?\n$/, "");
  const base = url.replace(/\/+$/, "").replace(/\/redfish\/v1$/, "");
  return { base, authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`, insecure };
}

/** GET or POST `path` (absolute, /redfish/v1/...); never rejects. */
export async function redfishCall(s: RedfishSession, method: "GET" | "POST", path: string, signal: AbortSignal, body?: unknown): Promise<RedfishReply> {
  const what = `${method} ${path}`;
  let res: Response;
  try {
    res = await fetch(`${s.base}${path}`, {
      method,
      headers: { Authorization: s.authorization, Accept: "application/json", ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      redirect: "manual",
      ...(s.insecure ? { tls: { rejectUnauthorized: false } } : {}),
    });
  } catch (e) {
    return { ok: false, detail: `${what}: ${fetchFailure(e, s)}` };
  }
  if (res.status >= 300 && res.status < 400) return { ok: false, detail: `${what}: ${res.status} redirect to ${res.headers.get("location") ?? "?"} (set url to the service's own address)` };
  const text = await res.text().catch(() => "");
  let json: Record<string, unknown> = {};
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    if (res.ok) return { ok: false, detail: `${what}: ${res.status} with a body that is not JSON` };
  }
  if (!res.ok) return { ok: false, detail: `${what}: ${res.status} ${res.statusText}${statusHint(res.status)}${redfishMessage(json)}` };
  return { ok: true, status: res.status, body: json };
}

/** Why fetch threw: timeout, TLS, refused, unresolved. */
function fetchFailure(e: unknown, s: RedfishSession): string {
  const err = e as { name?: string; code?: string; message?: string };
  if (err.name === "AbortError" || err.name === "TimeoutError") return "no answer before the fence time ran out";
  const code = err.code ? `${err.code}: ` : "";
  const tls = /CERT|SSL|TLS|SIGNATURE/i.test(`${err.code} ${err.message}`) && !s.insecure ? " (TLS verification failed; set insecure = true only for a BMC with a self-signed certificate)" : "";
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
