import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountSettingsInput } from "../../db/account-settings";
import {
  marketplaceOrders,
  type MarketplaceOrderRow,
  orderLinks,
  skuMappings,
  type StoreRow,
  syncEvents,
} from "../../db/schema";
import { cancelImportedOrder } from "../../jobs/import/cancel-order";
import { pollAccount } from "../../jobs/import/poll-account";
import { processOrder } from "../../jobs/import/process-order";
import type { SeedOrderInput as AmazonSeed } from "../simulators/amazon";
import {
  connectAmazonAccount,
  connectEbayAccount,
  type ImportWorld,
  installBigCommerceStore,
  installShopifyStore,
  seedCatalog,
  startImportWorld,
} from "../helpers/import-world";

/**
 * What the pipeline decides for each kind of order, end to end: marketplace simulator → poll →
 * queued `order.process` / `order.cancel` jobs → pre-checks → store simulator. Each test has its
 * own account; all Amazon accounts are the simulator's one seller, so every assertion names its
 * own orders rather than counting everything a poll saw.
 */

let world: ImportWorld;
let counter = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${++counter}`;

const CATALOG = [
  { sku: "MUG-BLUE", title: "Blue ceramic mug", price: "12.99" },
  { sku: "TEE-L", title: "T-shirt, large", price: "19.99" },
];
const US_ADDRESS = {
  fullName: "Jane Buyer",
  addressLine1: "2145 Hamilton Ave",
  city: "San Jose",
  stateOrProvince: "CA",
  postalCode: "95125",
  countryCode: "US",
};

beforeAll(async () => {
  world = await startImportWorld();
});
afterAll(async () => {
  await world?.close();
});

async function shopifyStore(): Promise<StoreRow> {
  const store = await installShopifyStore(world, { shop: `${unique("outcomes")}.myshopify.com` });
  seedCatalog(world, store, CATALOG);
  return store;
}

async function bigCommerceStore(): Promise<StoreRow> {
  const store = await installBigCommerceStore(world, { hash: unique("outcomes") });
  seedCatalog(world, store, CATALOG);
  return store;
}

async function ebayAccount(store: StoreRow, settings: AccountSettingsInput = {}) {
  const username = unique("seller_");
  const accountId = await connectEbayAccount(world, store, { username, settings });
  const seed = (lines: { sku: string; quantity?: number; unitPrice?: string }[], extra = {}) =>
    world.simulators.ebay.seedOrder({
      seller: username,
      shipTo: US_ADDRESS,
      lines: lines.map((l) => ({
        sku: l.sku,
        title: `Item ${l.sku}`,
        quantity: l.quantity ?? 1,
        unitPrice: l.unitPrice ?? "12.99",
        shipping: "4.00",
      })),
      ...extra,
    });
  return { accountId, seed };
}

/** Every Amazon account is the simulator's single seller: start each one after older orders. */
async function amazonAccount(store: StoreRow) {
  const importFrom = new Date(Date.now() - 60_000).toISOString();
  const accountId = await connectAmazonAccount(world, store, { settings: { importFrom } });
  const seed = (input: Partial<AmazonSeed> = {}) =>
    world.simulators.amazon.seedOrder({
      createdTime: new Date(Date.now() - 5_000).toISOString(),
      buyer: { name: "Jane Buyer" },
      shipTo: {
        name: "Jane Buyer",
        addressLine1: "2145 Hamilton Ave",
        city: "San Jose",
        stateOrRegion: "CA",
        postalCode: "95125",
        countryCode: "US",
      },
      items: [{ sku: "MUG-BLUE", title: "Blue ceramic mug", quantity: 1, unitPrice: "12.99" }],
      ...input,
    }).orderId;
  return { accountId, seed };
}

/** Runs every queued import job the way the worker would, until none is left. */
async function runQueuedJobs(): Promise<Map<string, string[]>> {
  const outcomes = new Map<string, string[]>();
  for (;;) {
    let ran = 0;
    for (const name of ["order.process", "order.cancel"] as const) {
      const jobs = await world.jobs.boss.fetch<{ orderId: string }>(name, { batchSize: 100 });
      for (const job of jobs) {
        const outcome =
          name === "order.process"
            ? await processOrder(world.deps, { orderId: job.data.orderId })
            : await cancelImportedOrder(world.deps, { orderId: job.data.orderId });
        outcomes.set(job.data.orderId, [
          ...(outcomes.get(job.data.orderId) ?? []),
          `${name}:${outcome}`,
        ]);
        await world.jobs.boss.complete(name, job.id);
        ran += 1;
      }
    }
    if (ran === 0) return outcomes;
  }
}

async function pollAndRun(accountId: string) {
  const poll = await pollAccount(world.deps, { accountId });
  expect(poll.status).toBe("done");
  return runQueuedJobs();
}

async function orderRow(accountId: string, marketplaceOrderId: string) {
  const [row] = await world.deps.db
    .select()
    .from(marketplaceOrders)
    .where(
      and(
        eq(marketplaceOrders.accountId, accountId),
        eq(marketplaceOrders.marketplaceOrderId, marketplaceOrderId),
      ),
    );
  if (!row) throw new Error(`order ${marketplaceOrderId} was not imported into the database`);
  return row;
}

async function linkOf(row: MarketplaceOrderRow) {
  const [link] = await world.deps.db
    .select()
    .from(orderLinks)
    .where(eq(orderLinks.orderId, row.id));
  return link;
}

async function timeline(row: MarketplaceOrderRow) {
  const events = await world.deps.db
    .select({ kind: syncEvents.kind, params: syncEvents.params })
    .from(syncEvents)
    .where(eq(syncEvents.orderId, row.id))
    .orderBy(asc(syncEvents.id));
  return events;
}

const shopifyOrdersFor = (store: StoreRow, marketplaceOrderId: string) =>
  world.simulators.shopify
    .orders(store.externalId)
    .filter((o) => o.sourceIdentifier === marketplaceOrderId);
const bigCommerceOrdersFor = (store: StoreRow, marketplaceOrderId: string) =>
  world.simulators.bigcommerce
    .orders(store.externalId)
    .filter((o) => o.order.external_order_id === marketplaceOrderId);

describe("import outcomes", () => {
  it("GIVEN an eBay order with a SKU the store does not have WHEN it is processed THEN it is held with sku.unmapped {sku}; AND WHEN the merchant maps the SKU and it is processed again THEN it is imported with the mapped variant", async () => {
    const store = await shopifyStore();
    const { accountId, seed } = await ebayAccount(store);
    const id = seed([{ sku: "MUG-BLEU-OLD", quantity: 2 }, { sku: "TEE-L" }]);

    await pollAndRun(accountId);
    let row = await orderRow(accountId, id);
    expect(row.state).toBe("held");
    expect(row.holdReasons).toEqual([{ code: "sku.unmapped", params: { sku: "MUG-BLEU-OLD" } }]);
    expect(await linkOf(row)).toBeUndefined();
    expect(shopifyOrdersFor(store, id)).toHaveLength(0);

    await world.deps.db.insert(skuMappings).values({
      storeId: store.id,
      accountId: null,
      marketplaceSku: "mug-bleu-old ",
      storeSku: "MUG-BLUE",
    });
    expect(await processOrder(world.deps, { orderId: row.id })).toBe("imported");

    row = await orderRow(accountId, id);
    expect(row.state).toBe("imported");
    expect(row.holdReasons).toEqual([]);
    const created = shopifyOrdersFor(store, id);
    expect(created).toHaveLength(1);
    // The mapped line went to the MUG-BLUE variant (the store line keeps the marketplace's SKU).
    expect(
      created[0]!.lines.map((l) => ({
        variantSku: world.simulators.shopify.variant(
          store.externalId,
          `gid://shopify/ProductVariant/${l.variantId}`,
        )?.sku,
        quantity: l.quantity,
      })),
    ).toEqual([
      { variantSku: "MUG-BLUE", quantity: 2 },
      { variantSku: "TEE-L", quantity: 1 },
    ]);
    expect((await timeline(row)).map((e) => e.kind)).toEqual([
      "order.received",
      "order.held",
      "order.creating",
      "order.imported",
    ]);
  });

  it("GIVEN an unpaid eBay order WHEN it is polled and processed THEN it waits (order.not_paid) and nothing is created; AND WHEN the buyer pays THEN the next poll imports it", async () => {
    const store = await shopifyStore();
    const { accountId, seed } = await ebayAccount(store);
    const id = seed([{ sku: "MUG-BLUE" }], { paymentStatus: "PENDING" });

    await pollAndRun(accountId);
    let row = await orderRow(accountId, id);
    expect(row.state).toBe("waiting");
    expect(row.holdReasons).toEqual([{ code: "order.not_paid" }]);
    expect(shopifyOrdersFor(store, id)).toHaveLength(0);

    world.simulators.ebay.setPaymentStatus(id, "PAID");
    const outcomes = await pollAndRun(accountId);
    row = await orderRow(accountId, id);
    expect(outcomes.get(row.id)).toEqual(["order.process:imported"]);
    expect(row.state).toBe("imported");
    expect(shopifyOrdersFor(store, id)).toHaveLength(1);
  });

  it("GIVEN an Amazon order still Pending WHEN it is polled and processed THEN it waits (order.not_paid) and nothing is created", async () => {
    const store = await shopifyStore();
    const { accountId, seed } = await amazonAccount(store);
    const id = seed({ status: "PENDING" });

    await pollAndRun(accountId);
    const row = await orderRow(accountId, id);
    expect(row.state).toBe("waiting");
    expect(row.holdReasons).toEqual([{ code: "order.not_paid" }]);
    expect(shopifyOrdersFor(store, id)).toHaveLength(0);
    expect(await linkOf(row)).toBeUndefined();
  });

  it("GIVEN an Amazon order fulfilled by Amazon (FBA) WHEN it is polled and processed THEN it is skipped (order.marketplace_fulfilled) and nothing is created", async () => {
    const store = await shopifyStore();
    const { accountId, seed } = await amazonAccount(store);
    const id = seed({ fulfilledBy: "AMAZON", status: "SHIPPED" });

    await pollAndRun(accountId);
    const row = await orderRow(accountId, id);
    expect(row.state).toBe("skipped");
    expect(row.holdReasons).toContainEqual({ code: "order.marketplace_fulfilled" });
    expect(shopifyOrdersFor(store, id)).toHaveLength(0);
  });

  it("GIVEN eBay and Amazon orders cancelled before they were imported WHEN they are polled and processed THEN they are skipped (order.cancelled) and nothing is created", async () => {
    const store = await shopifyStore();
    const ebay = await ebayAccount(store);
    const ebayId = ebay.seed([{ sku: "MUG-BLUE" }]);
    world.simulators.ebay.cancelOrder(ebayId);
    const amazon = await amazonAccount(store);
    const amazonId = amazon.seed();
    world.simulators.amazon.setStatus(amazonId, "CANCELLED");

    await pollAndRun(ebay.accountId);
    await pollAndRun(amazon.accountId);
    for (const [accountId, id] of [
      [ebay.accountId, ebayId],
      [amazon.accountId, amazonId],
    ] as const) {
      const row = await orderRow(accountId, id);
      expect(row.state).toBe("skipped");
      expect(row.holdReasons).toEqual([{ code: "order.cancelled" }]);
      expect(shopifyOrdersFor(store, id)).toHaveLength(0);
    }
  });

  it.each(["shopify", "bigcommerce"] as const)(
    "GIVEN an eBay order imported into %s and not shipped WHEN it is cancelled on eBay and the account is polled THEN order.cancel cancels the store order and the order is cancelled",
    async (platform) => {
      const store = platform === "shopify" ? await shopifyStore() : await bigCommerceStore();
      const { accountId, seed } = await ebayAccount(store);
      const id = seed([{ sku: "MUG-BLUE", quantity: 2 }]);
      await pollAndRun(accountId);
      let row = await orderRow(accountId, id);
      expect(row.state).toBe("imported");
      const cancelledInStore = () =>
        platform === "shopify"
          ? shopifyOrdersFor(store, id).map((o) => o.cancelledAt !== null)
          : bigCommerceOrdersFor(store, id).map((o) => o.order.status_id === 5);
      expect(cancelledInStore()).toEqual([false]);

      world.simulators.ebay.cancelOrder(id);
      const outcomes = await pollAndRun(accountId);
      expect(outcomes.get(row.id)).toEqual(["order.cancel:cancelled"]);

      row = await orderRow(accountId, id);
      expect(row.state).toBe("cancelled");
      expect(cancelledInStore()).toEqual([true]);
      const events = await timeline(row);
      expect(events.map((e) => e.kind)).toEqual([
        "order.received",
        "order.creating",
        "order.imported",
        "order.updated",
        "order.cancelled",
      ]);
      // A further poll leaves the cancelled order alone.
      expect(await pollAndRun(accountId)).toEqual(new Map());
    },
  );

  it("GIVEN Shopify answers orderCreate with userErrors WHEN an eBay order is processed THEN it is held with store.rejected carrying Shopify's message and its link is failed; AND WHEN it is retried THEN the store is checked and it is imported once", async () => {
    const store = await shopifyStore();
    const { accountId, seed } = await ebayAccount(store);
    const id = seed([{ sku: "MUG-BLUE" }]);
    const message = "Unable to claim inventory for MUG-BLUE";
    // The first GraphQL call (the variant lookup) goes through; the second, orderCreate, gets
    // Shopify's answer to a refused order.
    const graphql = world.simulators.shopify.server;
    graphql.injectFault({ operation: "graphql", kind: "delay", delayMs: 0, times: 1 });
    graphql.injectFault({
      operation: "graphql",
      kind: "status",
      status: 200,
      times: 1,
      body: {
        data: {
          orderCreate: {
            order: null,
            userErrors: [
              { field: ["order", "lineItems"], message, code: "INVENTORY_CLAIM_FAILED" },
            ],
          },
        },
      },
    });

    const outcomes = await pollAndRun(accountId);
    let row = await orderRow(accountId, id);
    expect(outcomes.get(row.id)).toEqual(["order.process:held"]);
    expect(row.state).toBe("held");
    expect(row.holdReasons).toHaveLength(1);
    expect(row.holdReasons[0]).toMatchObject({
      code: "store.rejected",
      params: { platform: "shopify", message: expect.stringContaining(message) },
    });
    expect(await linkOf(row)).toMatchObject({ state: "failed", storeOrderId: null });
    expect(shopifyOrdersFor(store, id)).toHaveLength(0);
    expect((await timeline(row)).map((e) => e.kind)).toEqual([
      "order.received",
      "order.creating",
      "order.rejected_by_store",
    ]);

    expect(await processOrder(world.deps, { orderId: row.id })).toBe("imported");
    row = await orderRow(accountId, id);
    expect(row.state).toBe("imported");
    expect(await linkOf(row)).toMatchObject({ state: "created", attempts: 2 });
    expect(shopifyOrdersFor(store, id)).toHaveLength(1);
  });

  it("GIVEN BigCommerce answers POST /v2/orders with a 400 WHEN an eBay order is processed THEN it is held with store.rejected carrying BigCommerce's message and its link is failed", async () => {
    const store = await bigCommerceStore();
    const { accountId, seed } = await ebayAccount(store);
    const id = seed([{ sku: "TEE-L", quantity: 3, unitPrice: "19.99" }]);
    const message = "The product 'T-shirt, large' does not have sufficient stock.";
    world.simulators.bigcommerce.server.injectFault({
      operation: "createOrder",
      kind: "status",
      status: 400,
      times: 1,
      body: [{ status: 400, message }],
    });

    const outcomes = await pollAndRun(accountId);
    const row = await orderRow(accountId, id);
    expect(outcomes.get(row.id)).toEqual(["order.process:held"]);
    expect(row.state).toBe("held");
    expect(row.holdReasons).toEqual([
      {
        code: "store.rejected",
        params: { platform: "bigcommerce", message: expect.stringContaining(message) },
      },
    ]);
    expect(await linkOf(row)).toMatchObject({ state: "failed", storeOrderId: null });
    expect(bigCommerceOrdersFor(store, id)).toHaveLength(0);
    const rejected = (await timeline(row)).find((e) => e.kind === "order.rejected_by_store");
    expect(rejected?.params).toMatchObject({ message: expect.stringContaining(message) });
  });
});
