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

  it("GIVEN a 375 px phone WHEN the dashboard's chart is drawn THEN its dates are legible, apart and on screen, and the first load logs no error", async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 } });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(e.message));
    await page.goto(`${app.url}/app`);
    // The earlier test waited for the demo's orders: the chart has bars by now.
    await page.getByTestId("daily-chart").waitFor();
    const labels = await page.getByTestId("chart-day-label").evaluateAll((spans) =>
      spans.map((span) => {
        const box = span.getBoundingClientRect();
        const text = span.firstElementChild ?? span;
        return {
          left: box.left,
          right: box.right,
          fontSize: parseFloat(getComputedStyle(text).fontSize),
        };
      }),
    );
    expect(labels.length).toBeGreaterThanOrEqual(4);
    for (const label of labels) {
      expect(label.fontSize).toBeGreaterThanOrEqual(11);
      expect(label.left).toBeGreaterThanOrEqual(0);
      expect(label.right).toBeLessThanOrEqual(375);
    }
    const byLeft = [...labels].sort((a, b) => a.left - b.left);
    for (let i = 1; i < byLeft.length; i += 1) {
      expect(byLeft[i]!.left).toBeGreaterThan(byLeft[i - 1]!.right);
    }
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: screenshotPath("dashboard-chart-375"), fullPage: true });
    expect(consoleErrors).toEqual([]);
    expect((await fetch(`${app.url}/favicon.ico`)).status).toBe(200);
    expect((await fetch(`${app.url}/favicon.svg`)).status).toBe(200);
    await context.close();
  });

  it("GIVEN a merchant on an address the app does not have WHEN the page opens THEN it says page not found inside the app and its link leads back to the orders", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const response = await page.goto(`${app.url}/app/nope`);
    expect(response?.status()).toBe(404);
    await page.getByRole("heading", { name: "Page not found", level: 1 }).waitFor();
    // The app's navigation is still there.
    expect(await page.getByRole("link", { name: "SKU mappings" }).isVisible()).toBe(true);
    await page.screenshot({ path: screenshotPath("not-found-app"), fullPage: true });
    await page.getByRole("link", { name: "Go to orders" }).click();
    await page.getByRole("heading", { name: "Orders", level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/app/orders");

    const outside = await page.goto(`${app.url}/nope`);
    expect(outside?.status()).toBe(404);
    await page.getByRole("heading", { name: "Page not found", level: 1 }).waitFor();
    await page.screenshot({ path: screenshotPath("not-found-outside"), fullPage: true });
    await page.getByRole("link", { name: "Go to Marketsync" }).click();
    await page.waitForURL(/\/app/);
    await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });
});
