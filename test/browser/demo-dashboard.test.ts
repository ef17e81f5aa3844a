import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppProcess, startApp } from "../helpers/app-process";
import { chromiumAvailable, launchChromium, screenshotPath } from "../helpers/browser";

describe.skipIf(!chromiumAvailable())("demo admin in a real browser", () => {
  let app: AppProcess;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "marketsync-demo-"));
    // The same entry point as `npm run demo`, on a free port and a throwaway data directory.
    app = await startApp({ MARKETSYNC_DATA_DIR: dataDir }, ["--demo"]);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("GIVEN the demo is running WHEN /healthz is asked THEN it answers 200 from the embedded database", async () => {
    const response = await fetch(`${app.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", database: "pglite" });
  });

  it("GIVEN the demo WHEN a merchant opens the admin THEN the dashboard shows orders imported, held and skipped as they arrive", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${app.url}/`);
    await page.waitForURL(/\/app/);
    expect(await page.getByRole("heading", { name: "Dashboard", level: 1 }).isVisible()).toBe(true);
    expect(await page.getByText("Marketsync Demo").isVisible()).toBe(true);

    // The demo's simulated marketplaces keep sending orders; the pipeline imports, holds (unknown
    // SKU) and skips (Amazon FBA) them within seconds.
    const count = async (state: string) =>
      Number(await page.getByTestId(`state-count-${state}`).textContent());
    const deadline = Date.now() + 30_000;
    while (
      (await count("imported")) < 2 ||
      (await count("held")) < 1 ||
      (await count("skipped")) < 1
    ) {
      if (Date.now() > deadline)
        throw new Error(`demo orders did not arrive: ${await page.content()}`);
      await page.waitForTimeout(1_000);
      await page.reload();
    }
    expect(Number(await page.getByTestId("metric-total").textContent())).toBeGreaterThanOrEqual(4);
    expect(await page.getByText("eBay US").first().isVisible()).toBe(true);
    expect(await page.getByText("Amazon France").first().isVisible()).toBe(true);
    const file = screenshotPath("dashboard");
    await page.screenshot({ path: file, fullPage: true });
    expect(statSync(file).size).toBeGreaterThan(10_000);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("GIVEN a French-speaking merchant on a phone WHEN the dashboard opens THEN it is in French and fits the screen", async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      locale: "fr-FR",
      extraHTTPHeaders: { "Accept-Language": "fr-FR,fr;q=0.9" },
    });
    const page = await context.newPage();
    await page.goto(`${app.url}/app`);
    expect(await page.getByRole("heading", { name: "Tableau de bord", level: 1 }).isVisible()).toBe(
      true,
    );
    expect(await page.getAttribute("html", "lang")).toBe("fr");
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: screenshotPath("dashboard-fr-phone"), fullPage: true });
    await context.close();
  });
});
