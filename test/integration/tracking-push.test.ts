import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../db/client";
import {
  marketplaceOrders,
  shipments,
  type StoreRow,
  syncEvents,
  trackingPushes,
  webhookReceipts,
} from "../../db/schema";
import { reconcileStore } from "../../jobs/tracking/reconcile";
import {
  connectAmazonAccount,
  connectEbayAccount,
  installShopifyStore,
  seedCatalog,
} from "../helpers/import-world";
import {
  signedShopifyWebhook,
  startTrackingWorld,
  type TrackingWorld,
  until,
} from "../helpers/tracking-world";

const US_ADDRESS = {
  fullName: "Ava Johnson",
  addressLine1: "12 Maple St",
  city: "Portland",
  stateOrProvince: "OR",
  postalCode: "97201",
  countryCode: "US",
};

describe("store fulfillments become marketplace tracking", () => {
  let t: TrackingWorld;
  let store: StoreRow;
  let ebayAccount: string;
  let amazonAccount: string;

  beforeAll(async () => {
    t = await startTrackingWorld();
    store = await installShopifyStore(t.world, { shop: "tracking-shop.myshopify.com" });
    seedCatalog(t.world, store, [
      { sku: "MUG-BLUE", title: "Blue mug", price: "14.00" },
      { sku: "TEE-M", title: "T-shirt", price: "22.00" },
    ]);
    ebayAccount = await connectEbayAccount(t.world, store, { username: "tracking_seller" });
    amazonAccount = await connectAmazonAccount(t.world, store, {});
    await t.subscribeWebhooks(store);
    await t.startWorker();
  });
  afterAll(() => t?.close());

  async function importedEbayOrder(lines = [{ sku: "MUG-BLUE", quantity: 2 }]) {
    const ebayOrderId = t.world.simulators.ebay.seedOrder({
      seller: "tracking_seller",
      lines: lines.map((l) => ({ ...l, title: l.sku, unitPrice: "14.00" })),
      shipTo: US_ADDRESS,
    });
    const ids = await t.importOrders(ebayAccount);
    return { ebayOrderId, orderId: ids.get(ebayOrderId)!, storeOrder: storeOrderOf(ebayOrderId) };
  }

  async function importedAmazonOrder(items: { sku: string; quantity: number }[]) {
    const order = t.world.simulators.amazon.seedOrder({
      status: "UNSHIPPED",
      items: items.map((i) => ({ ...i, title: i.sku, unitPrice: "14.00" })),
      shipTo: {
        name: "Ava Johnson",
        addressLine1: "12 Maple St",
        city: "Portland",
        stateOrRegion: "OR",
        postalCode: "97201",
        countryCode: "US",
      },
    });
    const ids = await t.importOrders(amazonAccount);
    return {
      amazonOrderId: order.orderId,
      orderId: ids.get(order.orderId)!,
      storeOrder: storeOrderOf(order.orderId),
    };
  }

  function storeOrderOf(marketplaceOrderId: string) {
    const found = t.world.simulators.shopify
      .orders(store.externalId)
      .find((o) => o.sourceIdentifier === marketplaceOrderId);
    if (!found) throw new Error(`order ${marketplaceOrderId} was not imported`);
    return found;
  }

  async function pushesOf(orderId: string) {
    return t.world.database.db
      .select()
      .from(trackingPushes)
      .where(eq(trackingPushes.orderId, orderId));
  }

  it("GIVEN an eBay order imported into Shopify WHEN the merchant ships it with USPS THEN eBay gets one fulfillment with the carrier and the cleaned tracking number, and the push is confirmed", async () => {
    const { ebayOrderId, orderId, storeOrder } = await importedEbayOrder();
    await t.world.simulators.shopify.createFulfillment(
      store.externalId,
      `gid://shopify/Order/${storeOrder.id}`,
      { company: "USPS", number: " 9400 1000 0000 0000 0000 00 " },
    );

    const [push] = await until("the push to be confirmed", async () => {
      const pushes = await pushesOf(orderId);
      return pushes[0]?.state === "confirmed" ? pushes : undefined;
    });
    expect(push).toMatchObject({ carrierCode: "USPS", trackingNumber: "9400100000000000000000" });
    const onEbay = t.world.simulators.ebay.fulfillments(ebayOrderId);
    expect(onEbay).toHaveLength(1);
    expect(onEbay[0]).toMatchObject({
      shippingCarrierCode: "USPS",
      shipmentTrackingNumber: "9400100000000000000000",
    });
    const [order] = await t.world.database.db
      .select()
      .from(marketplaceOrders)
      .where(eq(marketplaceOrders.id, orderId));
    expect(order!.trackingState).toBe("confirmed");
    expect(order!.shippedAt).toBeInstanceOf(Date);
    const kinds = (
      await t.world.database.db.select().from(syncEvents).where(eq(syncEvents.orderId, orderId))
    ).map((e) => e.kind);
    expect(kinds).toEqual(
      expect.arrayContaining(["shipment.recorded", "push.queued", "push.sent", "push.confirmed"]),
    );
  });

  it("GIVEN one Shopify fulfillment webhook WHEN it is delivered 5 times at once THEN five 200s, one receipt, one push and one eBay fulfillment", async () => {
    const { ebayOrderId, orderId, storeOrder } = await importedEbayOrder();
    // Ship without telling the app, then deliver that webhook ourselves, five times at once.
    const fulfillmentGid = await withoutDeliveries(() =>
      t.world.simulators.shopify.createFulfillment(
        store.externalId,
        `gid://shopify/Order/${storeOrder.id}`,
        { company: "UPS", number: "1Z999AA10123456784" },
      ),
    );
    const delivered = t.world.simulators.shopify
      .deliveries(store.externalId)
      .find(
        (d) =>
          d.topic === "FULFILLMENTS_CREATE" &&
          (d.body as { admin_graphql_api_id: string }).admin_graphql_api_id === fulfillmentGid,
      )!;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        fetch(`${t.app.url}/webhooks/shopify`, {
          method: "POST",
          headers: delivered.headers,
          body: JSON.stringify(delivered.body),
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    await until("the push to be confirmed", async () => {
      const pushes = await pushesOf(orderId);
      return pushes[0]?.state === "confirmed" ? pushes : undefined;
    });
    // Let any straggler job run before counting.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await pushesOf(orderId)).toHaveLength(1);
    expect(t.world.simulators.ebay.fulfillments(ebayOrderId)).toHaveLength(1);
    const receipts = rowsOf<{ n: number }>(
      await t.world.database.db.execute(
        sql`select count(*)::int as n from webhook_receipts where webhook_id = ${delivered.headers["x-shopify-webhook-id"]!}`,
      ),
    );
    expect(receipts[0]!.n).toBe(1);
  });

  it("GIVEN a fulfillment whose tracking changed WHEN fulfillments/update arrives before fulfillments/create THEN the newest tracking is what was pushed, once", async () => {
    const { ebayOrderId, orderId, storeOrder } = await importedEbayOrder();
    const orderGid = `gid://shopify/Order/${storeOrder.id}`;
    // Shopify's deliveries are ours to reorder: ship and change the tracking with webhooks
    // paused, then deliver update first and create second.
    const body = (n: string, updatedAt: string) => ({
      id: 0,
      order_id: storeOrder.id,
      updated_at: updatedAt,
      tracking_number: n,
    });
    const gid = await withoutDeliveries(() =>
      t.world.simulators.shopify.createFulfillment(store.externalId, orderGid, {
        company: "FedEx",
        number: "111111111111",
      }),
    );
    const createdAt = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await withoutDeliveries(() =>
      t.world.simulators.shopify.updateTracking(store.externalId, gid, {
        company: "FedEx",
        number: "222222222222",
      }),
    );
    const id = Number(gid.split("/").pop());
    const update = signedShopifyWebhook(store.externalId, "fulfillments/update", {
      ...body("222222222222", new Date().toISOString()),
      id,
    });
    const create = signedShopifyWebhook(store.externalId, "fulfillments/create", {
      ...body("111111111111", createdAt),
      id,
    });
    for (const hook of [update, create]) {
      const res = await fetch(`${t.app.url}/webhooks/shopify`, { method: "POST", ...hook });
      expect(res.status).toBe(200);
    }
    await until("the push to be confirmed", async () => {
      const pushes = await pushesOf(orderId);
      return pushes[0]?.state === "confirmed" ? pushes : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const pushes = await pushesOf(orderId);
    expect(pushes.map((p) => p.trackingNumber)).toEqual(["222222222222"]);
    const onEbay = t.world.simulators.ebay.fulfillments(ebayOrderId);
    expect(onEbay.map((f) => f.shipmentTrackingNumber)).toEqual(["222222222222"]);
    const [shipment] = await t.world.database.db
      .select()
      .from(shipments)
      .where(eq(shipments.orderId, orderId));
    expect(shipment!.trackingNumber).toBe("222222222222");
  });

  it("GIVEN an Amazon order of two lines WHEN the merchant ships them in two fulfillments THEN Amazon gets two confirmations with the right items and the order ends shipped", async () => {
    const { amazonOrderId, orderId, storeOrder } = await importedAmazonOrder([
      { sku: "MUG-BLUE", quantity: 1 },
      { sku: "TEE-M", quantity: 3 },
    ]);
    const orderGid = `gid://shopify/Order/${storeOrder.id}`;
    const [mugLine, teeLine] = storeOrder.lines;
    await t.world.simulators.shopify.createFulfillment(store.externalId, orderGid, {
      company: "UPS",
      number: "1Z999AA10123456785",
      lines: [{ lineItemId: `gid://shopify/LineItem/${mugLine!.id}`, quantity: 1 }],
    });
    await until("the first confirmation", () =>
      t.world.simulators.amazon.shipmentConfirmations(amazonOrderId).length === 1
        ? true
        : undefined,
    );
    expect(t.world.simulators.amazon.getOrder(amazonOrderId).fulfillment?.fulfillmentStatus).toBe(
      "PARTIALLY_SHIPPED",
    );
    await t.world.simulators.shopify.createFulfillment(store.externalId, orderGid, {
      company: "UPS",
      number: "1Z999AA10123456786",
      lines: [{ lineItemId: `gid://shopify/LineItem/${teeLine!.id}`, quantity: 3 }],
    });
    await until("both pushes confirmed", async () => {
      const pushes = await pushesOf(orderId);
      return pushes.length === 2 && pushes.every((p) => p.state === "confirmed")
        ? pushes
        : undefined;
    });
    const confirmations = t.world.simulators.amazon.shipmentConfirmations(amazonOrderId);
    expect(
      confirmations.map((c) => c.request.packageDetail.orderItems.map((i) => i.quantity)),
    ).toEqual([[1], [3]]);
    expect(t.world.simulators.amazon.getOrder(amazonOrderId).fulfillment?.fulfillmentStatus).toBe(
      "SHIPPED",
    );
    const [order] = await t.world.database.db
      .select()
      .from(marketplaceOrders)
      .where(eq(marketplaceOrders.id, orderId));
    expect(order!.trackingState).toBe("confirmed");
  });

  it("GIVEN a carrier neither marketplace knows WHEN the order ships THEN Amazon gets Other with the carrier's name", async () => {
    const { amazonOrderId, orderId, storeOrder } = await importedAmazonOrder([
      { sku: "MUG-BLUE", quantity: 1 },
    ]);
    await t.world.simulators.shopify.createFulfillment(
      store.externalId,
      `gid://shopify/Order/${storeOrder.id}`,
      { company: "Coursier Lyonnais Express", number: "CLX-2026-000123" },
    );
    await until("the push to be confirmed", async () => {
      const pushes = await pushesOf(orderId);
      return pushes[0]?.state === "confirmed" ? pushes : undefined;
    });
    const [confirmation] = t.world.simulators.amazon.shipmentConfirmations(amazonOrderId);
    expect(confirmation!.request.packageDetail).toMatchObject({
      carrierCode: "Other",
      carrierName: "Coursier Lyonnais Express",
      trackingNumber: "CLX2026000123",
    });
  });

  it("GIVEN a tracking number that is not one WHEN the order ships THEN the push is held with the reason and nothing is sent", async () => {
    const { ebayOrderId, orderId, storeOrder } = await importedEbayOrder();
    await t.world.simulators.shopify.createFulfillment(
      store.externalId,
      `gid://shopify/Order/${storeOrder.id}`,
      { company: "USPS", number: "n/a ✓" },
    );
    const [push] = await until("the push to be held", async () => {
      const pushes = await pushesOf(orderId);
      return pushes[0]?.state === "held" ? pushes : undefined;
    });
    expect(push!.lastError).toMatchObject({
      code: "tracking.invalid",
      params: { problem: "invalid_characters" },
    });
    expect(t.world.simulators.ebay.fulfillments(ebayOrderId)).toHaveLength(0);
    const [order] = await t.world.database.db
      .select()
      .from(marketplaceOrders)
      .where(eq(marketplaceOrders.id, orderId));
    expect(order!.trackingState).toBe("failed");
  });

  it("GIVEN a fulfillment whose webhook never came WHEN reconciliation runs THEN it finds it and eBay gets the tracking", async () => {
    const { ebayOrderId, orderId, storeOrder } = await importedEbayOrder();
    await withoutDeliveries(() =>
      t.world.simulators.shopify.createFulfillment(
        store.externalId,
        `gid://shopify/Order/${storeOrder.id}`,
        { company: "DHL Express", number: "1234567890" },
      ),
    );
    expect(await pushesOf(orderId)).toHaveLength(0);
    const result = await reconcileStore(t.deps, { storeId: store.id });
    expect(result.queued).toBe(1);
    await until("the push to be confirmed", async () => {
      const pushes = await pushesOf(orderId);
      return pushes[0]?.state === "confirmed" ? pushes : undefined;
    });
    expect(t.world.simulators.ebay.fulfillments(ebayOrderId)).toHaveLength(1);
  });

  it("GIVEN a store order the merchant deleted in Shopify WHEN reconciliation runs, twice THEN the other orders are still reconciled and the deleted one's timeline says so once", async () => {
    const deleted = await importedEbayOrder();
    const shipped = await importedEbayOrder();
    const shopOrders = t.world.simulators.shopify.orders(store.externalId);
    shopOrders.splice(
      shopOrders.findIndex((o) => o.id === deleted.storeOrder.id),
      1,
    );
    await withoutDeliveries(() =>
      t.world.simulators.shopify.createFulfillment(
        store.externalId,
        `gid://shopify/Order/${shipped.storeOrder.id}`,
        { company: "UPS", number: "1Z999AA10123456784" },
      ),
    );

    expect((await reconcileStore(t.deps, { storeId: store.id })).queued).toBe(1);
    await until("the push to be confirmed", async () => {
      const pushes = await pushesOf(shipped.orderId);
      return pushes[0]?.state === "confirmed" ? pushes : undefined;
    });
    await reconcileStore(t.deps, { storeId: store.id });

    const events = await t.world.database.db
      .select({ kind: syncEvents.kind, params: syncEvents.params })
      .from(syncEvents)
      .where(eq(syncEvents.orderId, deleted.orderId));
    expect(events.filter((e) => e.kind === "store.order_missing")).toEqual([
      { kind: "store.order_missing", params: { storeOrderName: deleted.storeOrder.name } },
    ]);
  });

  it("GIVEN webhook bodies that are not what they claim WHEN they are posted THEN 401 for a bad HMAC, 400 for malformed JSON, and no receipt either way", async () => {
    const before = await t.world.database.db.select().from(webhookReceipts);
    const good = signedShopifyWebhook(store.externalId, "fulfillments/create", {
      id: 1,
      order_id: 2,
    });
    const tampered = { ...good, body: good.body.replace('"id":1', '"id":9') };
    const hex = {
      ...good,
      headers: {
        ...good.headers,
        "x-shopify-hmac-sha256": Buffer.from(
          good.headers["x-shopify-hmac-sha256"]!,
          "base64",
        ).toString("hex"),
      },
    };
    const malformed = signedShopifyWebhook(store.externalId, "fulfillments/create", null, {
      body: '{"id": 1, "order_id":',
    });
    const post = (hook: { headers: Record<string, string>; body: string }) =>
      fetch(`${t.app.url}/webhooks/shopify`, { method: "POST", ...hook }).then((r) => r.status);
    expect(await post(tampered)).toBe(401);
    expect(await post(hex)).toBe(401);
    expect(await post(malformed)).toBe(400);
    expect(await t.world.database.db.select().from(webhookReceipts)).toHaveLength(before.length);
  });

  /** Runs `action` while the shop's webhooks are lost on the way (recorded, never sent). */
  async function withoutDeliveries<T>(action: () => Promise<T>): Promise<T> {
    t.world.simulators.shopify.pauseWebhooks(store.externalId, true);
    try {
      return await action();
    } finally {
      t.world.simulators.shopify.pauseWebhooks(store.externalId, false);
    }
  }
});
