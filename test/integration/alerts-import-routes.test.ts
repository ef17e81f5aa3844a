import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { marketplaceAccounts, marketplaceOrders, type StoreRow } from "../../db/schema";
import { alertSettings, importRequests } from "../../db/schema/alerts";
import { pollAccount } from "../../jobs/import/poll-account";
import { processOrder } from "../../jobs/import/process-order";
import { adminHeaders, startAdminAppServer } from "../helpers/admin-auth";
import type { AppServer } from "../helpers/app-server";
import {
  connectEbayAccount,
  type ImportWorld,
  installShopifyStore,
  seedCatalog,
  startImportWorld,
} from "../helpers/import-world";

const SHIP_TO = {
  fullName: "Ava Johnson",
  addressLine1: "12 Maple St",
  city: "Portland",
  stateOrProvince: "OR",
  postalCode: "97201",
  countryCode: "US",
};

describe("alerts banner, alert settings and import progress over HTTP", () => {
  let world: ImportWorld;
  let app: AppServer;
  let store: StoreRow;
  let otherStore: StoreRow;
  let accountId: string;
  let otherAccountId: string;
  const seller = "progress_seller";

  beforeAll(async () => {
    world = await startImportWorld();
    app = await startAdminAppServer(world);
    store = await installShopifyStore(world, { shop: "alerts-a.myshopify.com" });
    otherStore = await installShopifyStore(world, { shop: "alerts-b.myshopify.com" });
    seedCatalog(world, store, [{ sku: "MUG", title: "Mug", price: "12.00", stock: 50 }]);
    accountId = await connectEbayAccount(world, store, { username: seller });
    otherAccountId = await connectEbayAccount(world, otherStore, { username: "other_seller" });
  });
  afterAll(async () => {
    await app?.close();
    await world?.close();
  });

  async function request(asStore: StoreRow, url: string, init: RequestInit = {}, locale?: string) {
    const headers = await adminHeaders(app, asStore, locale ? { locale } : {});
    return fetch(`${app.url}${url}`, {
      ...init,
      headers: { ...headers, ...(init.headers as Record<string, string>) },
    });
  }
  const postForm = (asStore: StoreRow, url: string, form: [string, string][], locale?: string) =>
    request(
      asStore,
      url,
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(form).toString(),
      },
      locale,
    );

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

  type Progress = {
    progress: {
      phase: string;
      received: number;
      processed: number;
      total: number | null;
      result: { seen: number; created: number; updated: number } | null;
    } | null;
    backfillDays: number[];
  };
  const progressOf = async (asStore: StoreRow, id: string) =>
    (await (await request(asStore, `/app/accounts/${id}/import`)).json()) as Progress;

  it("GIVEN an account of the store WHEN the merchant asks for a 30-day backfill THEN the poll is queued and its progress runs from queued through processing to done, with counts", async () => {
    world.simulators.ebay.seedOrder({
      seller,
      lines: [{ sku: "MUG", title: "Mug", quantity: 1, unitPrice: "12.00" }],
      shipTo: SHIP_TO,
      createdAt: new Date(Date.now() - 20 * 86_400_000).toISOString(),
    });
    expect((await progressOf(store, accountId)).progress).toBeNull();

    const started = await postForm(store, `/app/accounts/${accountId}/import`, [
      ["intent", "backfill"],
      ["days", "30"],
    ]);
    expect(started.status).toBe(200);
    expect((await progressOf(store, accountId)).progress).toMatchObject({
      phase: "queued",
      received: 0,
      total: null,
    });
    const [job] = await world.jobs.boss.fetch<{
      accountId: string;
      reason: string;
      sinceDays: number;
    }>("import.poll");
    expect(job!.data).toEqual({ accountId, reason: "backfill", sinceDays: 30 });
    // pg-boss marks a fetched job active: the poll is reading.
    expect((await progressOf(store, accountId)).progress).toMatchObject({ phase: "reading" });

    const result = await pollAccount(world.deps, {
      accountId,
      since: new Date(Date.now() - 30 * 86_400_000),
    });
    await world.jobs.boss.complete("import.poll", job!.id, result);
    expect((await progressOf(store, accountId)).progress).toMatchObject({
      phase: "processing",
      received: 1,
      processed: 0,
      total: 1,
    });

    await drainOrders();
    expect((await progressOf(store, accountId)).progress).toMatchObject({
      phase: "done",
      received: 1,
      processed: 1,
      total: 1,
      result: { seen: 1, created: 1, updated: 0 },
    });
  });

  it("GIVEN an import already waiting for the account WHEN the merchant asks again THEN the page is told one is under way and nothing more is queued", async () => {
    const first = await postForm(store, `/app/accounts/${accountId}/import`, [["intent", "now"]]);
    expect(first.status).toBe(200);
    const again = await postForm(store, `/app/accounts/${accountId}/import`, [["intent", "now"]]);
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ error: "import.busy" });
    expect((await progressOf(store, accountId)).progress).toMatchObject({ phase: "queued" });
    const queued = await world.jobs.boss.fetch<{ reason: string }>("import.poll", {
      batchSize: 10,
    });
    expect(queued.map((j) => j.data.reason)).toEqual(["manual"]);
    await world.jobs.boss.complete("import.poll", queued[0]!.id, {
      status: "done",
      pages: 1,
      seen: 0,
      created: 0,
      updated: 0,
    });
    expect((await progressOf(store, accountId)).progress).toMatchObject({ phase: "done" });
  });

  it("GIVEN another store's account WHEN a merchant asks to import it or reads its progress THEN it is not found and nothing is queued", async () => {
    const post = await postForm(store, `/app/accounts/${otherAccountId}/import`, [
      ["intent", "now"],
    ]);
    expect(post.status).toBe(404);
    expect((await request(store, `/app/accounts/${otherAccountId}/import`)).status).toBe(404);
    const rows = await world.database.db
      .select()
      .from(importRequests)
      .where(eq(importRequests.accountId, otherAccountId));
    expect(rows).toEqual([]);
  });

  it("GIVEN an account needing reconnection WHEN the merchant asks to import it THEN it is refused with the reason", async () => {
    const id = await connectEbayAccount(world, store, { username: "revoked_seller" });
    await world.database.db
      .update(marketplaceAccounts)
      .set({ status: "needs_reconnect" })
      .where(eq(marketplaceAccounts.id, id));
    const response = await postForm(store, `/app/accounts/${id}/import`, [["intent", "now"]]);
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({ error: "import.inactive" });
  });

  it("GIVEN held orders and an account to reconnect in one store WHEN each store opens the admin THEN only that store's page shows the banner, in its language", async () => {
    await world.database.db
      .update(marketplaceOrders)
      .set({ state: "held" })
      .where(eq(marketplaceOrders.accountId, accountId));
    const english = await (await request(store, "/app", {}, "en")).text();
    expect(english).toContain('data-testid="alerts-banner"');
    expect(english).toContain("Orders held until you fix them: 1");
    expect(english).toContain("Marketplace accounts to reconnect: 1");
    expect(english).toContain("Orders imported and tracking confirmed, last 14 days");
    const french = await (await request(store, "/app", {}, "fr")).text();
    expect(french).toContain("Commandes bloquées en attente de correction : 1");

    const other = await (await request(otherStore, "/app", {}, "en")).text();
    expect(other).not.toContain('data-testid="alerts-banner"');
  });

  it("GIVEN the alerts page WHEN the merchant turns the digest on without an address or event THEN the fields are flagged and nothing is saved", async () => {
    const page = await request(store, "/app/alerts", {}, "en");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Send me a daily e-mail digest");

    const response = await postForm(store, "/app/alerts?_data=routes/app.alerts", [
      ["digestEnabled", "on"],
      ["email", "not-an-address"],
    ]);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: { email: "alerts.errorEmail", events: "alerts.errorEvents" },
    });
    const rows = await world.database.db
      .select()
      .from(alertSettings)
      .where(eq(alertSettings.storeId, store.id));
    expect(rows).toEqual([]);
  });

  it("GIVEN the alerts page in French WHEN the merchant saves the digest with two events THEN they are stored for that store alone, with the language for the e-mail", async () => {
    const response = await postForm(
      store,
      "/app/alerts?_data=routes/app.alerts",
      [
        ["digestEnabled", "on"],
        ["email", " owner@example.com "],
        ["events", "held_orders"],
        ["events", "needs_reconnect"],
        ["events", "held_orders"],
      ],
      "fr",
    );
    expect(response.status).toBe(200);
    const [row] = await world.database.db
      .select()
      .from(alertSettings)
      .where(eq(alertSettings.storeId, store.id));
    expect(row).toMatchObject({
      digestEnabled: true,
      email: "owner@example.com",
      events: ["held_orders", "needs_reconnect"],
      locale: "fr",
    });
    const otherRows = await world.database.db
      .select()
      .from(alertSettings)
      .where(and(eq(alertSettings.storeId, otherStore.id)));
    expect(otherRows).toEqual([]);
    const page = await (await request(store, "/app/alerts", {}, "fr")).text();
    expect(page).toContain("owner@example.com");
  });
});
