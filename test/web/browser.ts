// Headless Chromium (Debian's package `chromium`, installed by `make test`) driven by puppeteer-core, for the web
// console's tests; screenshots go to test/web/screenshots/ (not committed).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";

export const SCREENSHOTS = join(import.meta.dir, "screenshots");

/** Start Chromium: headless, no sandbox (the tests run as root), trusting the test's self-signed certificate. */
export async function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    acceptInsecureCerts: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--ignore-certificate-errors"],
  });
}

/** Save a PNG of the page (the whole page) as `name`.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`) as `${string}.png`;
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
