// Opens a generated Allure report in headless Chromium (Debian's /usr/bin/chromium via playwright-core),
// served over HTTP on 127.0.0.1, and reports what a reader would see.
import { chromium, type Page } from "playwright-core";
import { existsSync } from "node:fs";
import { serveDir } from "../../lib/report/static-server.js";

export const chromiumPath = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find(existsSync);

/** Serves the report, opens its front page in a fresh browser, hands the page over, and always closes both. */
async function withReportPage<T>(htmlDir: string, look: (page: Page) => Promise<T>): Promise<T> {
  if (!chromiumPath) throw new Error("chromium is not installed (Debian package `chromium`); .ci/run installs it");
  const srv = await serveDir(htmlDir);
  // Flags: a closed network here, so no background connections; root needs --no-sandbox.
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(srv.url);
    return await look(page);
  } finally {
    await browser.close();
    await srv.close();
  }
}

const seen = (p: Promise<unknown>) =>
  p.then(
    () => true,
    () => false,
  );

/** A top-level group of the test tree: the report groups by Windows pool first (lib/report/allure.ts). */
const POOL_GROUP = /^(\(no Windows pod\)|[\w./-]+=[\w.-]+)$/;

/** Waits until the suite shows in the tree, opening pool groups (one at a time) until it does. */
async function showSuite(page: Page, suite: string): Promise<void> {
  const s = page.getByText(suite, { exact: true }).first();
  if (await seen(s.waitFor({ timeout: 5_000 }))) return;
  for (const g of await page.getByText(POOL_GROUP).all()) {
    await g.click().catch(() => undefined);
    if (await seen(s.waitFor({ timeout: 3_000 }))) return;
  }
  await s.waitFor({ timeout: 10_000 });
}

export async function inspectReport(
  htmlDir: string,
  o: { suites: string[]; failedTest: string; attachment: string; screenshot?: string },
): Promise<{ suitesSeen: string[]; failedTestOpened: boolean; attachmentSeen: boolean }> {
  return withReportPage(htmlDir, async (page) => {
    await showSuite(page, o.suites[0]);
    const body = await page.innerText("body");
    const suitesSeen = o.suites.filter((s) => body.includes(s));
    if (o.screenshot) await page.screenshot({ path: o.screenshot });
    await page.getByText(o.failedTest).filter({ visible: true }).first().click();
    const failedTestOpened = await seen(page.getByText("Failed", { exact: true }).first().waitFor({ timeout: 10_000 }));
    const attachmentSeen = await seen(page.getByText(o.attachment).filter({ visible: true }).first().waitFor({ timeout: 10_000 }));
    if (o.screenshot) await page.screenshot({ path: o.screenshot.replace(/\.png$/, "-failed-test.png") });
    return { suitesSeen, failedTestOpened, attachmentSeen };
  });
}

/**
 * Opens a test that passed on retry: what the front page counts, whether the test page says Passed and Flaky,
 * and whether its Retries tab shows the failed attempt with its error.
 */
export async function inspectFlakyTest(
  htmlDir: string,
  o: { suite: string; test: string; retryError: string; screenshot?: string },
): Promise<{ frontPage: string; passedShown: boolean; flakyShown: boolean; retryErrorSeen: boolean }> {
  return withReportPage(htmlDir, async (page) => {
    await showSuite(page, o.suite);
    const frontPage = await page.innerText("body");
    await page.getByText(o.suite, { exact: true }).first().click();
    await page.getByText(o.test).filter({ visible: true }).first().click();
    const passedShown = await seen(page.getByText("Passed", { exact: true }).filter({ visible: true }).first().waitFor({ timeout: 10_000 }));
    const flakyShown = await seen(page.getByText("Flaky", { exact: true }).filter({ visible: true }).first().waitFor({ timeout: 10_000 }));
    await page.getByText("Retries").filter({ visible: true }).first().click();
    const retryErrorSeen = await seen(page.getByText(o.retryError).filter({ visible: true }).first().waitFor({ timeout: 10_000 }));
    if (o.screenshot) {
      // Expanded, the retry shows its whole error: what a reader opens first.
      await page
        .getByText(/^Retry 1 of/)
        .first()
        .click()
        .catch(() => undefined);
      await page
        .getByText("Error", { exact: true })
        .filter({ visible: true })
        .first()
        .waitFor({ timeout: 5_000 })
        .catch(() => undefined);
      await page.screenshot({ path: o.screenshot });
    }
    return { frontPage, passedShown, flakyShown, retryErrorSeen };
  });
}

/**
 * The report's front page as a reader first sees it (before "Show more"): its environment rows ("Metadata"),
 * e.g. the comparison with a baseline.
 */
export async function inspectEnvironment(htmlDir: string, o: { screenshot?: string } = {}): Promise<string> {
  return withReportPage(htmlDir, async (page) => {
    await page.getByText("Metadata", { exact: true }).first().waitFor({ timeout: 15_000 });
    await page
      .getByText("Run id", { exact: true })
      .first()
      .waitFor({ timeout: 15_000 })
      .catch(() => undefined);
    const body = await page.innerText("body");
    if (o.screenshot) await page.screenshot({ path: o.screenshot, fullPage: true });
    return body;
  });
}
