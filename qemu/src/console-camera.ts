// Screenshots of the ACTIVE's web console for the lab report: headless Chromium (test/helpers/browser.ts, under
// SCHED_IDLE beside the VMs) through the lab daemon's forward, logged in with the image's token. Each PNG goes into the run's
// report folder and is listed in report.json. The camera never throws: what it could not show is kept in `problems`,
// and `around` fails the scenario on them after its own rules were checked.
import { readFileSync } from "node:fs";
import type { Browser, Page } from "puppeteer-core";
import { launchBrowser, screenshot, textOf, waitText } from "../../test/helpers/browser.ts";
import { labWebTokenFile, labWebUrl } from "./lab-config.ts";
import { LAB_BMCS } from "./paths.ts";
import type { Run } from "./scenario-kit.ts";
import { progress } from "./sh.ts";

/** One screenshot in the report: when, the file (in the report folder), what it shows. */
export interface ConsoleShot {
  at: number;
  file: string;
  what: string;
}

/** What the overview should show before the picture is taken: this node's role, and the peer's as it is seen. */
export interface Expected {
  self?: string;
  peer?: string;
}

export class ConsoleCamera {
  readonly problems: string[] = [];
  private page: Page | null = null;
  private closed = false;

  private constructor(
    private readonly run: Run,
    private readonly browser: Browser | null,
  ) {}

  /**
   * Run `body` with a camera for `run` (its screenshots go to run.out's folder), then close it; `run` fails on what
   * the camera could not show only once `body` has passed (the scenario's own rules come first).
   */
  static async around(run: Run, body: (cam: ConsoleCamera) => Promise<void>): Promise<void> {
    const cam = await ConsoleCamera.start(run);
    try {
      await body(cam);
    } finally {
      await cam.close();
    }
    run.expect(cam.problems.length === 0, `the web console photographed throughout (${cam.problems.join("; ")})`);
  }

  private static async start(run: Run): Promise<ConsoleCamera> {
    // Without the management network (CG_LAB_FENCE=qmp) the host cannot reach the console: nothing to photograph.
    if (!LAB_BMCS) return new ConsoleCamera(run, null);
    try {
      return new ConsoleCamera(run, await launchBrowser({ idle: true }));
    } catch (e) {
      const cam = new ConsoleCamera(run, null);
      cam.problems.push(`Chromium did not start (bash test/install-host-deps.sh installs it): ${String(e)}`);
      return cam;
    }
  }

  /**
   * Log in afresh (a new browser context: the ACTIVE's agent may have changed, and sessions are each agent's own),
   * trying until the ACTIVE's console answers through the forward or `ms` ran out; then wait for `expected` on the
   * overview and take the picture `label`.
   */
  async overview(label: string, what: string, expected: Expected, ms: number): Promise<void> {
    const end = Date.now() + ms;
    const page = await this.login(end);
    if (!page) return;
    try {
      if (expected.self)
        await waitText(page, "#state-self", (t) => t === expected.self, end - Date.now(), `self ${expected.self}`);
      if (expected.peer)
        await waitText(page, "#state-peer", (t) => t === expected.peer, end - Date.now(), `peer ${expected.peer}`);
      await Bun.sleep(3000); // a few seconds of heartbeat arrivals on the charts
    } catch (e) {
      this.problems.push(`${label}: ${String(e)}`);
    }
    await this.shot(page, label, what);
  }

  /**
   * On the page open now: wait until `pred` holds for this node's role, or the banner says the stream dropped;
   * take the picture `label`. Returns what was seen ("banner" or the role), or null when nothing came within `ms`.
   */
  async whenLeft(label: string, what: string, pred: (role: string) => boolean, ms: number): Promise<string | null> {
    const page = this.page;
    if (!page) return null;
    const end = Date.now() + ms;
    while (Date.now() < end && !this.closed) {
      const dropped = await page.$eval("#banner", (b) => !b.hasAttribute("hidden")).catch(() => false);
      const role = (await textOf(page, "#state-self")) ?? "";
      if (dropped || pred(role)) {
        await this.shot(page, label, `${what} (${dropped ? "the stream dropped" : `this node ${role}`})`);
        return dropped ? "banner" : role;
      }
      await Bun.sleep(200);
    }
    if (!this.closed)
      this.problems.push(`${label}: neither the role change nor the dropped-stream banner within ${ms / 1000} s`);
    return null;
  }

