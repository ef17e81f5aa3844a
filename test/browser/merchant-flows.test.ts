import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppProcess, startApp } from "../helpers/app-process";
import { chromiumAvailable, launchChromium, screenshotPath } from "../helpers/browser";
import { until } from "../helpers/until";

const DESKTOP = { width: 1280, height: 900 };
/** A phone held upright (iPhone 12 to 15): the admin must fit without sideways scrolling. */
const PHONE = { width: 390, height: 844 };
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

interface ListRow {
  id: string;
  marketplaceOrderId: string;
  marketplace: string;
  state: string;
}
interface ListData {
  rows: ListRow[];
  accounts: { id: string; displayName: string; platform: string }[];
}

describe.skipIf(!chromiumAvailable())("merchant flows in the demo admin, in Chromium", () => {
  let app: AppProcess;
  let browser: Browser;
  let dataDir: string;
  let ebaySimulator: string;
  let amazonSimulator: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "marketsync-flows-"));
    // `npm run demo`'s entry point, on a free port and a throwaway data directory.
    app = await startApp({ MARKETSYNC_DATA_DIR: dataDir }, ["--demo"]);
    browser = await launchChromium();
    ebaySimulator = await simulatorOrigin("ebay");
    amazonSimulator = await simulatorOrigin("amazon", "marketplace=A13V1IB3VIYZZH");
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await app?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /**
   * The demo's marketplaces are simulators on ports of their own: the app's "connect" page sends
   * the seller to its consent URL, which names it.
   */
  async function simulatorOrigin(platform: "ebay" | "amazon", query = ""): Promise<string> {
    const response = await fetch(
      `${app.url}/app/accounts/connect/${platform}?${query}${query ? "&" : ""}_data=${encodeURIComponent("routes/app.accounts.connect.$platform")}`,
    );
    const { consentUrl } = (await response.json()) as { consentUrl: string };
    return new URL(consentUrl).origin;
  }

  /**
   * A buyer orders on the demo's eBay a product the store knows under another SKU (`OLD-…`, as the
   * demo's own held orders do), through the simulator's admin API. Deterministic, unlike waiting
   * for the demo's generator.
   */
  async function buyOnEbay(sku: string, title: string): Promise<string> {
    const response = await fetch(`${ebaySimulator}/__admin/ebay/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        seller: "demo_us_seller",
        lines: [{ sku, title, quantity: 1, unitPrice: "16.00", shipping: "4.99" }],
        shipTo: {
          fullName: "Grace Walker",
          addressLine1: "77 Elm St",
          city: "Denver",
          stateOrProvince: "CO",
          postalCode: "80202",
          countryCode: "US",
        },
      }),
    });
    expect(response.status).toBe(201);
    const { orderIds } = (await response.json()) as { orderIds: string[] };
    return orderIds[0]!;
  }

  /** The same for a buyer in France on the demo's Amazon France account (EUR, VAT included). */
  async function buyOnAmazonFrance(sku: string, title: string): Promise<string> {
    const response = await fetch(`${amazonSimulator}/__admin/amazon/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        marketplaceId: "A13V1IB3VIYZZH",
        status: "UNSHIPPED",
        lastUpdatedTime: new Date().toISOString(),
        fulfilledBy: "MERCHANT",
        items: [{ sku, title, quantity: 1, unitPrice: "18.50", shipping: "3.90" }],
        shipTo: {
          name: "Camille Durand",
          addressLine1: "5 place Bellecour",
          city: "Lyon",
          postalCode: "69002",
          countryCode: "FR",
        },
      }),
    });
    expect(response.status).toBe(201);
    const { orders } = (await response.json()) as { orders: { orderId: string }[] };
    return orders[0]!.orderId;
  }

  async function listOrders(query = ""): Promise<ListData> {
    const response = await fetch(
      `${app.url}/app/orders?${query}${query ? "&" : ""}_data=${encodeURIComponent("routes/app.orders._index")}`,
    );
    expect(response.status).toBe(200);
    return (await response.json()) as ListData;
  }

  /** The demo imports every 5 seconds: waits for the order to reach `state` in the list. */
  async function untilListedAs(marketplaceOrderId: string, state: string): Promise<ListRow> {
    const deadline = Date.now() + 45_000;
    for (;;) {
      const { rows } = await listOrders(`q=${encodeURIComponent(marketplaceOrderId)}`);
      const row = rows.find((r) => r.marketplaceOrderId === marketplaceOrderId);
      if (row?.state === state) return row;
      if (Date.now() > deadline) {
        throw new Error(`${marketplaceOrderId} is ${row?.state ?? "not listed"}, not ${state}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  /** A browser whose languages are `locale`'s (the admin follows Accept-Language outside Shopify). */
  async function openPage(
    viewport = DESKTOP,
    locale = "en-US",
  ): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport, acceptDownloads: true, locale });
    contexts.push(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    return { page, errors };
  }

  /**
   * Opens a page and waits until React has hydrated it: typing into a controlled field or clicking
   * a button before that is lost (the server-rendered HTML has no handlers yet).
   */
  async function visit(page: Page, path: string): Promise<void> {
    await page.goto(`${app.url}${path}`);
    await page.waitForFunction(() =>
      Object.keys(document.body).some((key) => key.startsWith("__reactFiber$")),
    );
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    const file = screenshotPath(name);
    await page.screenshot({ path: file, fullPage: true });
    expect(statSync(file).size).toBeGreaterThan(10_000);
  }

  /** Nothing wider than the screen: the page never scrolls sideways. */
  async function expectFitsWidth(page: Page): Promise<void> {
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
  }

  /** The same page on a phone: it renders, fits the width, and is kept as a screenshot. */
  async function checkOnPhone(
    path: string,
    name: string,
    visibleText: string | RegExp,
    locale?: string,
  ) {
    const { page, errors } = await openPage(PHONE, locale);
    await visit(page, path);
    await page.getByText(visibleText).first().waitFor();
    await expectFitsWidth(page);
    await screenshot(page, `${name}-phone`);
    expect(errors).toEqual([]);
  }

  /** Clicks the list's export button and reads the downloaded file (kept beside the screenshots). */
  async function exportCsv(
    page: Page,
    button: string,
    filename: RegExp,
    name: string,
    delimiter = ",",
  ): Promise<Record<string, string>[]> {
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: button }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(filename);
    const file = screenshotPath(name).replace(/\.png$/, ".csv");
    await download.saveAs(file);
    return parse(readFileSync(file), { bom: true, columns: true, delimiter }) as Record<
      string,
      string
    >[];
  }

  /** The text of each row of the orders table, as shown. */
  const rowTexts = (page: Page) =>
    page.locator("table tbody tr").evaluateAll((rows) => rows.map((r) => r.textContent ?? ""));

  it("GIVEN imported, skipped and held orders WHEN the merchant filters the list by status Held and marketplace eBay THEN only held eBay orders are listed, including the new one", async () => {
    const heldId = await buyOnEbay("OLD-POSTER-A3", "Poster A3");
    await untilListedAs(heldId, "held");
    const { page, errors } = await openPage();

    await visit(page, "/app/orders");
    await page.getByRole("heading", { name: "Orders", level: 1 }).waitFor();
    // Unfiltered, the demo's imported orders are there too.
    expect((await rowTexts(page)).some((row) => !row.includes("Held"))).toBe(true);
    await page.getByRole("button", { name: "Search and filter results" }).click();
    await page.getByRole("button", { name: "Status" }).click();
    // The box follows the URL: it is ticked once the list has navigated.
    await page.getByRole("checkbox", { name: "Held" }).click();
    await page.waitForURL(/[?&]state=held/);
    // The URL moves as the navigation commits; the box is drawn from it a render later.
    await until(
      "the Held box ticked",
      () => page.getByRole("checkbox", { name: "Held" }).isChecked(),
      5_000,
    );
    // While the Status popover is still open, the first click only closes it.
    const ebayBox = page.getByRole("checkbox", { name: "eBay" });
    await page.getByRole("button", { name: "Marketplace" }).click();
    await ebayBox.waitFor({ timeout: 3_000 }).catch(async () => {
      await page.getByRole("button", { name: "Marketplace" }).click();
    });
    await ebayBox.click();
    await page.waitForURL(/[?&]marketplace=ebay/);
    await page.getByRole("link", { name: heldId }).waitFor();

    // Under load the previous (held-only) list can still be drawn for a moment.
    const rows = await until(
      "the list narrowed to eBay",
      async () => {
        const texts = await rowTexts(page);
        return texts.length > 0 && texts.every((row) => row.includes("eBay")) && texts;
      },
      10_000,
    ).catch(() => rowTexts(page));
    expect(rows.length).toBeGreaterThanOrEqual(1);
    for (const row of rows) {
      expect(row).toContain("Held");
      expect(row).toContain("eBay");
    }
    expect(rows.some((row) => row.includes(heldId))).toBe(true);
    // The server agrees: nothing but held eBay orders for this filter.
    const filtered = await listOrders("state=held&marketplace=ebay");
    expect(filtered.rows.every((r) => r.state === "held" && r.marketplace === "ebay")).toBe(true);
    await screenshot(page, "orders-filtered");

    // The order's back link returns to the list as it was left: same filters.
    await page.keyboard.press("Escape"); // the filter's popover is still open
    await page.getByRole("link", { name: heldId }).click();
    await page.waitForURL(UUID);
    await page
      .locator('a[href^="/app/orders?"][href*="state=held"][href*="marketplace=ebay"]:visible')
      .first()
      .click();
    await page.waitForURL(/\/app\/orders\?.*state=held/);
    expect(new URL(page.url()).searchParams.get("marketplace")).toBe("ebay");
    await page.getByRole("link", { name: heldId }).waitFor();
    expect(errors).toEqual([]);

    await checkOnPhone("/app/orders?state=held&marketplace=ebay", "orders-filtered", heldId);
  });

  it("GIVEN filters or a search in the URL WHEN the list opens, by a link or an order's back link THEN the filter bar shows the search text and a chip per filter", async () => {
    const heldId = await buyOnEbay("OLD-TOTE-XL", "Tote bag XL");
    await untilListedAs(heldId, "held");
    const { page, errors } = await openPage();
    /** A chip is a button named after its filter's values. */
    const chip = (name: string) => page.getByRole("button", { name, exact: true });

    await visit(page, "/app/orders");
    await page.getByRole("heading", { name: "Orders", level: 1 }).waitFor();
    expect(await chip("Held").count()).toBe(0);
    // The alert banner's link, on the list already: same page, new URL.
    await page.getByRole("link", { name: "Review held orders" }).click();
    await page.waitForURL(/[?&]state=held/);
    await chip("Held").waitFor();

    await visit(page, "/app/orders?state=held&marketplace=ebay&from=2020-01-01&to=2099-12-31");
    await chip("Jan 1, 2020 – Dec 31, 2099").waitFor();
    await page.getByRole("link", { name: heldId }).click();
    await page.waitForURL(UUID);
    await page
      .locator('a[href^="/app/orders?"][href*="state=held"][href*="from=2020-01-01"]:visible')
      .first()
      .click();
    await page.waitForURL(/\/app\/orders\?.*state=held/);
    for (const name of ["Held", "eBay", "Jan 1, 2020 – Dec 31, 2099"]) await chip(name).waitFor();

    await visit(page, "/app/orders?q=zzzz");
    await page.getByText("No orders match").waitFor();
    expect(
      await page
        .getByPlaceholder("Marketplace order ID, store order number, buyer name or e-mail")
        .inputValue(),
    ).toBe("zzzz");
    expect(errors).toEqual([]);
  });

  it("GIVEN a phone 375 px wide WHEN the merchant opens the orders list THEN each row shows the order, its status, tracking, total and date without scrolling sideways", async () => {
    const heldId = await buyOnEbay("OLD-TOTE-S", "Tote bag S");
    await untilListedAs(heldId, "held");
    const { page, errors } = await openPage({ width: 375, height: 812 });

    await visit(page, `/app/orders?q=${heldId}`);
    const row = page.locator("li").filter({ hasText: heldId });
    await row.waitFor();
    for (const text of ["Held", "—", /^\$\d+\.\d\d$/, /UTC$/]) {
      const shown = row.getByText(text, { exact: true });
      expect(await shown.isVisible()).toBe(true);
      const box = (await shown.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(375);
    }
    await expectFitsWidth(page);
    await screenshot(page, "orders-condensed");
    expect(errors).toEqual([]);
  });

  it("GIVEN a held order with an unknown SKU WHEN the merchant opens it, maps its SKU to the store's variant THEN the order is re-checked and created in the store", async () => {
    const heldId = await buyOnEbay("OLD-CANDLE-LAV", "Lavender candle");
    await untilListedAs(heldId, "held");
    const { page, errors } = await openPage();

    await visit(page, "/app/orders?state=held");
    await page.getByRole("link", { name: heldId }).click();
    await page.waitForURL(UUID);
    const orderPath = new URL(page.url()).pathname;
    await page.getByRole("heading", { name: `eBay order ${heldId}`, level: 1 }).waitFor();
    await page.getByText("Why this order was not created").waitFor();
    await page.getByText("SKU OLD-CANDLE-LAV is not mapped to a store variant").first().waitFor();
    await screenshot(page, "held-order");

    await page.getByRole("link", { name: "Map this SKU" }).click();
    await page.waitForURL(/\/app\/sku-mappings\?/);
    expect(await page.getByLabel("Marketplace SKU").inputValue()).toBe("OLD-CANDLE-LAV");
    expect(await page.getByLabel("Account").locator("option:checked").textContent()).toBe(
      "eBay US",
    );
    await page.getByLabel("Store SKU").fill("CANDLE-LAV");
    await page.getByRole("button", { name: "Find the variant" }).click();
    await page.getByText("Store variants matching “CANDLE-LAV”").waitFor();
    expect(await page.getByText(/· CANDLE-LAV$/).count()).toBe(1);
    await page.getByRole("button", { name: "Use", exact: true }).click();
    // A merchant who knows only the product name finds the same variant by it.
    await page.getByLabel("Search the store by product name or SKU").fill("lavender");
    await page.getByRole("button", { name: "Find the variant" }).click();
    await page.getByText("Store variants matching “lavender”").waitFor();
    expect(await page.getByText(/^Lavender candle.* · CANDLE-LAV$/).count()).toBe(1);
    await page.getByRole("button", { name: "Use", exact: true }).click();
    expect(await page.getByLabel("Store SKU").inputValue()).toBe("CANDLE-LAV");
    await page.getByRole("button", { name: "Save mapping" }).click();
    // The demo's own orders may hold the same SKU too: at least ours is re-checked.
    await page
      .getByText(
        /^Mapping saved\. (1 held order is|(?:[2-9]|[1-9]\d+) held orders are) being checked again\.$/,
      )
      .waitFor();
    await screenshot(page, "sku-mapped");

    await untilListedAs(heldId, "imported");
    await visit(page, orderPath);
    await page.getByTestId("store-order-link").waitFor();
    expect(await page.getByText("Imported", { exact: true }).first().isVisible()).toBe(true);
    expect(await page.getByText("Mapped to CANDLE-LAV").first().isVisible()).toBe(true);
    expect(await page.getByTestId("store-order-link").textContent()).toMatch(
      /^Open #\d+ in Shopify$/,
    );
    // The hold is history now: it stays on the timeline, no longer as the reason it was not created.
    expect(await page.getByText("Why this order was not created").count()).toBe(0);
    await screenshot(page, "order-created");
    expect(errors).toEqual([]);

    await checkOnPhone(orderPath, "order-created", `eBay order ${heldId}`);
    await checkOnPhone("/app/sku-mappings", "sku-mappings", "OLD-CANDLE-LAV");
  });

  it("GIVEN an account's settings WHEN the merchant enters an invalid tag, then fixes it and saves THEN the field error shows, nothing is saved, and the fixed settings stay after a reload", async () => {
    const { accounts } = await listOrders();
    const ebay = accounts.find((a) => a.displayName === "eBay US")!;
    const { page, errors } = await openPage();

    await visit(page, "/app/accounts");
    // The page's data is held back a moment, so the bar that says the click was taken shows.
    const slowData = /[?&]_data=/;
    await page.route(slowData, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await route.continue();
    });
    await page.locator(`a[href="/app/accounts/${ebay.id}/settings"]`).click();
    const progress = page.getByRole("progressbar", { name: "Loading…" });
    await progress.waitFor();
    await page.getByRole("heading", { name: "Settings of eBay US", level: 1 }).waitFor();
    expect(await progress.count()).toBe(0);
    await page.unroute(slowData);
    const poll = page.getByLabel("Check for new orders every (minutes)");
    const tags = page.getByLabel("Tags on created orders");
    await poll.fill("7");
    await tags.fill(`demo, ${"x".repeat(41)}`);
    const rowsBefore = await page.getByRole("button", { name: "Remove", exact: true }).count();
    await page.getByRole("button", { name: "Add a carrier" }).click();
    await page.getByLabel("Marketplace carrier code").last().fill("UPS");
    await page.getByRole("button", { name: "Add a carrier" }).click();
    await page.getByLabel("Store carrier").last().fill("Colis Privé");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Use at most 20 tags of 1 to 40 characters").waitFor();
    // Each wrong override row says so on its own field.
    const carrierMissing = page.getByText("Enter the carrier’s name as the store writes it");
    const codeMissing = page.getByText("Enter the marketplace’s code for this carrier");
    await carrierMissing.waitFor();
    await codeMissing.waitFor();
    expect(
      await page.getByText("Some settings need fixing: see the fields below.").isVisible(),
    ).toBe(true);
    await screenshot(page, "settings-invalid");
    // Removing the first wrong row leaves the second row's error on the second row.
    await page.getByRole("button", { name: "Remove", exact: true }).nth(rowsBefore).click();
    expect(await carrierMissing.count()).toBe(0);
    expect(await codeMissing.isVisible()).toBe(true);
    expect(await page.getByLabel("Store carrier").last().inputValue()).toBe("Colis Privé");
    // Refused as a whole: the valid interval was not saved either (the demo polls every minute).
    await visit(page, `/app/accounts/${ebay.id}/settings`);
    expect(await poll.inputValue()).toBe("1");

    await poll.fill("7");
    await tags.fill("demo, from-ebay");
    await page.getByRole("button", { name: "Add a carrier" }).click();
    await page.getByLabel("Store carrier").last().fill("Colis Privé");
    await page.getByLabel("Marketplace carrier code").last().fill("Other");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText(/^Settings saved\./).waitFor();
    await screenshot(page, "settings-saved");

    await visit(page, `/app/accounts/${ebay.id}/settings`);
    await page.getByRole("heading", { name: "Settings of eBay US", level: 1 }).waitFor();
    expect(await page.getByLabel("Check for new orders every (minutes)").inputValue()).toBe("7");
    expect(await page.getByLabel("Tags on created orders").inputValue()).toBe("demo, from-ebay");
    expect(errors).toEqual([]);

    await checkOnPhone(`/app/accounts/${ebay.id}/settings`, "settings", "Settings of eBay US");
  });

  it("GIVEN the list filtered to eBay WHEN the merchant exports it as CSV THEN the file has the list's columns, only eBay orders, every order the list showed, and the held one with its reason", async () => {
    const heldId = await buyOnEbay("OLD-TEE-M", "T-shirt (M)");
    await untilListedAs(heldId, "held");
    const { page, errors } = await openPage();
    await visit(page, "/app/orders?marketplace=ebay");
    await page.getByRole("link", { name: heldId }).waitFor();
    const shown = (await rowTexts(page)).length;
    const listedBefore = await listOrders("marketplace=ebay");

    const records = await exportCsv(
      page,
      "Export CSV",
      /^marketsync-orders-\d{4}-\d{2}-\d{2}\.csv$/,
      "orders-export",
    );
    await screenshot(page, "orders-export");

    expect(Object.keys(records[0]!)).toEqual([
      "Order date (UTC)",
      "Marketplace",
      "Account",
      "Marketplace order ID",
      "Store order",
      "Status",
      "Tracking",
      "Buyer",
      "Currency",
      "Total",
      "Reasons",
    ]);
    // Orders keep arriving while the test runs: the export holds at least what the page showed.
    expect(records.length).toBeGreaterThanOrEqual(shown);
    for (const record of records) {
      expect(record).toMatchObject({ Marketplace: "eBay", Account: "eBay US", Currency: "USD" });
    }
    expect(new Set(records.map((r) => r["Marketplace order ID"])).size).toBe(records.length);
    const held = records.find((r) => r["Marketplace order ID"] === heldId);
    expect(held).toMatchObject({
      Status: "Held",
      Buyer: "Grace Walker",
      Total: "20.99",
      Reasons: "SKU OLD-TEE-M is not mapped to a store variant",
    });
    const exported = new Set(records.map((r) => r["Marketplace order ID"]));
    expect(listedBefore.rows.filter((r) => !exported.has(r.marketplaceOrderId))).toEqual([]);
    expect(errors).toEqual([]);

    await checkOnPhone("/app/orders?marketplace=ebay", "orders-export", heldId);
  });

  describe("in French", () => {
    const FRENCH = "fr-FR";
    /** A date as the French admin writes it, e.g. "4 déc. 2026, 18:05". */
    const FRENCH_DATE =
      /\d{1,2} (janv\.|févr\.|mars|avr\.|mai|juin|juil\.|août|sept\.|oct\.|nov\.|déc\.) \d{4}/;

    it("GIVEN a French merchant and an Amazon France order held for an unknown SKU WHEN they open it and map its SKU THEN every label, the reason, the amount in euros and the dates are French, and the order is created", async () => {
      const heldId = await buyOnAmazonFrance("OLD-CAP-RED", "Casquette rouge");
      await untilListedAs(heldId, "held");
      const { page, errors } = await openPage(DESKTOP, FRENCH);

      await visit(page, "/app/orders?state=held&marketplace=amazon");
      await page.getByRole("heading", { name: "Commandes", level: 1 }).waitFor();
      const row = (await rowTexts(page)).find((text) => text.includes(heldId))!;
      expect(row).toContain("Bloquée");
      expect(row).toMatch(/22,40\s€/);
      await page.getByRole("link", { name: heldId }).click();
      await page.waitForURL(UUID);
      const orderPath = new URL(page.url()).pathname;
      await page.getByRole("heading", { name: `Commande Amazon ${heldId}`, level: 1 }).waitFor();
      await page.getByText("Pourquoi cette commande n’a pas été créée").waitFor();
      await page
        .getByText("Le SKU OLD-CAP-RED n’est associé à aucune variante de la boutique")
        .first()
        .waitFor();
      const detail = await page.locator("body").innerText();
      expect(detail).toMatch(/22,40\s€/);
      expect(detail).toMatch(FRENCH_DATE);
      expect(detail).not.toContain("Why this order");
      await screenshot(page, "held-order-fr");

      await page.getByRole("link", { name: "Associer ce SKU" }).click();
      await page.waitForURL(/\/app\/sku-mappings\?/);
      expect(await page.getByLabel("SKU de la place de marché").inputValue()).toBe("OLD-CAP-RED");
      await page.getByLabel("SKU de la boutique").fill("CAP-RED");
      await page.getByRole("button", { name: "Trouver la variante" }).click();
      await page.getByText("Variantes de la boutique correspondant à « CAP-RED »").waitFor();
      await page.getByRole("button", { name: "Utiliser", exact: true }).click();
      await page.getByRole("button", { name: "Enregistrer", exact: true }).click();
      await page
        .getByText(
          /^Correspondance enregistrée\. (1 commande bloquée|(?:[2-9]|[1-9]\d+) commandes bloquées) en cours de nouvelle vérification\.$/,
        )
        .waitFor();

      await untilListedAs(heldId, "imported");
      await visit(page, orderPath);
      await page.getByTestId("store-order-link").waitFor();
      expect(await page.getByText("Importée", { exact: true }).first().isVisible()).toBe(true);
      expect(await page.getByText("Associé à CAP-RED").first().isVisible()).toBe(true);
      expect(await page.getByTestId("store-order-link").textContent()).toMatch(
        /^Ouvrir #\d+ dans Shopify$/,
      );
      await screenshot(page, "order-created-fr");
      expect(errors).toEqual([]);

      // French labels run longer than English ones: the pages must still fit a phone.
      await checkOnPhone(orderPath, "order-created-fr", `Commande Amazon ${heldId}`, FRENCH);
      await checkOnPhone("/app/orders?state=held", "orders-held-fr", "Commandes", FRENCH);
      await checkOnPhone("/app/sku-mappings", "sku-mappings-fr", "OLD-CAP-RED", FRENCH);
    });

    it("GIVEN a French merchant WHEN they export the Amazon France orders and enter an invalid setting THEN the CSV is in French for Excel (; and decimal comma) and the field error is French", async () => {
      const heldId = await buyOnAmazonFrance("OLD-MUG-BLUE", "Mug bleu");
      await untilListedAs(heldId, "held");
      const { page, errors } = await openPage(DESKTOP, FRENCH);
      await visit(page, "/app/orders?marketplace=amazon");
      await page.getByRole("link", { name: heldId }).waitFor();

      const records = await exportCsv(
        page,
        "Exporter en CSV",
        /^marketsync-commandes-\d{4}-\d{2}-\d{2}\.csv$/,
        "orders-export-fr",
        ";",
      );
      expect(Object.keys(records[0]!)).toEqual([
        "Date de commande (UTC)",
        "Place de marché",
        "Compte",
        "N° de commande place de marché",
        "Commande boutique",
        "État",
        "Suivi",
        "Acheteur",
        "Devise",
        "Total",
        "Motifs",
      ]);
      for (const record of records) {
        expect(record).toMatchObject({ "Place de marché": "Amazon", Compte: "Amazon France" });
      }
      expect(records.find((r) => r["N° de commande place de marché"] === heldId)).toMatchObject({
        État: "Bloquée",
        Devise: "EUR",
        Total: "22,40",
        Motifs: "Le SKU OLD-MUG-BLUE n’est associé à aucune variante de la boutique",
      });

      const { accounts } = await listOrders();
      const amazon = accounts.find((a) => a.displayName === "Amazon France")!;
      await visit(page, `/app/accounts/${amazon.id}/settings`);
      await page.getByRole("heading", { name: "Paramètres d’Amazon France", level: 1 }).waitFor();
      await page.getByLabel("Étiquettes des commandes créées").fill(`a, ${"x".repeat(41)}`);
      await page.getByRole("button", { name: "Enregistrer les paramètres" }).click();
      await page
        .getByText("Utilisez au plus 20 étiquettes, de 1 à 40 caractères chacune")
        .waitFor();
      await page.getByText(/^Certains paramètres sont à corriger/).waitFor();
      await screenshot(page, "settings-invalid-fr");
      expect(errors).toEqual([]);

      await checkOnPhone(
        `/app/accounts/${amazon.id}/settings`,
        "settings-fr",
        "Paramètres d’Amazon France",
        FRENCH,
      );
    });
  });
});
