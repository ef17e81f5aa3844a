import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppProcess, startApp } from "../helpers/app-process";
import { chromiumAvailable, launchChromium, screenshotPath } from "../helpers/browser";

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
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "marketsync-flows-"));
    // `npm run demo`'s entry point, on a free port and a throwaway data directory.
    app = await startApp({ MARKETSYNC_DATA_DIR: dataDir }, ["--demo"]);
    browser = await launchChromium();
    ebaySimulator = await ebaySimulatorOrigin();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await app?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /**
   * The demo's eBay is a simulator on a port of its own: the app's "connect eBay" page sends the
   * seller to its consent URL, which names it.
   */
  async function ebaySimulatorOrigin(): Promise<string> {
    const response = await fetch(
      `${app.url}/app/accounts/connect/ebay?_data=${encodeURIComponent("routes/app.accounts.connect.$platform")}`,
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

  async function openPage(viewport = DESKTOP): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport, acceptDownloads: true });
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
  async function checkOnPhone(path: string, name: string, visibleText: string | RegExp) {
    const { page, errors } = await openPage(PHONE);
    await visit(page, path);
    await page.getByText(visibleText).first().waitFor();
    await expectFitsWidth(page);
    await screenshot(page, `${name}-phone`);
    expect(errors).toEqual([]);
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
    expect(await page.getByRole("checkbox", { name: "Held" }).isChecked()).toBe(true);
    await page.getByRole("button", { name: "Marketplace" }).click();
    await page.getByRole("checkbox", { name: "eBay" }).click();
    await page.waitForURL(/[?&]marketplace=ebay/);
    await page.getByRole("link", { name: heldId }).waitFor();

    const rows = await rowTexts(page);
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
    expect(errors).toEqual([]);

    await checkOnPhone("/app/orders?state=held&marketplace=ebay", "orders-filtered", heldId);
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
    await page.getByText("Variants with this SKU in the store").waitFor();
    expect(await page.getByText(/· CANDLE-LAV$/).count()).toBe(1);
    await page.getByRole("button", { name: "Use", exact: true }).click();
    await page.getByRole("button", { name: "Save mapping" }).click();
    // The demo's own orders may hold the same SKU too: at least ours is re-checked.
    await page
      .getByText(/^Mapping saved\. [1-9]\d* held order\(s\) are being checked again\.$/)
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
    await page.locator(`a[href="/app/accounts/${ebay.id}/settings"]`).click();
    await page.getByRole("heading", { name: "Settings of eBay US", level: 1 }).waitFor();
    const poll = page.getByLabel("Check for new orders every (minutes)");
    const tags = page.getByLabel("Tags on created orders");
    await poll.fill("7");
    await tags.fill(`demo, ${"x".repeat(41)}`);
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Use at most 20 tags of 1 to 40 characters").waitFor();
    expect(
      await page.getByText("Some settings need fixing: see the fields below.").isVisible(),
    ).toBe(true);
    await screenshot(page, "settings-invalid");
    // Refused as a whole: the valid interval was not saved either (the demo polls every minute).
    await visit(page, `/app/accounts/${ebay.id}/settings`);
    expect(await poll.inputValue()).toBe("1");

    await poll.fill("7");
    await tags.fill("demo, from-ebay");
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

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export CSV" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^marketsync-orders-\d{4}-\d{2}-\d{2}\.csv$/);
    const file = screenshotPath("orders-export").replace(/\.png$/, ".csv");
    await download.saveAs(file);
    const records = parse(readFileSync(file), { bom: true, columns: true }) as Record<
      string,
      string
    >[];
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
});
