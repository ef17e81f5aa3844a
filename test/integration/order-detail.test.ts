import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  marketplaceOrders,
  orderLinks,
  type StoreRow,
  syncEvents,
  trackingPushes,
} from "../../db/schema";
import { en, fr, timelineKey } from "../../app/i18n/messages/order-detail";
import { loadOrderDetail } from "../../app/order-detail.server";
import { saveSkuMapping } from "../../jobs/import/held-orders";
import { EBAY_ACCOUNT_DELETED_EVENT } from "../../jobs/privacy/ebay-account-deletion";
import { PROJECT_ROOT } from "../helpers/app-process";
import { pollAccount } from "../../jobs/import/poll-account";
import { processOrder } from "../../jobs/import/process-order";
import { pushTracking } from "../../jobs/tracking/push-tracking";
import { syncFulfillment } from "../../jobs/tracking/sync-fulfillment";
import { adminHeaders, shopifySessionToken, startAdminAppServer } from "../helpers/admin-auth";
import type { AppServer } from "../helpers/app-server";
import {
  connectEbayAccount,
  type ImportWorld,
  installBigCommerceStore,
  installShopifyStore,
  seedCatalog,
  startImportWorld,
} from "../helpers/import-world";
import { EBAY_SYSTEM_ERROR_BODY } from "../simulators/ebay";

const SHIP_TO = {
  fullName: "Ava Johnson",
  addressLine1: "12 Maple St",
  city: "Portland",
  stateOrProvince: "OR",
  postalCode: "97201",
  countryCode: "US",
};

/** shopify-app-remix answers 410 to user agents it takes for bots (Node's fetch among them). */
const BROWSER = {
  "user-agent":
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
};

