import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHART_DAYS, loadAlertCounts, loadDashboardStats } from "../../db/dashboard-stats";
import {
  marketplaceAccounts,
  marketplaceOrders,
  orderLinks,
  shipments,
  trackingPushes,
} from "../../db/schema";
import { upsertInstalledStore } from "../../db/stores";
import { createTestDatabase, type TestDatabase, testKeyRing } from "../helpers/database";

const NOW = new Date("2026-11-30T12:00:00Z");
const at = (iso: string) => new Date(iso);

describe("dashboard chart and alert counts", () => {
  let database: TestDatabase;
  const keyring = testKeyRing();
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  async function seedStore(domain: string) {
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
        displayName: "eBay",
        region: "EBAY_US",
        marketplaceIds: ["EBAY_US"],
      })
      .returning();
    let n = 0;
    const addOrder = async (
      values: Partial<typeof marketplaceOrders.$inferInsert> & {
        linkedAt?: Date;
        linkState?: "creating" | "created" | "failed";
        confirmedAt?: Date[];
        pushState?: "confirmed" | "failed";
      },
    ) => {
      const { linkedAt, linkState, confirmedAt, pushState, ...orderValues } = values;
      const [order] = await db
        .insert(marketplaceOrders)
        .values({
          accountId: account!.id,
          storeId: store.id,
          marketplace: "ebay",
          marketplaceOrderId: `${domain}-${(n += 1)}`,
          marketplaceStatus: "PAID",
          currency: "USD",
          marketplaceCreatedAt: NOW,
          marketplaceUpdatedAt: NOW,
          ...orderValues,
        })
        .returning();
      if (linkedAt) {
        await db.insert(orderLinks).values({
          orderId: order!.id,
          accountId: account!.id,
          storeId: store.id,
          marketplaceOrderId: order!.marketplaceOrderId,
          state: linkState ?? "created",
          createdAt: linkedAt,
        });
      }
      for (const [i, when] of (confirmedAt ?? []).entries()) {
        const [shipment] = await db
          .insert(shipments)
          .values({
            orderId: order!.id,
            storeId: store.id,
            storeFulfillmentId: `f-${order!.id}-${i}`,
            shippedAt: when,
            sourceUpdatedAt: when,
          })
          .returning();
        await db.insert(trackingPushes).values({
          shipmentId: shipment!.id,
          orderId: order!.id,
          accountId: account!.id,
          state: pushState ?? "confirmed",
          carrierCode: "USPS",
          trackingNumber: `9400${i}${n}`,
          confirmedAt: pushState === "failed" ? null : when,
        });
      }
      return order!;
    };
    return { store, account: account!, addOrder };
  }

  it("GIVEN store orders created and tracking confirmed on several days WHEN the dashboard loads THEN each UTC day of the chart counts that store's alone", async () => {
    const a = await seedStore("chart-a.myshopify.com");
    const b = await seedStore("chart-b.myshopify.com");
    // Two imported on the 29th (one just before midnight UTC), one today; one link still creating.
    await a.addOrder({ state: "imported", linkedAt: at("2026-11-29T00:00:01Z") });
    await a.addOrder({
      state: "imported",
      linkedAt: at("2026-11-29T23:59:59Z"),
      // Two packages confirmed the same day: one order.
      confirmedAt: [at("2026-11-30T08:00:00Z"), at("2026-11-30T09:00:00Z")],
    });
    await a.addOrder({ state: "imported", linkedAt: at("2026-11-30T10:00:00Z") });
    await a.addOrder({
      state: "creating",
      linkedAt: at("2026-11-30T10:00:00Z"),
      linkState: "creating",
    });
    // Older than the chart: left out.
    await a.addOrder({
      state: "imported",
      linkedAt: at("2026-11-01T10:00:00Z"),
      confirmedAt: [at("2026-11-02T10:00:00Z")],
    });
    // Another store's order, same days.
    await b.addOrder({
      state: "imported",
      linkedAt: at("2026-11-30T10:00:00Z"),
      confirmedAt: [at("2026-11-30T11:00:00Z")],
    });

    const stats = await loadDashboardStats(database.db, a.store.id, { now: NOW });

    expect(stats.daily).toHaveLength(CHART_DAYS);
    expect(stats.daily[0]!.day).toBe("2026-11-17");
    expect(stats.daily.at(-1)).toEqual({ day: "2026-11-30", imported: 1, confirmed: 1 });
    expect(stats.daily.at(-2)).toEqual({ day: "2026-11-29", imported: 2, confirmed: 0 });
    expect(stats.daily.slice(0, -2).every((d) => d.imported === 0 && d.confirmed === 0)).toBe(true);
  });

  it("GIVEN held orders, a failed push and an account to reconnect in two stores WHEN the banner counts load THEN they are the asking store's only", async () => {
    const a = await seedStore("alerts-a.myshopify.com");
    const b = await seedStore("alerts-b.myshopify.com");
    await a.addOrder({ state: "held" });
    await a.addOrder({ state: "held" });
    await a.addOrder({
      state: "imported",
      trackingState: "failed",
      linkedAt: NOW,
      confirmedAt: [NOW],
      pushState: "failed",
    });
    await a.addOrder({ state: "imported" });
    await b.addOrder({ state: "held" });
    await database.db
      .update(marketplaceAccounts)
      .set({ status: "needs_reconnect" })
      .where(eq(marketplaceAccounts.id, b.account.id));

    expect(await loadAlertCounts(database.db, a.store.id)).toEqual({
      heldOrders: 2,
      failedPushes: 1,
      accountsNeedingReconnect: 0,
    });
    expect(await loadAlertCounts(database.db, b.store.id)).toEqual({
      heldOrders: 1,
      failedPushes: 0,
      accountsNeedingReconnect: 1,
    });
  });

  it("GIVEN a store with nothing WHEN its chart and banner load THEN every figure is zero", async () => {
    const store = await upsertInstalledStore(
      { db: database.db, keyring },
      { platform: "bigcommerce", externalId: "empty-hash", accessToken: "t", scopes: "" },
    );
    const stats = await loadDashboardStats(database.db, store.id, { now: NOW });
    expect(stats.daily.every((d) => d.imported === 0 && d.confirmed === 0)).toBe(true);
    expect(await loadAlertCounts(database.db, store.id)).toEqual({
      heldOrders: 0,
      failedPushes: 0,
      accountsNeedingReconnect: 0,
    });
  });
});