  /** The timeline page of the console open now (logged in by `overview`), as `label`. */
  async timeline(label: string, what: string): Promise<void> {
    const page = this.page;
    if (!page) return;
    try {
      await page.goto(`${labWebUrl()}timeline`, { timeout: 30000 });
      await page.waitForSelector("#picture svg rect", { timeout: 30000 });
    } catch (e) {
      this.problems.push(`${label}: ${String(e)}`);
    }
    await this.shot(page, label, what);
  }

  /**
   * On the console logged in by `overview`: open the configurator, replace the editor's text with `edit(text)`, wait
   * for the agent's "valid", click Apply and confirm, then follow the progress it streams until it ends ("[done]" or
   * "[refused]") or `ms` ran out. Pictures: the diff before Apply (`label`-diff) and the progress at its end. Returns
   * the progress text, or null when it could not be followed (the reason is in `problems`).
   */
  async apply(label: string, edit: (text: string) => string, ms: number): Promise<string | null> {
    const page = this.page;
    if (!page) return null;
    const end = Date.now() + ms;
    try {
      await page.goto(`${labWebUrl()}config`, { timeout: 60000 });
      await page.waitForFunction(`document.getElementById("editor").value.length > 0`, { timeout: 60000 });
      const text = await page.$eval("#editor", (ta) => (ta as unknown as { value: string }).value);
      await page.$eval(
        "#editor",
        (ta, next) => {
          (ta as unknown as { value: string }).value = next as string;
          ta.dispatchEvent(new Event("input"));
        },
        edit(text),
      );
      await waitText(page, "#verdict", (t) => t === "valid", 60000, "the edit checked valid");
      await page.waitForFunction(`!document.getElementById("apply").disabled`, { timeout: 60000 });
      await this.shot(page, `${label}-diff`, "the configurator: the edit checked valid, its diff and what it needs");
      await page.click("#apply");
      await page.waitForSelector("dialog#confirm[open]", { timeout: 30000 });
      await page.click("#confirm-go");
      const progress = await waitText(
        page,
        "#progress",
        (t) => /\[(done|refused)\]/.test(t),
        end - Date.now(),
        "Apply's end",
      );
      await this.shot(page, label, "the configurator: Apply's progress, streamed to its end");
      return progress;
    } catch (e) {
      this.problems.push(`${label}: ${String(e)}`);
      await this.shot(page, label, "the configurator when Apply could not be followed");
      return null;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.browser?.close().catch(() => {});
  }

  private async login(end: number): Promise<Page | null> {
    if (!this.browser) return null;
    await this.page
      ?.browserContext()
      .close()
      .catch(() => {});
    this.page = null;
    const token = readFileSync(labWebTokenFile(), "utf8").trim();
    let last = "";
    while (Date.now() < end) {
      const ctx = await this.browser.createBrowserContext();
      try {
        const page = await ctx.newPage();
        await page.setViewport({ width: 1200, height: 900 });
        await page.goto(`${labWebUrl()}login`, { timeout: 60000 });
        await page.type("#token", token);
        await Promise.all([page.waitForNavigation({ timeout: 60000 }), page.click("#submit")]);
        if (/\/overview$/.test(page.url())) return (this.page = page);
        last = `the login went to ${page.url()}: ${await textOf(page, "#error")}`;
      } catch (e) {
        last = String(e);
      }
      await ctx.close().catch(() => {});
      await Bun.sleep(3000);
    }
    this.problems.push(`no login through ${labWebUrl()}: ${last}`);
    return null;
  }

  private async shot(page: Page, label: string, what: string): Promise<void> {
    const out = this.run.out;
    if (!out) return;
    const shots = (this.run.r.screenshots ??= []);
    const name = `${out.prefix}-console-${shots.length + 1}-${label}`;
    try {
      await screenshot(page, out.dir, name);
      shots.push({ at: Date.now(), file: `${name}.png`, what });
      progress(this.run.t0, `${this.run.r.name}: console screenshot ${name}.png: ${what}`);
    } catch (e) {
      this.problems.push(`${label}: the screenshot failed: ${String(e)}`);
    }
  }
}
