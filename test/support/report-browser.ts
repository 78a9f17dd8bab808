// Opens a generated Allure report in headless Chromium (Debian's /usr/bin/chromium via playwright-core),
// served over HTTP on 127.0.0.1, and reports what a reader would see.
import { chromium } from "playwright-core";
import { existsSync } from "node:fs";
import { serveDir } from "./static-server.js";

export const chromiumPath = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find(existsSync);

export async function inspectReport(
  htmlDir: string,
  o: { suites: string[]; failedTest: string; attachment: string; screenshot?: string },
): Promise<{ suitesSeen: string[]; failedTestOpened: boolean; attachmentSeen: boolean }> {
  if (!chromiumPath) throw new Error("chromium is not installed (Debian package `chromium`); .ci/run installs it");
  const srv = await serveDir(htmlDir);
  // Flags: a closed network here, so no background connections; root needs --no-sandbox.
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(srv.url);
    await page.getByText(o.suites[0], { exact: true }).first().waitFor({ timeout: 15_000 });
    const body = await page.innerText("body");
    const suitesSeen = o.suites.filter((s) => body.includes(s));
    if (o.screenshot) await page.screenshot({ path: o.screenshot });
    await page.getByText(o.failedTest).filter({ visible: true }).first().click();
    const failedTestOpened = await page.getByText("Failed", { exact: true }).first().waitFor({ timeout: 10_000 }).then(() => true, () => false);
    const attachmentSeen = await page.getByText(o.attachment).filter({ visible: true }).first().waitFor({ timeout: 10_000 }).then(() => true, () => false);
    if (o.screenshot) await page.screenshot({ path: o.screenshot.replace(/\.png$/, "-failed-test.png") });
    return { suitesSeen, failedTestOpened, attachmentSeen };
  } finally {
    await browser.close();
    await srv.close();
  }
}
