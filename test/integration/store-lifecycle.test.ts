import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../db/client";
import {
  marketplaceAccounts,
  marketplaceOrders,
  shopifySessions,
  type StoreRow,
  stores,
  webhookReceipts,
} from "../../db/schema";
import { ensureWebhookSecret, upsertInstalledStore } from "../../db/stores";
import { pollAccount } from "../../jobs/import/poll-account";
import { enqueueDuePolls } from "../../jobs/import/schedule";
import { purgeShippedOrdersPii } from "../../jobs/privacy/purge";
import {
  handleStoreLifecycle,
  type LifecycleEvent,
  readDataRequestExport,
} from "../../jobs/privacy/store-lifecycle";
import { DEAD_LETTER_QUEUE } from "../../jobs/registry";
import {
  connectEbayAccount,
  type ImportWorld,
  installShopifyStore,
  seedCatalog,
  startImportWorld,
} from "../helpers/import-world";
import {
  buyer,
  countRows,
  decryptedPii,
  drainImports,
  piiOf,
  rawOrder,
  seedBuyerOrder,
  setShippedAt,
  storeOrderIdOf,
} from "./privacy-fixtures";

interface JobRow {
  name: string;
  state: string;
  data: Record<string, unknown>;
}

describe("store lifecycle and privacy requests", () => {
  let world: ImportWorld;
  beforeAll(async () => {
    world = await startImportWorld();
  });
  afterAll(() => world?.close());

  const at = (iso: string) => ({ ...world.deps, now: () => new Date(iso) });
  const handle = (data: LifecycleEvent, now = new Date()) =>
    handleStoreLifecycle({ ...world.deps, now: () => now }, data);

  async function storeWithAccount(tag: string) {
    const store = await installShopifyStore(world, { shop: `life-${tag}.myshopify.com` });
    const sku = `MUG-${tag}`;
    seedCatalog(world, store, [{ sku, title: "Stoneware mug", price: "14.00" }]);
    const seller = `life_seller_${tag}`;
    const accountId = await connectEbayAccount(world, store, { username: seller });
    return { store, seller, accountId, sku };
  }

  async function addSession(store: StoreRow) {
    await world.database.db.insert(shopifySessions).values({
      id: `offline_${store.externalId}_${randomUUID()}`,
      shop: store.externalId,
      state: "",
      isOnline: false,
      accessToken: world.deps.keyring.encrypt("shpat_session", "shopify_sessions.access_token"),
    });
  }

  /** Every pg-boss job, in any queue and state, whose payload names the store or its account. */
  async function jobsOf(owner: { storeId?: string; accountId: string }) {
    return rowsOf<JobRow>(
      await world.database.db.execute(
        sql`select name, state, data from pgboss.job
            where data->>'storeId' = ${owner.storeId ?? ""} or data->>'accountId' = ${owner.accountId}
            order by name, created_on`,
      ),
    );
  }

  async function storeRow(id: string) {
    const [row] = await world.database.db.select().from(stores).where(eq(stores.id, id));
    return row;
  }

  it("GIVEN an installed store with queued work, sessions and history WHEN it is uninstalled THEN it is marked, its grant and sessions go, its queued jobs are cancelled and its history stays", async () => {
    const a = await storeWithAccount("uninst-a");
    const b = await storeWithAccount("uninst-b");
    await ensureWebhookSecret(world.deps, a.store);
    for (const s of [a, b]) {
      seedBuyerOrder(world, { seller: s.seller, buyer: buyer(`u-${s.seller}`), sku: s.sku });
      await pollAccount(world.deps, { accountId: s.accountId });
    }
    await world.jobs.send(world.database.db, "fulfillment.sync", {
      storeId: a.store.id,
      storeOrderId: "gid://shopify/Order/1",
      fulfillmentId: "gid://shopify/Fulfillment/1",
    });
    await world.jobs.send(world.database.db, "store.lifecycle", {
      storeId: a.store.id,
      event: "customers_redact",
      storeOrderIds: ["gid://shopify/Order/1"],
    });
    await addSession(a.store);
    await addSession(a.store);
    await addSession(b.store);
    const now = new Date("2026-03-01T10:00:00.000Z");

    const result = await handle({ storeId: a.store.id, event: "uninstalled" }, now);

    expect(result).toEqual({
      event: "uninstalled",
      status: "done",
      jobsCancelled: 2,
      sessionsDeleted: 2,
    });
    const row = await storeRow(a.store.id);
    expect(row?.uninstalledAt).toEqual(now);
    expect(row?.accessTokenEnc).toBeNull();
    expect(row?.webhookSecretEnc).toBeNull();
    const sessions = await world.database.db.select().from(shopifySessions);
    expect(sessions.map((s) => s.shop)).toEqual([b.store.externalId]);
    const jobsA = await jobsOf({ storeId: a.store.id, accountId: a.accountId });
    expect(jobsA.map((j) => [j.name, j.state])).toEqual([
      ["fulfillment.sync", "cancelled"],
      ["order.process", "cancelled"],
      // Shopify's shop/redact and pending customer requests still have to run after an uninstall.
      ["store.lifecycle", "created"],
    ]);
    const jobsB = await jobsOf({ storeId: b.store.id, accountId: b.accountId });
    expect(jobsB.map((j) => [j.name, j.state])).toEqual([["order.process", "created"]]);
    const history = await world.database.db
      .select()
      .from(marketplaceOrders)
      .where(eq(marketplaceOrders.storeId, a.store.id));
    expect(history).toHaveLength(1);
  });

  it("GIVEN an uninstalled store WHEN polls are scheduled, the account is polled or the uninstall is redelivered THEN nothing runs for it and the first date stays", async () => {
    const s = await storeWithAccount("uninst-c");
    const active = await storeWithAccount("uninst-d");
    await pollAccount(world.deps, { accountId: s.accountId });
    await pollAccount(world.deps, { accountId: active.accountId });
    const first = new Date("2026-03-02T10:00:00.000Z");
    await handle({ storeId: s.store.id, event: "uninstalled" }, first);

    await enqueueDuePolls(world.deps, new Date(Date.now() + 3_600_000));

    const polls = async (accountId: string) =>
      (await jobsOf({ accountId })).filter(
        (j) => j.name === "import.poll" && j.state === "created",
      );
    expect(await polls(active.accountId)).toHaveLength(1);
    expect(await polls(s.accountId)).toEqual([]);
    seedBuyerOrder(world, { seller: s.seller, buyer: buyer("late"), sku: s.sku });
    expect((await pollAccount(world.deps, { accountId: s.accountId })).status).toBe("inactive");

    await handle({ storeId: s.store.id, event: "uninstalled" }, new Date("2026-03-05T10:00:00Z"));
    expect((await storeRow(s.store.id))?.uninstalledAt).toEqual(first);
  });

  it("GIVEN an uninstalled store WHEN the merchant installs again THEN it is active with a new grant", async () => {
    const s = await storeWithAccount("reinstall");
    await handle({ storeId: s.store.id, event: "uninstalled" });

    const again = await upsertInstalledStore(world.deps, {
      platform: "shopify",
      externalId: s.store.externalId,
      accessToken: "shpat_reinstalled",
      scopes: "write_orders",
    });

    expect(again.id).toBe(s.store.id);
    expect(again.uninstalledAt).toBeNull();
    expect(again.accessTokenEnc).not.toBeNull();
  });

  it("GIVEN a store with orders, links, events, receipts, exports, sessions and jobs WHEN the shop is redacted THEN nothing of it is left, and another store keeps everything", async () => {
    const gone = await storeWithAccount("redact-shop");
    const kept = await storeWithAccount("keep-shop");
    for (const s of [gone, kept]) {
      const orderId = seedBuyerOrder(world, {
        seller: s.seller,
        buyer: buyer(`s-${s.seller}`),
        sku: s.sku,
      });
      await drainImports(world, s.accountId);
      await handle({
        storeId: s.store.id,
        event: "data_request",
        requestRef: `dr-${s.seller}`,
        storeOrderIds: [(await storeOrderIdOf(world, orderId)).id],
      });
      await world.database.db.insert(webhookReceipts).values({
        source: "shopify",
        deliveryId: `orders/cancelled:${randomUUID()}`,
        topic: "orders/cancelled",
        storeId: s.store.id,
      });
      await addSession(s.store);
      await world.jobs.send(world.database.db, "tracking.verify", {
        pushId: randomUUID(),
        accountId: s.accountId,
      });
      await world.jobs.boss.send(DEAD_LETTER_QUEUE, { storeId: s.store.id });
    }
    const tables = [
      "marketplace_accounts",
      "marketplace_orders",
      "order_links",
      "sync_events",
      "webhook_receipts",
      "data_requests",
    ];
    const countFor = (table: string, storeId: string) =>
      countRows(
        world,
        sql`select count(*) as n from ${sql.identifier(table)} where store_id = ${storeId}`,
      );
    for (const table of tables) expect(await countFor(table, gone.store.id)).toBeGreaterThan(0);
    expect(
      (await jobsOf({ storeId: gone.store.id, accountId: gone.accountId })).map((j) => j.state),
    ).toEqual(expect.arrayContaining(["completed", "created"]));

    const result = await handle({ storeId: gone.store.id, event: "shop_redact" });

    expect(result).toMatchObject({ event: "shop_redact", status: "done", sessionsDeleted: 1 });
    expect(await storeRow(gone.store.id)).toBeUndefined();
    for (const table of tables) {
      expect(await countFor(table, gone.store.id)).toBe(0);
      expect(await countFor(table, kept.store.id)).toBeGreaterThan(0);
    }
    const sessions = await world.database.db.select().from(shopifySessions);
    expect(sessions.some((s) => s.shop === gone.store.externalId)).toBe(false);
    expect(sessions.some((s) => s.shop === kept.store.externalId)).toBe(true);
    expect(await jobsOf({ storeId: gone.store.id, accountId: gone.accountId })).toEqual([]);
    expect(
      (await jobsOf({ storeId: kept.store.id, accountId: kept.accountId })).length,
    ).toBeGreaterThan(0);
    expect(await handle({ storeId: gone.store.id, event: "shop_redact" })).toEqual({
      event: "shop_redact",
      status: "unknown_store",
    });
  });

  it("GIVEN a customer's orders, an export holding one and queued jobs naming them WHEN the customer is redacted THEN their PII is gone from every row, the export is erased, the jobs hold nothing to scrub and other customers keep theirs", async () => {
    const s = await storeWithAccount("redact-cust");
    const other = await storeWithAccount("redact-other");
    const customer = buyer("cust-x");
    const neighbour = buyer("cust-y");
    const x1 = seedBuyerOrder(world, { seller: s.seller, buyer: customer, sku: s.sku });
    const x2 = seedBuyerOrder(world, { seller: s.seller, buyer: customer, sku: s.sku });
    const y1 = seedBuyerOrder(world, { seller: s.seller, buyer: neighbour, sku: s.sku });
    const otherCustomer = buyer("cust-z");
    const z1 = seedBuyerOrder(world, {
      seller: other.seller,
      buyer: otherCustomer,
      sku: other.sku,
    });
    await drainImports(world, s.accountId);
    await drainImports(world, other.accountId);
    const x1Ref = (await storeOrderIdOf(world, x1)).id;
    const x2Ref = (await storeOrderIdOf(world, x2)).id;
    const y1Ref = (await storeOrderIdOf(world, y1)).id;
    const z1Ref = (await storeOrderIdOf(world, z1)).id;
    await handle({
      storeId: s.store.id,
      event: "data_request",
      requestRef: "dr-x",
      storeOrderIds: [x1Ref],
    });
    await handle({
      storeId: s.store.id,
      event: "data_request",
      requestRef: "dr-y",
      storeOrderIds: [y1Ref],
    });
    const x1Row = await rawOrder(world, x1);
    await world.jobs.send(world.database.db, "order.cancel", {
      orderId: x1Row.id,
      accountId: s.accountId,
    });
    await world.jobs.send(world.database.db, "fulfillment.sync", {
      storeId: s.store.id,
      storeOrderId: x1Ref,
      fulfillmentId: "gid://shopify/Fulfillment/77",
    });

    const result = await handle({
      storeId: s.store.id,
      event: "customers_redact",
      // Another store's order id means nothing here, even if the number is the same.
      storeOrderIds: [x1Ref, x2Ref, z1Ref],
    });

    expect(result).toEqual({
      event: "customers_redact",
      status: "done",
      ordersRedacted: 2,
      exportsErased: 1,
    });
    for (const id of [x1, x2]) {
      const row = await rawOrder(world, id);
      expect([row.buyer_enc, row.ship_to_enc, row.raw_enc]).toEqual([null, null, null]);
      const plain = decryptedPii(world, row);
      for (const value of piiOf(customer)) expect(plain).not.toContain(value);
    }
    const untouched = [
      [y1, neighbour],
      [z1, otherCustomer],
    ] as const;
    for (const [id, who] of untouched) {
      const plain = decryptedPii(world, await rawOrder(world, id));
      for (const value of piiOf(who)) expect(plain).toContain(value);
    }
    expect(await readDataRequestExport(world.deps, s.store.id, "dr-x")).toMatchObject({
      status: "erased",
    });
    expect(await readDataRequestExport(world.deps, s.store.id, "dr-y")).toMatchObject({
      status: "ready",
    });
    // Payloads are ids only: the queued jobs stay, naming no one.
    const queued = (await jobsOf({ storeId: s.store.id, accountId: s.accountId })).filter(
      (j) => j.state === "created",
    );
    expect(queued.map((j) => j.name).sort()).toEqual(["fulfillment.sync", "order.cancel"]);
    const allJobs = JSON.stringify(
      rowsOf(await world.database.db.execute(sql`select data, output from pgboss.job`)),
    );
    for (const value of piiOf(customer)) expect(allJobs).not.toContain(value);
  });

  it("GIVEN a customer's orders, one already purged WHEN their data is requested THEN the export holds what we have, decrypted for the merchant and encrypted at rest, once per request", async () => {
    const s = await storeWithAccount("data-req");
    const customer = buyer("dr");
    const live = seedBuyerOrder(world, { seller: s.seller, buyer: customer, sku: s.sku });
    const purged = seedBuyerOrder(world, { seller: s.seller, buyer: customer, sku: s.sku });
    await drainImports(world, s.accountId);
    await setShippedAt(world, purged, new Date(Date.now() - 45 * 86_400_000));
    await purgeShippedOrdersPii(world.deps);
    const liveRef = await storeOrderIdOf(world, live);
    const purgedRef = await storeOrderIdOf(world, purged);
    const request: LifecycleEvent = {
      storeId: s.store.id,
      event: "data_request",
      requestRef: "987654",
      storeOrderIds: [liveRef.id, purgedRef.id, "gid://shopify/Order/999999999"],
    };

    expect(await handleStoreLifecycle(at("2026-04-01T08:00:00.000Z"), request)).toEqual({
      event: "data_request",
      status: "done",
      orderCount: 2,
    });
    await handleStoreLifecycle(at("2026-04-01T09:00:00.000Z"), request);

    const raw = rowsOf<{ export_enc: string; order_count: number; completed_at: unknown }>(
      await world.database.db.execute(
        sql`select export_enc, order_count, completed_at from data_requests where store_id = ${s.store.id}`,
      ),
    );
    expect(raw).toHaveLength(1);
    expect(raw[0]!.export_enc).toMatch(/^enc:v1:/);
    expect(raw[0]!.export_enc).not.toContain(customer.fullName);
    expect(Number(raw[0]!.order_count)).toBe(2);
    const download = await readDataRequestExport(world.deps, s.store.id, "987654");
    expect(download?.status).toBe("ready");
    if (download?.status !== "ready") return;
    expect(download.completedAt).toEqual(new Date("2026-04-01T09:00:00.000Z"));
    const { orders, notFound } = download.export;
    expect(notFound).toEqual(["gid://shopify/Order/999999999"]);
    const liveOrder = orders.find((o) => o.marketplaceOrderId === live)!;
    expect(liveOrder).toMatchObject({
      marketplace: "ebay",
      storeOrderId: liveRef.id,
      storeOrderName: liveRef.name,
      piiPurgedAt: null,
      buyer: { name: customer.fullName, email: customer.email, phone: customer.phone },
      shipTo: {
        line1: customer.addressLine1,
        city: customer.city,
        postalCode: customer.postalCode,
        countryCode: "US",
      },
      lines: [{ sku: s.sku, title: "Stoneware mug", quantity: 2, unitPriceMinor: 1400 }],
      totals: { currency: "USD", totalMinor: 2800 },
    });
    expect(new Date(liveOrder.createdAt).getTime()).not.toBeNaN();
    const purgedOrder = orders.find((o) => o.marketplaceOrderId === purged)!;
    expect(purgedOrder.buyer).toBeNull();
    expect(purgedOrder.shipTo).toBeNull();
    expect(purgedOrder.piiPurgedAt).not.toBeNull();
    expect(purgedOrder.totals.totalMinor).toBe(2800);

    const stranger = await storeWithAccount("data-req-other");
    expect(await readDataRequestExport(world.deps, stranger.store.id, "987654")).toBeUndefined();
  });

  it("GIVEN a store we no longer have WHEN any event arrives THEN it is acknowledged and nothing happens", async () => {
    const storeId = randomUUID();
    const before = await countRows(world, sql`select count(*) as n from stores`);
    for (const data of [
      { storeId, event: "uninstalled" },
      { storeId, event: "customers_redact", storeOrderIds: ["1"] },
      { storeId, event: "data_request", requestRef: "1", storeOrderIds: ["1"] },
    ] as LifecycleEvent[]) {
      expect(await handle(data)).toEqual({ event: data.event, status: "unknown_store" });
    }
    expect(await countRows(world, sql`select count(*) as n from stores`)).toBe(before);
    expect(
      await world.database.db
        .select()
        .from(marketplaceAccounts)
        .where(eq(marketplaceAccounts.storeId, storeId)),
    ).toEqual([]);
  });
});
