import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDashboardStats } from "../../db/dashboard-stats";
import { marketplaceAccounts, marketplaceOrders, shipments, trackingPushes } from "../../db/schema";
import { upsertInstalledStore } from "../../db/stores";
import { createTestDatabase, type TestDatabase, testKeyRing } from "../helpers/database";

describe("dashboard figures", () => {
  let database: TestDatabase;
  const keyring = testKeyRing();
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  async function seedStore(
    domain: string,
    states: (typeof marketplaceOrders.$inferInsert)["state"][],
  ) {
    const db = database.db;
    const store = await upsertInstalledStore(
      { db, keyring },
      { platform: "shopify", externalId: domain, accessToken: "t", scopes: "" },
    );
    const [account] = await db
      .insert(marketplaceAccounts)
      .values({
        storeId: store.id,
        platform: "ebay",
        sellerId: `seller-${domain}`,
        displayName: "eBay France",
        region: "EBAY_FR",
        marketplaceIds: ["EBAY_FR"],
        lastImportAt: new Date("2026-11-20T10:00:00Z"),
      })
      .returning();
    const orders = await db
      .insert(marketplaceOrders)
      .values(
        states.map((state, i) => ({
          accountId: account!.id,
          storeId: store.id,
          marketplace: "ebay" as const,
          marketplaceOrderId: `${domain}-${i}`,
          marketplaceStatus: "PAID",
          state,
          currency: "EUR",
          totalMinor: 1999,
          marketplaceCreatedAt: new Date(),
          marketplaceUpdatedAt: new Date(),
        })),
      )
      .returning();
    return { store, account: account!, orders };
  }

  it("GIVEN orders in several states for two stores WHEN a store's dashboard loads THEN it counts only that store's", async () => {
    const a = await seedStore("a.myshopify.com", ["imported", "imported", "held", "skipped"]);
    await seedStore("b.myshopify.com", ["held", "held", "held"]);

    const [shipment] = await database.db
      .insert(shipments)
      .values({
        orderId: a.orders[0]!.id,
        storeId: a.store.id,
        storeFulfillmentId: "gid://shopify/Fulfillment/1",
        shippedAt: new Date(),
        sourceUpdatedAt: new Date(),
      })
      .returning();
    await database.db.insert(trackingPushes).values({
      shipmentId: shipment!.id,
      orderId: a.orders[0]!.id,
      accountId: a.account.id,
      state: "failed",
      carrierCode: "COLISSIMO",
      trackingNumber: "6A12345678901",
    });

    const stats = await loadDashboardStats(database.db, a.store.id);
    expect(stats.totalOrders).toBe(4);
    expect(stats.ordersByState).toMatchObject({ imported: 2, held: 1, skipped: 1, failed: 0 });
    expect(stats.ordersByMarketplace).toEqual({ ebay: 4, amazon: 0 });
    expect(stats.failedPushes).toBe(1);
    expect(stats.accounts).toEqual([
      expect.objectContaining({ displayName: "eBay France", platform: "ebay", status: "active" }),
    ]);
  });

  it("GIVEN a store with nothing yet WHEN its dashboard loads THEN every figure is zero", async () => {
    const store = await upsertInstalledStore(
      { db: database.db, keyring },
      { platform: "bigcommerce", externalId: "abc123", accessToken: "t", scopes: "" },
    );
    const stats = await loadDashboardStats(database.db, store.id);
    expect(stats.totalOrders).toBe(0);
    expect(stats.failedPushes).toBe(0);
    expect(stats.accounts).toEqual([]);
    expect(Object.values(stats.ordersByState).every((n) => n === 0)).toBe(true);
  });
});
