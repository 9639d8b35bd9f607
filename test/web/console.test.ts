// The web console in a real browser (headless Chromium), against a real agent and guards in host mode: log in (a
// wrong token too), a monitor's hostile reason shown as text, actions with their answers and refusals, a cross-site
// POST refused, a config edit's error at its line and Apply, the peer turning DEAD then FENCED, the timeline, the
// session's end, and a standby round trip. A screenshot of each page goes to test/web/screenshots/.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "puppeteer-core";
import { selfSignedCert } from "../helpers/tls.ts";
import type { GuardProcess } from "../harness/guard-process.ts";
import { HARNESS_TIMERS as T, Pair } from "../harness/pair.ts";
import { launchBrowser, screenshot as saveScreenshot, textOf, waitText } from "../helpers/browser.ts";

const SCREENSHOTS = join(import.meta.dir, "screenshots");
/** Save a PNG of the whole page as test/web/screenshots/`name`.png (not committed). */
const screenshot = (page: Page, name: string) => saveScreenshot(page, SCREENSHOTS, name);
const WEB_PORT = 18741;
const URL = `https://localhost:${WEB_PORT}`;
const SESSION_S = 20;
const TOKEN = "console-test-token-0123456789";
const RO_TOKEN = "console-read-only-token-98765";

const files = mkdtempSync(join(tmpdir(), "cg-web-"));
const secret = (name: string, text: string) => {
  const p = join(files, name);
  writeFileSync(p, text, { mode: 0o600 });
  return p;
};
const script = (name: string, text: string) => {
  const p = join(files, name);
  writeFileSync(p, text);
  chmodSync(p, 0o755);
  return p;
};
const tls = selfSignedCert(files);
const XSS = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`;
const extra = `
[management]
token_file = "${secret("token", TOKEN)}"

[web]
listen = "127.0.0.1:${WEB_PORT}"
tls_cert = "${tls.cert}"
tls_key = "${tls.key}"
readonly_token_file = "${secret("ro-token", RO_TOKEN)}"
session_timeout = ${SESSION_S}

[[monitor]]
name = "evil"
plugin = "command"
interval = 1000
timeout = 800
fall = 1
on_fail = "stop"
params = { path = "${script("evil.sh", `#!/bin/sh\necho '${XSS}'\nexit 1\n`)}" }