describe("order detail page", () => {
  let world: ImportWorld;
  let app: AppServer;
  let store: StoreRow;
  let otherStore: StoreRow;
  let accountId: string;
  const seller = "detail_seller";

  beforeAll(async () => {
    world = await startImportWorld();
    app = await startAdminAppServer(world);
    store = await installShopifyStore(world, { shop: "detail-a.myshopify.com" });
    otherStore = await installShopifyStore(world, { shop: "detail-b.myshopify.com" });
    seedCatalog(world, store, [{ sku: "MUG-BLUE", title: "Blue mug", price: "14.00" }]);
    accountId = await connectEbayAccount(world, store, { username: seller });
  });
  afterAll(async () => {
    await app?.close();
    await world?.close();
  });

  async function drainOrders() {
    for (;;) {
      const jobs = await world.jobs.boss.fetch<{ orderId: string }>("order.process", {
        batchSize: 50,
      });
      if (jobs.length === 0) return;
      for (const job of jobs) {
        await processOrder(world.deps, { orderId: job.data.orderId });
        await world.jobs.boss.complete("order.process", job.id);
      }
    }
  }

  async function importOrder(sku: string): Promise<{ id: string; ebayOrderId: string }> {
    const ebayOrderId = world.simulators.ebay.seedOrder({
      seller,
      lines: [{ sku, title: "Blue mug", quantity: 2, unitPrice: "14.00" }],
      shipTo: SHIP_TO,
    });
    await pollAccount(world.deps, { accountId });
    await drainOrders();
    const [row] = await world.database.db
      .select({ id: marketplaceOrders.id })
      .from(marketplaceOrders)
      .where(eq(marketplaceOrders.marketplaceOrderId, ebayOrderId));
    return { id: row!.id, ebayOrderId };
  }

  async function page(asStore: StoreRow, orderId: string, locale?: string) {
    const headers = await adminHeaders(app, asStore, locale ? { locale } : {});
    return fetch(`${app.url}/app/orders/${orderId}`, { headers: { ...headers, ...BROWSER } });
  }

  async function post(asStore: StoreRow, orderId: string, form: Record<string, string>) {
    const headers = await adminHeaders(app, asStore);
    return fetch(`${app.url}/app/orders/${orderId}?_data=routes/app.orders.$orderId`, {
      method: "POST",
      headers: { ...headers, ...BROWSER, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    });
  }

  const stateOf = async (orderId: string) =>
    (
      await world.database.db
        .select({ state: marketplaceOrders.state })
        .from(marketplaceOrders)
        .where(eq(marketplaceOrders.id, orderId))
    )[0]!.state;

  it("GIVEN an order held for an unknown SKU WHEN the merchant opens it THEN its lines, hold reason, pre-checks and timeline are shown in their language", async () => {
    const { id, ebayOrderId } = await importOrder("old-mug");
    expect(await stateOf(id)).toBe("held");

    const english = await page(store, id, "en-US");
    expect(english.status).toBe(200);
    const html = await english.text();
    expect(html).toContain(ebayOrderId);
    expect(html).toContain("SKU old-mug is not mapped to a store variant");
    expect(html).toContain("Every SKU maps to a variant");
    expect(html).toContain("Received from the marketplace: Paid, not shipped (PAID/NOT_STARTED)");
    expect(html).toContain(`/app/sku-mappings?sku=old-mug&amp;accountId=${accountId}`);
    expect(html).toContain("$28.00");
    expect(html).not.toContain("Ava Johnson");
    // In UTC and saying so, so the server's and the browser's renders agree.
    expect(html).toMatch(/[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s(AM|PM) UTC/);

    const french = await (await page(store, id, "fr-FR")).text();
    expect(french).toContain("Le SKU old-mug n’est associé à aucune variante de la boutique");
    expect(french).toContain(
      "Reçue de la place de marché : Payée, non expédiée (PAID/NOT_STARTED)",
    );
    expect(french).toContain("28,00");
    expect(french).toMatch(/\d{1,2} [a-zéû]+\.? \d{4}, \d{2}:\d{2} UTC/);
  });

  it("GIVEN an order created by its own SKU and one held for an unknown SKU WHEN the merchant opens them THEN only the held line offers a mapping, and each says when tracking will come", async () => {
    const imported = await importOrder("MUG-BLUE");
    expect(await stateOf(imported.id)).toBe("imported");
    const created = await (await page(store, imported.id, "en")).text();
    expect(created).toContain("Same SKU in the store");
    expect(created).not.toContain("Map this SKU");
    expect(created).toContain("Not shipped yet. Tracking is sent to the marketplace");

    const held = await importOrder("gone-mug");
    const heldPage = await (await page(store, held.id, "en")).text();
    expect(heldPage).toContain("Map this SKU");
    expect(heldPage).not.toContain("Same SKU in the store");
    expect(heldPage).toContain("No store order yet");

    const skipped = await post(store, held.id, { intent: "skip" });
    expect(skipped.status).toBe(200);
    const skippedPage = await (await page(store, held.id, "fr")).text();
    expect(skippedPage).not.toContain("Associer ce SKU");
    expect(skippedPage).toContain("Marketsync n’envoie donc aucun suivi");
  });

  it("GIVEN the merchant came from a filtered page of the list WHEN they open an order THEN its back link returns to that page; a crafted list parameter stays on the list", async () => {
    const { id } = await importOrder("old-mug");
    const headers = await adminHeaders(app, store);
    const backUrlOf = async (list: string) => {
      const query = new URLSearchParams({ list, _data: "routes/app.orders.$orderId" });
      const response = await fetch(`${app.url}/app/orders/${id}?${query}`, { headers });
      return ((await response.json()) as { backUrl: string }).backUrl;
    };

    expect(await backUrlOf("state=held&marketplace=ebay&after=abc")).toBe(
      "/app/orders?state=held&marketplace=ebay&after=abc",
    );
    expect(await backUrlOf("")).toBe("/app/orders");
    expect(await backUrlOf("//evil.example/x")).toBe("/app/orders?%2F%2Fevil.example%2Fx=");
  });

  it("GIVEN another store's merchant WHEN they open, retry or skip this store's order THEN they get 404 and nothing changes", async () => {
    const { id } = await importOrder("other-mug");
    const foreign = await page(otherStore, id);
    expect(foreign.status).toBe(404);
    expect(await foreign.text()).toContain("This page does not exist.");
    expect((await post(otherStore, id, { intent: "skip" })).status).toBe(404);
    expect((await post(otherStore, id, { intent: "retry" })).status).toBe(404);
    expect(await stateOf(id)).toBe("held");
    expect((await page(store, "not-a-uuid")).status).toBe(404);
  });

  it("GIVEN a forged or expired session token WHEN the page is asked for THEN it answers 401", async () => {
    const { id } = await importOrder("forged-mug");
    for (const token of [
      shopifySessionToken(store.externalId, { secret: "not-the-app-secret" }),
      shopifySessionToken(store.externalId, { expired: true }),
    ]) {
      const response = await fetch(`${app.url}/app/orders/${id}`, {
        headers: { ...BROWSER, authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(401);
    }
  });

  it("GIVEN a held order WHEN the merchant skips it and then retries it after mapping the SKU THEN it is set aside, then imported", async () => {
    const { id } = await importOrder("late-mug");
    const skipped = await post(store, id, { intent: "skip" });
    expect(skipped.status).toBe(200);
    expect(await skipped.json()).toEqual({ done: "skipped" });
    expect(await stateOf(id)).toBe("skipped");

    await saveSkuMapping(
      { db: world.database.db, jobs: world.jobs },
      { storeId: store.id, accountId, marketplaceSku: "late-mug", storeSku: "MUG-BLUE" },
    );
    const retried = await post(store, id, { intent: "retry" });
    expect(await retried.json()).toEqual({ done: "retried" });
    await drainOrders();
    expect(await stateOf(id)).toBe("imported");

    const html = await (await page(store, id, "en")).text();
    expect(html).toContain("Mapped to MUG-BLUE");
    expect(html).toMatch(/https:\/\/admin\.shopify\.com\/store\/detail-a\/orders\/\d+/);
    expect(html).toContain("Checked again: retried by the merchant");
    expect(html).toContain("Skipped");
  });

  /** The store ships the imported order with UPS: its tracking push, as the webhook records it. */
  async function shipWithUps(orderId: string, trackingNumber: string) {
    const [link] = await world.database.db
      .select({ storeOrderId: orderLinks.storeOrderId })
      .from(orderLinks)
      .where(eq(orderLinks.orderId, orderId));
    const fulfillmentId = await world.simulators.shopify.createFulfillment(
      store.externalId,
      link!.storeOrderId!,
      { company: "UPS", number: trackingNumber },
    );
    await syncFulfillment(world.deps, {
      storeId: store.id,
      storeOrderId: link!.storeOrderId!,
      fulfillmentId,
    });
    const [push] = await world.database.db
      .select()
      .from(trackingPushes)
      .where(eq(trackingPushes.orderId, orderId));
    return push!;
  }

  it("GIVEN a shipped order whose tracking eBay refused WHEN the merchant opens it and retries the push THEN the marketplace's answer is shown and the push is queued again", async () => {
    const { id } = await importOrder("MUG-BLUE");
    const push = await shipWithUps(id, "1Z999AA10123456784");
    world.simulators.ebay.server.faults.add({
      operation: "createShippingFulfillment",
      kind: "status",
      status: 400,
      body: { errors: [{ errorId: 32100, message: "Invalid shipping carrier" }] },
    });
    expect(await pushTracking(world.deps, { pushId: push.id })).toBe("failed");

    const html = await (await page(store, id, "en")).text();
    expect(html).toContain(`data-testid="push-${push.id}"`);
    expect(html).toContain("1Z999AA10123456784");
    expect(html).toContain("Failed");
    expect(html).toContain("Retry sending");
    expect(html).toContain("Shipped in the store (UPS, 1Z999AA10123456784)");
    // The refusal is the attempt's answer too: eBay's words, status and error code.
    expect(html).toContain("Attempt 1 to send tracking 1Z999AA10123456784 failed");
    expect(html).toMatch(/refused: Invalid shipping carrier \(HTTP status 400, error code 32100\)/);
    expect(html).toContain("eBay refused: Invalid shipping carrier");

    expect((await post(otherStore, id, { intent: "retryPush", pushId: push.id })).status).toBe(404);
    const retried = await post(store, id, { intent: "retryPush", pushId: push.id });
    expect(await retried.json()).toEqual({ done: "pushRetried" });
    const [after] = await world.database.db
      .select({ state: trackingPushes.state })
      .from(trackingPushes)
      .where(eq(trackingPushes.id, push.id));
    expect(after!.state).toBe("pending");
    const kinds = await world.database.db
      .select({ kind: syncEvents.kind })
      .from(syncEvents)
      .where(eq(syncEvents.orderId, id));
    expect(kinds.map((k) => k.kind)).toContain("push.retried");
  });

  it("GIVEN eBay answers two attempts to send the tracking with server errors and the third succeeds WHEN the merchant opens the order THEN each failed attempt is on record with eBay's answer, on the push and in the timeline, in English and French", async () => {
    const { id, ebayOrderId } = await importOrder("MUG-BLUE");
    const push = await shipWithUps(id, "1Z999AA10123456790");
    const ebay = world.simulators.ebay.server;
    ebay.injectFault({
      operation: "createShippingFulfillment",
      kind: "status",
      status: 500,
      body: EBAY_SYSTEM_ERROR_BODY,
    });
    ebay.injectFault({
      operation: "createShippingFulfillment",
      kind: "status",
      status: 503,
      body: { errors: [{ errorId: 10001, message: "Service unavailable, try again later" }] },
    });

    // What the worker does: the first two attempts throw (pg-boss retries the job), the third lands.
    await expect(pushTracking(world.deps, { pushId: push.id })).rejects.toThrow();
    await expect(pushTracking(world.deps, { pushId: push.id })).rejects.toThrow();
    expect(await pushTracking(world.deps, { pushId: push.id })).toBe("confirmed");
    expect(world.simulators.ebay.fulfillments(ebayOrderId)).toHaveLength(1);

    const events = await world.database.db
      .select({ kind: syncEvents.kind, params: syncEvents.params })
      .from(syncEvents)
      .where(eq(syncEvents.orderId, id))
      .orderBy(asc(syncEvents.id));
    const attempts = events.filter((e) => e.kind === "push.attempt_failed");
    expect(attempts.map((e) => e.params)).toEqual([
      {
        pushId: push.id,
        trackingNumber: "1Z999AA10123456790",
        attempt: 1,
        retrying: true,
        reason: { code: "push.answer.unavailable", params: { platform: "ebay" } },
        status: 500,
        vendorCode: "30500",
      },
      {
        pushId: push.id,
        trackingNumber: "1Z999AA10123456790",
        attempt: 2,
        retrying: true,
        reason: { code: "push.answer.unavailable", params: { platform: "ebay" } },
        status: 503,
        vendorCode: "10001",
      },
    ]);
    expect(events.map((e) => e.kind).slice(-4)).toEqual([
      "push.attempt_failed",
      "push.attempt_failed",
      "push.sent",
      "push.confirmed",
    ]);

    const detail = await loadOrderDetail(world.database.db, store, id);
    const shownPush = detail!.shipments[0]!.pushes[0]!;
    expect(shownPush).toMatchObject({ state: "confirmed", attempts: 3, lastError: null });
    expect(shownPush.failedAttempts).toMatchObject([
      { attempt: 1, status: 500, vendorCode: "30500", answer: { code: "push.answer.unavailable" } },
      { attempt: 2, status: 503, vendorCode: "10001", answer: { code: "push.answer.unavailable" } },
    ]);

    const english = await (await page(store, id, "en")).text();
    expect(english).toContain(`data-testid="push-attempts-${push.id}"`);
    expect(english).toContain("Failed attempts and what the marketplace answered");
    expect(english).toMatch(
      /Attempt 1 · [^<]+: ebay did not answer or was temporarily unavailable \(HTTP status 500, error code 30500\)/i,
    );
    expect(english).toContain("(HTTP status 503, error code 10001)");
    expect(english).toContain(
      "Attempt 2 to send tracking 1Z999AA10123456790 failed; it is tried again automatically",
    );
    const french = await (await page(store, id, "fr")).text();
    expect(french).toContain("Tentatives échouées et réponses de la place de marché");
    expect(french).toContain(
      "Échec de la tentative 1 d’envoi du suivi 1Z999AA10123456790 ; nouvel essai automatique",
    );
    expect(french).toContain("(statut HTTP 503, code d’erreur 10001)");
  });

  it("GIVEN every event kind the jobs record WHEN the timeline shows it THEN it has an English and a French sentence", () => {
    const kinds = new Set<string>([EBAY_ACCOUNT_DELETED_EVENT]);
    // settle() in process-order records `order.${state}` for these states.
    for (const state of ["held", "waiting", "skipped"]) kinds.add(`order.${state}`);
    const sources = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory()
          ? entry.name === "__tests__"
            ? []
            : sources(join(dir, entry.name))
          : entry.name.endsWith(".ts")
            ? [join(dir, entry.name)]
            : [],
      );
    for (const file of sources(join(PROJECT_ROOT, "jobs"))) {
      const text = readFileSync(file, "utf8");
      if (!text.includes("recordEvent")) continue;
      for (const match of text.matchAll(/(?:kind: |event\()"([a-z_]+\.[a-z_]+)"/g)) {
        kinds.add(match[1]!);
      }
      for (const match of text.matchAll(/\? "([a-z_]+\.[a-z_]+)" : "([a-z_]+\.[a-z_]+)"/g)) {
        kinds.add(match[1]!).add(match[2]!);
      }
    }
    expect(kinds.size).toBeGreaterThan(20);
    const missing = [...kinds].filter((kind) => {
      const key = timelineKey(kind, {});
      return !key || !en[key] || !fr[key];
    });
    expect(missing).toEqual([]);
  });

  it("GIVEN a BigCommerce store's imported order WHEN its merchant opens it from the control panel THEN the store order opens in the control panel, and variants are searched in that store", async () => {
    const bcStore = await installBigCommerceStore(world, { hash: "detailbc1" });
    seedCatalog(world, bcStore, [{ sku: "MUG-GREEN", title: "Green mug", price: "14.00" }]);
    const bcSeller = "detail_bc_seller";
    const bcAccount = await connectEbayAccount(world, bcStore, { username: bcSeller });
    const ebayOrderId = world.simulators.ebay.seedOrder({
      seller: bcSeller,
      lines: [{ sku: "MUG-GREEN", title: "Green mug", quantity: 1, unitPrice: "14.00" }],
      shipTo: SHIP_TO,
    });
    await pollAccount(world.deps, { accountId: bcAccount });
    await drainOrders();
    const [row] = await world.database.db
      .select({ id: marketplaceOrders.id, state: marketplaceOrders.state })
      .from(marketplaceOrders)
      .where(eq(marketplaceOrders.marketplaceOrderId, ebayOrderId));
    expect(row!.state).toBe("imported");
    const [link] = await world.database.db
      .select({ storeOrderId: orderLinks.storeOrderId })
      .from(orderLinks)
      .where(eq(orderLinks.orderId, row!.id));

    const html = await (await page(bcStore, row!.id)).text();
    expect(html).toContain(
      `https://store-detailbc1.mybigcommerce.com/manage/orders/${link!.storeOrderId}`,
    );
    expect(html).toContain("in BigCommerce");
    expect((await page(bcStore, (await importOrder("bc-foreign")).id)).status).toBe(404);

    const headers = await adminHeaders(app, bcStore);
    const search = await fetch(`${app.url}/app/variants/search?sku=mug-green`, {
      headers: { ...headers, ...BROWSER },
    });
    const body = (await search.json()) as { variants: { sku: string }[] };
    expect(body.variants.map((v) => v.sku)).toEqual(["MUG-GREEN"]);
  });
});
