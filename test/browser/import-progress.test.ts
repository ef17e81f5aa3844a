import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppProcess, startApp } from "../helpers/app-process";
import { chromiumAvailable, launchChromium, screenshotPath } from "../helpers/browser";

describe.skipIf(!chromiumAvailable())(
  "import progress and alert settings in a real browser",
  () => {
    let app: AppProcess;
    let browser: Browser;
    let dataDir: string;

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), "marketsync-demo-"));
      app = await startApp({ MARKETSYNC_DATA_DIR: dataDir }, ["--demo"]);
      browser = await launchChromium();
    });

    afterAll(async () => {
      await browser?.close();
      await app?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it("GIVEN the demo's accounts WHEN the merchant backfills one THEN a progress line follows the import until it finishes, with counts", async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      await page.goto(`${app.url}/app/accounts`);
      // The first account card: the demo's eBay US account.
      const card = page.getByTestId(/^import-controls-/).first();
      await card.getByRole("combobox", { name: "Days to backfill" }).selectOption("7");
      await card.getByRole("button", { name: "Backfill" }).click();
      const line = card.getByTestId(/^import-progress-/);
      await line.getByText(/Import finished: \d+ orders? read, \d+ new, \d+ updated\./).waitFor({
        timeout: 30_000,
      });
      await page.screenshot({ path: screenshotPath("import-progress"), fullPage: true });
      expect(errors).toEqual([]);
    });

    it("GIVEN the alerts page on a phone WHEN the merchant turns the digest on with an address THEN it is saved, and turning it on with no event is flagged", async () => {
      const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
      await page.goto(`${app.url}/app/alerts`);
      await page.getByLabel("Send me a daily e-mail digest").check({ force: true });
      await page.getByLabel("E-mail address").fill("owner@example.com");
      for (const event of [
        "Held orders needing attention",
        "Tracking that could not be sent",
        "Marketplace accounts needing reconnection",
      ]) {
        await page.getByLabel(event).uncheck({ force: true });
      }
      await page.getByRole("button", { name: "Save" }).click();
      await page.getByText("Choose at least one event.").waitFor();
      await page.getByLabel("Tracking that could not be sent").check({ force: true });
      await page.getByRole("button", { name: "Save" }).click();
      await page.getByText("Alert settings saved.").waitFor();
      await page.reload();
      expect(await page.getByLabel("E-mail address").inputValue()).toBe("owner@example.com");
      expect(await page.getByLabel("Send me a daily e-mail digest").isChecked()).toBe(true);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: screenshotPath("alerts-phone"), fullPage: true });
    });
  },
);