[[monitor]]
name = "steady"
plugin = "command"
interval = 1000
timeout = 800
params = { path = "/bin/true" }
`;

const pair = new Pair(18730, T, true, extra);
let agent: GuardProcess;
let guardA: GuardProcess;
let browser: Browser;

test.before(async () => {
  await pair.setup();
  const sock = join(pair.dir, "handover.sock");
  guardA = pair.start("a", ["--handover-socket", sock]);
  const b = pair.start("b");
  await pair.until(() => guardA.role === "ACTIVE" && b.role === "STANDBY", 15000, "a ACTIVE, b STANDBY");
  agent = pair.start(
    "a",
    [
      "--handover-socket",
      sock,
      "--handover-file",
      join(pair.dir, "h.json"),
      "--management-socket",
      join(pair.dir, "mgmt.sock"),
    ],
    "agent",
  );
  await pair.until(
    () => agent.find("web-listening", (e) => /web console on/.test(e.message)) !== undefined,
    15000,
    "the console listening",
  );
  browser = await launchBrowser();
});

test.after(async () => {
  await browser?.close();
  await guardA?.stop();
  await pair.teardown();
  rmSync(files, { recursive: true, force: true });
});

/** A fresh page logged in with `token`, on the overview. */
async function login(token = TOKEN): Promise<Page> {
  const page = await (await browser.createBrowserContext()).newPage();
  await page.setViewport({ width: 1200, height: 900 });
  await page.goto(`${URL}/overview`);
  assert.match(page.url(), /\/login$/, "a page without a session sends the browser to the login");
  await page.type("#token", token);
  await Promise.all([page.waitForNavigation(), page.click("#submit")]);
  assert.match(page.url(), /\/overview$/);
  return page;
}

/** Click an action button, confirm (typing `typed` when asked), and return the answer box's text. */
async function act(page: Page, button: string, typed?: string): Promise<string> {
  await page.click(button);
  await page.waitForSelector("dialog#confirm[open]");
  if (typed !== undefined) await page.type("#confirm-typed", typed);
  await page.click("#confirm-go");
  return waitText(
    page,
    "#answer",
    (t) => !/waiting for the agent/.test(t) && t !== "",
    20000,
    `the answer to ${button}`,
  );
}

test("log in: a wrong token is refused with a message; the right one opens the overview with a strict session cookie", async () => {
  const page = await (await browser.createBrowserContext()).newPage();
  await page.goto(`${URL}/`);
  assert.match(page.url(), /\/login$/);
  await page.type("#token", "not-the-token-at-all-xxxxxxxx");
  await page.click("#submit");
  await waitText(page, "#error", (t) => t === "wrong token", 5000, "the wrong-token message");
  assert.match(page.url(), /\/login$/, "still on the login page");
  await page.close();

  const ok = await login();
  const cookies = await ok.browserContext().cookies();
  const c = cookies.find((x) => x.name === "__Host-cg_session");
  assert.ok(c, JSON.stringify(cookies));
  assert.is(c.httpOnly, true);
  assert.is(c.secure, true);
  assert.is(c.sameSite, "Strict");
  assert.ok(
    c.expires > Date.now() / 1000 && c.expires <= Date.now() / 1000 + SESSION_S + 2,
    "the cookie expires with the session",
  );
  assert.is(await ok.evaluate("document.cookie"), "", "the page's scripts cannot read the session cookie");
  await waitText(ok, "#state-self", (t) => t === "ACTIVE", 5000, "this node ACTIVE");
  await waitText(ok, "#state-peer", (t) => t === "STANDBY", 5000, "the peer STANDBY");
  const csp = (await ok.goto(`${URL}/overview`))?.headers()["content-security-policy"] ?? "";
  assert.match(csp, /script-src 'self'/);
  assert.not.match(csp, /unsafe-inline/);
  await waitText(ok, "#state-peer", (t) => t === "STANDBY", 5000, "the peer STANDBY after reload");
  await Bun.sleep(3000); // a few seconds of heartbeat arrivals on the charts
  await screenshot(ok, "overview");
  await ok.close();
});

test("a monitor's hostile reason string is shown as text, never run or parsed as HTML", async () => {
  const page = await login();
  const reason = await waitText(
    page,
    "#monitor-evil .reason",
    (t) => t.includes("<img"),
    10000,
    "the evil monitor's reason",
  );
  assert.ok(reason.includes(XSS), reason);
  assert.is(await page.evaluate("window.__xss"), undefined, "no script ran");
  assert.is(await page.evaluate(`document.querySelectorAll("#monitors img, #monitors script").length`), 0);
  await page.close();
});

test("pause and resume a monitor, takeover, and a manual confirmation refused with the agent's reason; each recorded as mgmt-request", async () => {
  const page = await login();
  await page.waitForSelector('#monitor-steady button[data-do="pause"]');
  assert.match(await act(page, '#monitor-steady button[data-do="pause"]'), /pause steady: the agent answered/);
  await waitText(page, "#monitor-steady td:nth-child(3)", (t) => t === "paused", 5000, "steady paused");
  await page.waitForSelector('#monitor-steady button[data-do="resume"]');
  assert.match(await act(page, '#monitor-steady button[data-do="resume"]'), /resume steady: the agent answered/);
  await waitText(page, "#monitor-steady td:nth-child(3)", (t) => t !== "paused", 5000, "steady resumed");
  const takeover = await act(page, "#act-takeover");
  assert.match(takeover, /takeover: the agent answered\s*this node is already ACTIVE/);
  // The manual confirmation while the peer is heard: refused, and the page shows the agent's reason.
  const refused = await act(page, "#act-confirm-off", "b");
  assert.match(refused, /confirm b off: refused/);
  assert.ok(
    agent.find("mgmt-request", (e) => /^monitors pause steady via web from .*: done$/.test(e.message)),
    agent.describe(),
  );
  assert.ok(
    agent.find("mgmt-request", (e) => /^takeover via web from .*: done$/.test(e.message)),
    agent.describe(),
  );
  assert.ok(
    agent.find("mgmt-request", (e) => /^fence b via web from .*: refused: /.test(e.message)),
    agent.describe(),
  );
  console.log(`    confirm-off while b is heard: ${refused.replace(/\s+/g, " ")}`);
  await screenshot(page, "overview-refused");
  await page.close();
});

test("a read-only session watches but cannot act or apply", async () => {
  const page = await login(RO_TOKEN);
  await waitText(page, "#who", (t) => /read-only/.test(t), 5000, "the read-only mark");
  assert.is(await page.$eval("#act-standby", (b) => (b as unknown as { disabled: boolean }).disabled), true);
  const r = await page.evaluate(async () => {
    const s = (await (await fetch("/api/session")).json()) as { result: { csrf: string } };
    const res = await fetch("/api/action", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": s.result.csrf },
      body: JSON.stringify({ op: "standby" }),
    });
    return res.json();
  });
  assert.equal(r, { ok: false, error: "a read-only session cannot act" });
  await page.goto(`${URL}/config`);
  await waitText(page, "#why-not", (t) => /read-only session cannot apply/.test(t), 5000, "Apply refused to read-only");
  await page.close();
});

test("a POST without the CSRF token is refused, and so is a form posted from another site", async () => {
  const page = await login();
  const standbys = agent.events.filter((e) => e.event === "mgmt-request" && /^standby via web/.test(e.message)).length;
  const r = await page.evaluate(async () => {
    const res = await fetch("/api/action", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ op: "standby" }),
    });
    return { status: res.status, body: (await res.json()) as { error: string } };
  });
  assert.is(r.status, 403);
  assert.match(r.body.error, /CSRF/);
  // Another site (another origin) posts a form at the console, in the same browser that is logged in.
  const evil = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: () =>
      new Response(
        `<form id=f method=POST action="${URL}/api/action" enctype="text/plain"><input name='{"op":"standby","x":"' value='"}'></form><script>document.getElementById("f").submit()</script>`,
        { headers: { "Content-Type": "text/html" } },
      ),
  });
  try {
    const other = await page.browserContext().newPage();
    await Promise.all([other.waitForNavigation(), other.goto(`http://127.0.0.1:${evil.port}/`)]);
    await other.waitForFunction(`location.pathname === "/api/action"`);
    const body = String(await other.evaluate("document.body.textContent"));
    assert.match(body, /"ok":false/, body);
    await other.close();
  } finally {
    evil.stop(true);
  }
  assert.is(
    agent.events.filter((e) => e.event === "mgmt-request" && /^standby via web/.test(e.message)).length,
    standbys,
    "no standby was asked for",
  );
  await waitText(page, "#state-self", (t) => t === "ACTIVE", 3000, "still ACTIVE");
  await page.close();
});

