// Built-in "http": a GET answers with the expected status (and body substring) within the timeout.
import { isHttpUrl } from "../../config/index.ts";
import { definePlugin, type MonitorResult, type Params, type PluginContext } from "../api.ts";
import { collect } from "../run-process.ts";
import { bool, checkParams, int, str, show } from "../contract.ts";

/** Bytes of the body searched for expect_body. */
const MAX_BODY = 1024 * 1024;

/** What a probe needs. */
export interface HttpProbe {
  url: string;
  expectStatus: number;
  expectBody: string;
  insecure: boolean;
}

/** GET `p.url` (redirects not followed, like keepalived's HTTP_GET) and judge status and body. */
export async function probeHttp(p: HttpProbe, signal: AbortSignal): Promise<MonitorResult> {
  let res: Response;
  try {
    res = await fetch(p.url, {
      signal,
      redirect: "manual",
      headers: { "user-agent": "clusterguard-monitor" },
      ...(p.insecure ? { tls: { rejectUnauthorized: false } } : {}),
    });
  } catch (e) {
    if (signal.aborted) return { result: "soft-error", reason: `GET ${p.url} aborted (timeout)` };
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ECONNREFUSED") return { result: "not-running", reason: `GET ${p.url}: connection refused` };
    return { result: "soft-error", reason: `GET ${p.url}: ${code ?? (e as Error).message}` };
  }
  if (res.status !== p.expectStatus) {
    await res.body?.cancel().catch(() => {});
    return { result: "soft-error", reason: `GET ${p.url}: HTTP ${res.status}; expected ${p.expectStatus}` };
  }
  if (p.expectBody === "") {
    await res.body?.cancel().catch(() => {});
    return { result: "running", reason: `HTTP ${res.status}` };
  }
  const body = res.body === null ? "" : (await collect(res.body, MAX_BODY).done).text;
  if (!body.includes(p.expectBody))
    return {
      result: "soft-error",
      reason: `GET ${p.url}: HTTP ${res.status} but the body lacks ${show(p.expectBody)}`,
    };
  return { result: "running", reason: `HTTP ${res.status}, body has ${show(p.expectBody)}` };
}

function problems(params: Params): string[] {
  const out = checkParams(http.meta, params);
  const { url, expect_status: st } = params;
  if (typeof url === "string" && !isHttpUrl(url))
    out.push(`parameter url = ${show(url)}: expected an http:// or https:// URL`);
  if (typeof st === "number" && (st < 100 || st > 599))
    out.push(`parameter expect_status = ${st}: expected an HTTP status from 100 to 599`);
  return out;
}

/** The plugin. */
const http = definePlugin({
  meta: {
    name: "http",
    description: "an HTTP(S) GET answers with the expected status and body",
    parameters: {
      url: { type: "string", required: true, doc: "http:// or https:// URL" },
      expect_status: { type: "int", default: 200, doc: "the expected status (redirects are not followed)" },
      expect_body: { type: "string", default: "", doc: "a substring the body must contain (empty: not checked)" },
      insecure: { type: "bool", default: false, doc: "accept any TLS certificate" },
    },
    interval: 10000,
    timeout: 5000,
  },
  validate: (params: Params) => problems(params),
  monitor: (ctx: PluginContext) =>
    probeHttp(
      {
        url: str(ctx.params, "url"),
        expectStatus: int(ctx.params, "expect_status", 200),
        expectBody: str(ctx.params, "expect_body"),
        insecure: bool(ctx.params, "insecure", false),
      },
      ctx.signal,
    ),
});

export default http;
