// The http and tcp built-ins against a real Bun.serve server and a real TCP listener.
import { selfSignedCert } from "../helpers/tls.ts";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import http from "../../src/monitor/builtin/http.ts";
import tcp from "../../src/monitor/builtin/tcp.ts";
import type { Params } from "../../src/monitor/api.ts";
import { withDefaults } from "../../src/monitor/contract.ts";
import { context } from "./helpers.ts";

const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(req) {
    const path = new URL(req.url).pathname;
    if (path === "/ok") return new Response("hello clusterguard");
    if (path === "/down") return new Response("maintenance", { status: 503 });
    if (path === "/moved") return new Response(null, { status: 301, headers: { location: "/ok" } });
    if (path === "/slow") {
      await Bun.sleep(2000);
      return new Response("late");
    }
    return new Response("no", { status: 404 });
  },
});
const base = `http://127.0.0.1:${server.port}`;
/** Every folder this file makes, removed at the end. */
const tmp = mkdtempSync(join(tmpdir(), "cg-mon-http-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

const monitorHttp = (params: Params, timeout = 2000) =>
  http.monitor(context(withDefaults(http.meta, params), timeout).ctx);

test("http: the expected status is running, another status is a soft error", async () => {
  assert.equal(await monitorHttp({ url: `${base}/ok` }), { result: "running", reason: "HTTP 200" });
  const down = await monitorHttp({ url: `${base}/down` });
  assert.is(down.result, "soft-error");
  assert.match(down.reason, /HTTP 503; expected 200/);
  assert.is((await monitorHttp({ url: `${base}/down`, expect_status: 503 })).result, "running");
});

test("http: redirects are not followed, so expect_status can ask for one", async () => {
  assert.is((await monitorHttp({ url: `${base}/moved` })).result, "soft-error");
  assert.is((await monitorHttp({ url: `${base}/moved`, expect_status: 301 })).result, "running");
});

test("http: expect_body must be a substring of the body", async () => {
  assert.is((await monitorHttp({ url: `${base}/ok`, expect_body: "clusterguard" })).result, "running");
  const r = await monitorHttp({ url: `${base}/ok`, expect_body: "pacemaker" });
  assert.is(r.result, "soft-error");
  assert.match(r.reason, /body lacks "pacemaker"/);
});

test("http: a refused connection is not-running; an aborted request says so", async () => {
  const closed = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("") });
  const url = `http://127.0.0.1:${closed.port}/`;
  closed.stop(true);
  assert.is((await monitorHttp({ url })).result, "not-running");
  const { ctx, abort } = context(withDefaults(http.meta, { url: `${base}/slow` }));
  setTimeout(() => abort.abort(), 100);
  const t0 = Date.now();
  const r = await http.monitor(ctx);
  assert.ok(Date.now() - t0 < 1000);
  assert.equal(r, { result: "soft-error", reason: `GET ${base}/slow aborted (timeout)` });
});

test("http: a self-signed certificate is refused unless insecure = true", async () => {
  const dir = mkdtempSync(join(tmp, "tls-"));
  const pem = selfSignedCert(dir);
  const tls = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    tls: { key: Bun.file(pem.key), cert: Bun.file(pem.cert) },
    fetch: () => new Response("secure"),
  });
  try {
    const url = `https://127.0.0.1:${tls.port}/`;
    const strict = await monitorHttp({ url });
    assert.is(strict.result, "soft-error");
    assert.match(strict.reason, /SELF_SIGNED|self.signed/i);
    assert.equal(await monitorHttp({ url, insecure: true, expect_body: "secure" }), {
      result: "running",
      reason: 'HTTP 200, body has "secure"',
    });
  } finally {
    tls.stop(true);
  }
});

test("http: validate names bad parameters", async () => {
  const v = (p: Params) => http.validate(p);
  assert.equal(await v({ url: `${base}/ok` }), []);
  assert.equal(await v({ url: "ftp://x", expect_status: 99, insecure: "yes" }), [
    'parameter insecure = "yes": expected true or false',
    'parameter url = "ftp://x": expected an http:// or https:// URL',
    "parameter expect_status = 99: expected an HTTP status from 100 to 599",
  ]);
  assert.match((await v({}))[0] ?? "", /parameter url: missing/);
});

function listen(): Promise<Server> {
  return new Promise((resolve) => {
    const s = createServer((sock) => sock.end());
    s.listen(0, "127.0.0.1", () => resolve(s));
  });
}

test("tcp: a listening port is running; a closed one is not-running", async () => {
  const s = await listen();
  const port = (s.address() as { port: number }).port;
  const r = await tcp.monitor(context({ host: "127.0.0.1", port }).ctx);
  assert.is(r.result, "running");
  assert.match(r.reason, new RegExp(`connected to 127\\.0\\.0\\.1:${port} in \\d+ ms`));
  await new Promise((res) => s.close(res));
  const gone = await tcp.monitor(context({ host: "127.0.0.1", port }).ctx);
  assert.equal(gone, { result: "not-running", reason: `connection to 127.0.0.1:${port} refused` });
});

test("tcp: an aborted signal ends the connect attempt as a soft error", async () => {
  const { ctx, abort } = context({ host: "127.0.0.1", port: 9 });
  abort.abort();
  assert.equal(await tcp.monitor(ctx), { result: "soft-error", reason: "connect to 127.0.0.1:9 aborted (timeout)" });
});

test("tcp: validate wants a port from 1 to 65535 and a host", async () => {
  const v = (p: Params) => tcp.validate(withDefaults(tcp.meta, p));
  assert.equal(await v({ port: 80 }), []);
  assert.equal(await v({ port: 70000, host: "not a host" }), [
    'parameter host = "not a host": expected a host name or IP address',
    "parameter port = 70000: expected an integer from 1 to 65535",
  ]);
  assert.match((await v({}))[0] ?? "", /parameter port: missing/);
});

test.after(() => {
  server.stop(true);
});

test.run();
