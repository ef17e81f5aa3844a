import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { marketplaceOrders, syncEvents } from "../../db/schema";
import {
  NotFoundForStore,
  retryOrders,
  saveSkuMapping,
  skipOrders,
  updateAccountSettings,
} from "../../jobs/import/held-orders";
import { pollAccount } from "../../jobs/import/poll-account";
import { processOrder } from "../../jobs/import/process-order";
import {
  connectEbayAccount,
  type ImportWorld,
  installShopifyStore,
  seedCatalog,
  startImportWorld,
} from "../helpers/import-world";

const ADDRESS = {
  fullName: "Ava Johnson",
  addressLine1: "12 Maple St",
  city: "Portland",
  stateOrProvince: "OR",
  postalCode: "97201",
  countryCode: "US",
};

describe("fixing held orders", () => {
  let world: ImportWorld;
  beforeAll(async () => {
    world = await startImportWorld();
  });
  afterAll(() => world?.close());

  /** Polls the account and processes whatever the poll (or a merchant action) enqueued. */
  async function drain(accountId?: string) {
    if (accountId) await pollAccount(world.deps, { accountId });
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

  async function stateOf(marketplaceOrderId: string) {
    const [row] = await world.database.db
      .select()
      .from(marketplaceOrders)
      .where(eq(marketplaceOrders.marketplaceOrderId, marketplaceOrderId));
    return row!;
  }

  it("GIVEN an order held for an unknown SKU WHEN the merchant maps that SKU THEN the order is re-checked and imported", async () => {
    const store = await installShopifyStore(world, { shop: "held-a.myshopify.com" });
    seedCatalog(world, store, [{ sku: "MUG-BLUE", title: "Blue mug", price: "14.00" }]);
    const accountId = await connectEbayAccount(world, store, { username: "held_seller_a" });
    const orderId = world.simulators.ebay.seedOrder({
      seller: "held_seller_a",
      lines: [{ sku: "old-mug", title: "Blue mug", quantity: 2, unitPrice: "14.00" }],
      shipTo: ADDRESS,
    });
    await drain(accountId);
    const held = await stateOf(orderId);
    expect(held.state).toBe("held");
    expect(held.holdReasons).toEqual([{ code: "sku.unmapped", params: { sku: "old-mug" } }]);

    const { rechecked } = await saveSkuMapping(
      { db: world.database.db, jobs: world.jobs },
      {
        storeId: store.id,
        accountId: null,
        marketplaceSku: " OLD-MUG ",
        storeSku: "MUG-BLUE",
      },
    );
    expect(rechecked).toBe(1);
    await drain();
    expect((await stateOf(orderId)).state).toBe("imported");
    expect(world.simulators.shopify.orders("held-a.myshopify.com")).toHaveLength(1);
    const events = await world.database.db
      .select({ kind: syncEvents.kind })
      .from(syncEvents)
      .where(eq(syncEvents.orderId, held.id));
    expect(events.map((e) => e.kind)).toEqual(
      expect.arrayContaining(["order.held", "order.recheck", "order.imported"]),
    );
  });

  it("GIVEN an order held for stock WHEN the merchant allows short stock THEN it is imported", async () => {
    const store = await installShopifyStore(world, { shop: "held-b.myshopify.com" });
    seedCatalog(world, store, [{ sku: "CANDLE", title: "Candle", price: "16.00", stock: 1 }]);
    const accountId = await connectEbayAccount(world, store, { username: "held_seller_b" });
    const orderId = world.simulators.ebay.seedOrder({
      seller: "held_seller_b",
      lines: [{ sku: "CANDLE", title: "Candle", quantity: 3, unitPrice: "16.00" }],
      shipTo: ADDRESS,
    });
    await drain(accountId);
    expect((await stateOf(orderId)).holdReasons[0]?.code).toBe("stock.short");

    await expect(
      updateAccountSettings(
        { db: world.database.db, jobs: world.jobs },
        { storeId: store.id, accountId, settings: { stockPolicy: "sometimes" as never } },
      ),
    ).rejects.toThrow();
    const { rechecked } = await updateAccountSettings(
      { db: world.database.db, jobs: world.jobs },
      { storeId: store.id, accountId, settings: { stockPolicy: "allow" } },
    );
    expect(rechecked).toBe(1);
    await drain();
    expect((await stateOf(orderId)).state).toBe("imported");
  });

  it("GIVEN a held order WHEN the merchant skips it THEN re-polls and re-checks leave it alone until retried", async () => {
    const store = await installShopifyStore(world, { shop: "held-c.myshopify.com" });
    seedCatalog(world, store, [{ sku: "CAP", title: "Cap", price: "18.50" }]);
    const accountId = await connectEbayAccount(world, store, { username: "held_seller_c" });
    const orderId = world.simulators.ebay.seedOrder({
      seller: "held_seller_c",
      lines: [{ sku: "NOPE", title: "Cap", unitPrice: "18.50" }],
      shipTo: ADDRESS,
    });
    await drain(accountId);
    const held = await stateOf(orderId);
    const deps = { db: world.database.db, jobs: world.jobs };
    expect(await skipOrders(deps, { storeId: store.id, orderIds: [held.id] })).toBe(1);
    world.simulators.ebay.touch(orderId);
    await drain(accountId);
    expect((await stateOf(orderId)).state).toBe("skipped");

    expect(await retryOrders(deps, { storeId: store.id, orderIds: [held.id] })).toBe(1);
    await drain();
    expect((await stateOf(orderId)).state).toBe("held");
  });

  it("GIVEN another store's order or account WHEN a merchant acts on it THEN nothing happens", async () => {
    const mine = await installShopifyStore(world, { shop: "held-d.myshopify.com" });
    const theirs = await installShopifyStore(world, { shop: "held-e.myshopify.com" });
    const theirAccount = await connectEbayAccount(world, theirs, { username: "held_seller_e" });
    const orderId = world.simulators.ebay.seedOrder({
      seller: "held_seller_e",
      lines: [{ sku: "X", title: "X", unitPrice: "1.00" }],
      shipTo: ADDRESS,
    });
    await drain(theirAccount);
    const theirOrder = await stateOf(orderId);
    const deps = { db: world.database.db, jobs: world.jobs };
    expect(await skipOrders(deps, { storeId: mine.id, orderIds: [theirOrder.id] })).toBe(0);
    expect(await retryOrders(deps, { storeId: mine.id, orderIds: [theirOrder.id] })).toBe(0);
    await expect(
      updateAccountSettings(deps, { storeId: mine.id, accountId: theirAccount, settings: {} }),
    ).rejects.toBeInstanceOf(NotFoundForStore);
    await expect(
      saveSkuMapping(deps, {
        storeId: mine.id,
        accountId: theirAccount,
        marketplaceSku: "X",
        storeSku: "Y",
      }),
    ).rejects.toBeInstanceOf(NotFoundForStore);
    expect((await stateOf(orderId)).state).toBe("held");
  });
});
