// Headless Chromium (Debian's package `chromium`, installed by `make test`) driven by puppeteer-core: for the web
// console's browser tests (test/web/) and the lab's screenshots of the ACTIVE's console (qemu/src/console-camera.ts).
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";

/**
 * Start Chromium: headless, no sandbox (run as root), trusting a self-signed certificate. With `idle`, the browser
 * and every process it starts run under SCHED_IDLE (CPU only when nothing else wants it): beside the lab's VMs, a
 * page redrawing its charts must not take their CPU. (Not nice 19: Chromium sets its renderers' nice value itself.)
 */
export async function launchBrowser(o: { idle?: boolean } = {}): Promise<Browser> {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    acceptInsecureCerts: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--ignore-certificate-errors"],
  });
  const pid = browser.process()?.pid;
  // Every thread of the browser and of its zygotes, which fork the renderers: those inherit the policy.
  if (o.idle && pid !== undefined)
    for (const p of processTree(pid)) Bun.spawnSync(["chrt", "-a", "-i", "-p", "0", String(p)], { stderr: "ignore" });
  return browser;
}

/** `root` and every process below it, from /proc. */
function processTree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so read after the last ")".
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // a process that ended while we looked
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [p, pp] of parent) if (pp === tree[i]) tree.push(p);
  return tree;
}

/** Save a PNG of the whole page as `dir`/`name`.png; returns its path. */
export async function screenshot(page: Page, dir: string, name: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`) as `${string}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The text of the first element matching `selector`, or null. */
export function textOf(page: Page, selector: string): Promise<string | null> {
  return page.$eval(selector, (e) => e.textContent).catch(() => null);
}

/** Wait until `pred` holds for the text of `selector`; fail with what was there. */
export async function waitText(
  page: Page,
  selector: string,
  pred: (t: string) => boolean,
  ms: number,
  what: string,
): Promise<string> {
  const end = Date.now() + ms;
  let t: string | null = null;
  while (Date.now() < end) {
    t = await textOf(page, selector);
    if (t !== null && pred(t)) return t;
    await Bun.sleep(100);
  }
  throw new Error(
    `timed out after ${ms} ms waiting for ${what}; ${selector} holds ${JSON.stringify(t)} on ${page.url()}`,
  );
}