test("the configurator: an invalid edit shows config check's error at its line; a valid one is applied with a backup", async () => {
  const page = await login();
  await page.goto(`${URL}/config`);
  await waitText(page, "#verdict", (t) => t === "valid", 10000, "the running file valid");
  const original = readFileSync(pair.cfg, "utf8");
  const line = original.split("\n").findIndex((l) => l.startsWith("deadtime")) + 1;
  assert.ok(line > 0);
  await page.$eval(
    "#editor",
    (ta, text) => {
      (ta as unknown as { value: string }).value = text as string;
      ta.dispatchEvent(new Event("input"));
    },
    original.replace(/^deadtime = \d+$/m, "deadtime = 10"),
  );
  const err = await waitText(page, "#errors li", (t) => t.includes("deadtime"), 5000, "the deadtime error");
  assert.ok(err.startsWith(`${pair.cfg}:${line}: timers.deadtime = 10: expected `), err);
  assert.is(
    await page.$eval(`#gutter div[data-line="${line}"]`, (d) => d.className),
    "err",
    "the gutter marks the line",
  );
  assert.is(
    await page.$eval("#apply", (b) => (b as unknown as { disabled: boolean }).disabled),
    true,
    "an invalid edit cannot be applied",
  );
  // A click on the error puts the cursor on its line: the key's documentation from the schema shows.
  await page.click("#errors li");
  const doc = await waitText(page, "#keydoc", (t) => t.startsWith("timers.deadtime"), 5000, "the key's documentation");
  assert.match(doc, /accepts an integer/);
  await screenshot(page, "config-invalid");

  await page.$eval(
    "#editor",
    (ta, text) => {
      (ta as unknown as { value: string }).value = text as string;
      ta.dispatchEvent(new Event("input"));
    },
    `# edited in the web console\n${original}`,
  );
  await waitText(page, "#verdict", (t) => t === "valid", 5000, "the edit valid");
  await waitText(page, "#diff", (t) => t.includes("+    1  # edited in the web console"), 5000, "the diff");
  await page.waitForFunction(`!document.getElementById("apply").disabled`);
  await page.click("#apply");
  await page.waitForSelector("dialog#confirm[open]");
  await page.click("#confirm-go");
  const progress = await waitText(page, "#progress", (t) => /\[(done|refused)\]/.test(t), 15000, "Apply's end");
  assert.match(progress, /\[backup\] the running file is kept as /);
  assert.match(progress, /\[initrd\] guard initrd NOT regenerated: host mode/);
  assert.match(progress, /\[done\]/);
  assert.ok(readFileSync(pair.cfg, "utf8").startsWith("# edited in the web console\n"));
  const backups = readdirSync(pair.dir).filter((f) => /^clusterguard\.toml\..*\.bak$/.test(f));
  assert.is(backups.length, 1);
  assert.is(readFileSync(join(pair.dir, backups[0]!), "utf8"), original, "the backup is the running file as it was");
  assert.ok(
    agent.find("mgmt-request", (e) => /^config apply .* via web from .*: done$/.test(e.message)),
    agent.describe(),
  );
  await screenshot(page, "config-applied");
  await page.close();
});

