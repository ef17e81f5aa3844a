import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { money } from "../../connectors/money";
import type { MarketplaceOrder } from "../../connectors/types";
import { rowsOf } from "../../db/client";
import { upsertMarketplaceOrders } from "../../db/orders";
import { purgeOrderPii } from "../../db/pii";
import { marketplaceOrderLines, marketplaceOrders } from "../../db/schema";
import { createTestDatabase, type TestDatabase, testKeyRing } from "../helpers/database";
import { seedStoreOrders, type SeededStore } from "./order-list-fixtures";

/** An eBay order updated at `updatedAt` (minutes past 10:00) with `lines` one-unit lines. */
function order(id: string, updatedAt: number, lines: number, status = "PAID"): MarketplaceOrder {
  const at = new Date(Date.UTC(2026, 10, 20, 10, updatedAt));
  const unit = money("12.50", "USD");
  const zero = money(0, "USD");
  const total = money((12.5 * lines).toFixed(2), "USD");
  return {
    marketplace: "ebay",
    id: id as MarketplaceOrder["id"],
    status: status === "CANCELLED" ? "cancelled" : "ready",
    rawStatus: status,
    createdAt: new Date(Date.UTC(2026, 10, 20, 9, 0)),
    updatedAt: at,
    marketplaceId: "EBAY_US",
    currency: "USD",
    fulfilledByMarketplace: false,
    taxCollectedByMarketplace: false,
    pricesIncludeTax: false,
    buyerCancellationRequested: false,
    buyer: { name: `Buyer of ${id}`, email: `${id.toLowerCase()}@example.com` },
    shipTo: undefined,
    lines: Array.from({ length: lines }, (_, i) => ({
      lineId: `${id}-L${i + 1}` as MarketplaceOrder["lines"][number]["lineId"],
      sku: `SKU-${i + 1}`,
      title: `Item ${i + 1}`,
      quantity: 1,
      quantityShipped: 0,
      unitPrice: unit,
      lineTotal: unit,
      tax: zero,
      discount: zero,
    })),
    totals: { subtotal: total, shipping: zero, tax: zero, discount: zero, total },
    raw: { orderId: id },
  };
}

describe("storing a page of marketplace orders at once", () => {
  let database: TestDatabase;
  let seeded: SeededStore;
  const keyring = testKeyRing();
  const page = (orders: MarketplaceOrder[]) =>
    upsertMarketplaceOrders(database.db, keyring, {
      accountId: seeded.accounts.ebay.id,
      storeId: seeded.store.id,
      orders,
    });
  const linesOf = async (orderId: string) =>
    (
      await database.db
        .select({ lineId: marketplaceOrderLines.lineId })
        .from(marketplaceOrderLines)
        .where(eq(marketplaceOrderLines.orderId, orderId))
    )
      .map((line) => line.lineId)
      .sort();

  beforeAll(async () => {
    database = await createTestDatabase();
    seeded = await seedStoreOrders(database.db, keyring, "page.myshopify.com", []);
  });
  afterAll(() => database.drop());

  it("GIVEN a first page WHEN stored THEN every order is new, with its lines, in page order", async () => {
    const stored = await page([order("A", 1, 2), order("B", 1, 1), order("C", 1, 3)]);
    expect(stored.map((row) => [row.order.id, row.change, row.previousState])).toEqual([
      ["A", "new", undefined],
      ["B", "new", undefined],
      ["C", "new", undefined],
    ]);
    expect(await linesOf(stored[2]!.id)).toEqual(["C-L1", "C-L2", "C-L3"]);
  });

  it("GIVEN stored orders WHEN a page holds one newer, one identical and one brand-new order THEN only those two change and the lines follow the newer copy", async () => {
    const [before] = await database.db
      .select({ id: marketplaceOrders.id })
      .from(marketplaceOrders)
      .where(eq(marketplaceOrders.marketplaceOrderId, "A"));
    await database.db
      .update(marketplaceOrders)
      .set({ state: "held" })
      .where(eq(marketplaceOrders.id, before!.id));

    const stored = await page([order("A", 5, 1, "CANCELLED"), order("B", 1, 1), order("D", 2, 1)]);
    expect(stored.map((row) => [row.order.id, row.change, row.previousState])).toEqual([
      ["A", "updated", "held"],
      ["B", "unchanged", "new"],
      ["D", "new", undefined],
    ]);
    expect(stored[0]!.id).toBe(before!.id);
    expect(await linesOf(before!.id)).toEqual(["A-L1"]);
    const [a] = await database.db
      .select({ status: marketplaceOrders.marketplaceStatus, total: marketplaceOrders.totalMinor })
      .from(marketplaceOrders)
      .where(eq(marketplaceOrders.id, before!.id));
    expect(a).toEqual({ status: "CANCELLED", total: 1250 });
  });

  it("GIVEN a page listing one order twice WHEN stored THEN it is stored once, at its newest copy, whichever comes first", async () => {
    const stored = await page([order("E", 9, 2, "CANCELLED"), order("E", 3, 1), order("F", 1, 1)]);
    expect(stored.map((row) => [row.order.id, row.change, row.order.rawStatus])).toEqual([
      ["E", "new", "CANCELLED"],
      ["F", "new", "PAID"],
    ]);
    expect(await linesOf(stored[0]!.id)).toEqual(["E-L1", "E-L2"]);
  });

  it("GIVEN an order whose buyer data was erased WHEN a newer copy arrives in a page THEN the buyer data stays erased and the other orders keep theirs", async () => {
    const [c] = await database.db
      .select({ id: marketplaceOrders.id })
      .from(marketplaceOrders)
      .where(eq(marketplaceOrders.marketplaceOrderId, "C"));
    await purgeOrderPii(database.db, keyring, [c!.id]);

    const stored = await page([order("C", 30, 1), order("D", 30, 1)]);
    expect(stored.map((row) => row.change)).toEqual(["updated", "updated"]);
    const rows = rowsOf<{ marketplace_order_id: string; buyer_enc: string | null }>(
      await database.db.execute(
        sql`select marketplace_order_id, buyer_enc from marketplace_orders
            where marketplace_order_id in ('C', 'D') order by marketplace_order_id`,
      ),
    );
    expect(rows.map((row) => [row.marketplace_order_id, row.buyer_enc === null])).toEqual([
      ["C", true],
      ["D", false],
    ]);
  });

  it("GIVEN an empty page WHEN stored THEN nothing is written", async () => {
    const count = async () =>
      (
        await database.db
          .select({ id: marketplaceOrders.id })
          .from(marketplaceOrders)
          .where(inArray(marketplaceOrders.accountId, [seeded.accounts.ebay.id]))
      ).length;
    const before = await count();
    expect(await page([])).toEqual([]);
    expect(await count()).toBe(before);
  });
});