test("the overview turns the peer DEAD when the harness kills it, then FENCED after a fence typed in the console", async () => {
  const page = await login();
  await waitText(page, "#state-peer", (t) => t === "STANDBY", 5000, "the peer STANDBY");
  await pair.node("b").stop();
  await waitText(page, "#state-peer", (t) => t === "DEAD", 10000, "the peer DEAD");
  await screenshot(page, "overview-peer-dead");
  const fencesBefore = pair.fenceCalls("a").length;
  assert.match(await act(page, "#act-fence", "b"), /fence b: the agent answered/);
  await waitText(page, "#state-peer", (t) => t === "FENCED", 5000, "the peer FENCED");
  await waitText(page, "#fence-state", (t) => t === "confirmed", 5000, "the fence confirmed");
  assert.is(pair.fenceCalls("a").length, fencesBefore + 1, "one fence ran");
  await screenshot(page, "overview-peer-fenced");
  await page.close();
});

test("the fenced peer boots again and the overview shows it STANDBY", async () => {
  const page = await login();
  pair.start("b");
  await waitText(page, "#state-peer", (t) => t === "STANDBY", 15000, "the peer STANDBY again");
  await page.close();
});

test("the timeline draws both nodes and lists the events, filtered by kind", async () => {
  const page = await login();
  await page.goto(`${URL}/timeline`);
  await page.waitForSelector("#picture svg rect");
  await page.waitForSelector("#events tr.ev-fence");
  const events = await page.$$eval("#events tr.ev td:nth-child(4)", (tds) => tds.map((t) => t.textContent));
  for (const e of ["fence-confirmed", "peer-lost", "mgmt-request", "peer-role", "link-dead"])
    assert.ok(events.includes(e), `${e} in ${events}`);
  const labels = await page.$$eval("#picture svg text", (ts) => ts.map((t) => t.textContent));
  assert.ok(labels.includes("node a") && labels.includes("node b"), String(labels));
  assert.ok(labels.includes("fenced"), "the fence is marked");
  await page.click('input[data-kind="admin"]');
  assert.is(await page.$$eval("#events tr.ev-admin", (r) => r.length), 0, "admin events filtered out");
  assert.ok((await page.$$eval("#events tr.ev-fence", (r) => r.length)) > 0);
  await screenshot(page, "timeline");
  await page.close();
});

test("the session ends after web.session_timeout: the page goes back to the login and says so", async () => {
  const page = await login();
  await page.waitForFunction(`location.pathname === "/login"`, { timeout: (SESSION_S + 10) * 1000 });
  assert.match(page.url(), /\/login\?ended=1$/);
  assert.is(await page.$eval("#ended", (p) => (p as unknown as { hidden: boolean }).hidden), false);
  await screenshot(page, "login-session-ended");
  const r = await page.evaluate(async () => (await fetch("/api/session")).status);
  assert.is(r, 401);
  await page.close();
});

test("standby round trip: the agent hands over to b, the console says so, then shows the connection lost", async () => {
  const page = await login();
  await waitText(page, "#state-peer", (t) => t === "STANDBY", 10000, "the peer STANDBY");
  const answer = await act(page, "#act-standby");
  assert.match(answer, /standby: the agent answered/);
  assert.match(answer, /STOPPED announced/);
  await pair.until(() => pair.node("b").role === "ACTIVE", 15000, "b ACTIVE after the standby");
  await page.waitForSelector("#banner:not([hidden])", { timeout: 15000 });
  assert.match((await textOf(page, "#banner")) ?? "", /Connection to the agent lost/);
  assert.ok(
    agent.find("mgmt-request", (e) => /^standby via web from .*: done$/.test(e.message)),
    agent.describe(),
  );
  assert.ok(existsSync(join(files, "token")));
  await screenshot(page, "overview-connection-lost");
  await page.close();
});

test.run();
