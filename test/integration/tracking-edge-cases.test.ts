import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  marketplaceOrders,
  shipments,
  type StoreRow,
  trackingPushes,
  webhookReceipts,
} from "../../db/schema";
import { storeConnectorFor } from "../../jobs/import/connectors";
import { connectEbayAccount, installShopifyStore, seedCatalog } from "../helpers/import-world";
import {
  importEbayOrder,
  jobsNamed,
  pushesOf,
  shipOnShopify,
  shopifyOrderGid,
  signedShopifyWebhook,
  startTrackingWorld,
  timelineOf,
  type TrackingWorld,
  until,
  untilJobsSettled,
  untilPushes,
} from "../helpers/tracking-world";

const SELLER = "edge_seller";
const QUIET_SELLER = "edge_quiet_seller";
const WIDE_ORDER_LINES = 260;
const wideSku = (i: number) => `WIDE-${String(i).padStart(3, "0")}`;

describe("tracking pushes at the edges: carriers, tracking numbers, wide orders, settings, cancellations", () => {
  let t: TrackingWorld;
  let store: StoreRow;
  let account: string;
  let quietAccount: string;

  beforeAll(async () => {
    t = await startTrackingWorld();
    store = await installShopifyStore(t.world, { shop: "edge-shop.myshopify.com" });
    seedCatalog(t.world, store, [
      { sku: "MUG-BLUE", title: "Blue mug", price: "14.00" },
      ...Array.from({ length: WIDE_ORDER_LINES }, (_, i) => ({
        sku: wideSku(i),
        title: `Wide item ${i}`,
        price: "1.00",
      })),
    ]);
    account = await connectEbayAccount(t.world, store, { username: SELLER });
    quietAccount = await connectEbayAccount(t.world, store, {
      username: QUIET_SELLER,
      settings: { trackingSync: false },
    });
    await t.subscribeWebhooks(store);
    await t.startWorker();
  });
  afterAll(() => t?.close());

  const importOrder = (lines?: { sku: string; quantity: number; unitPrice?: string }[]) =>
    importEbayOrder(t, { accountId: account, seller: SELLER, ...(lines ? { lines } : {}) });

  async function orderRow(orderId: string) {
    const [row] = await t.world.database.db
      .select()
      .from(marketplaceOrders)
      .where(eq(marketplaceOrders.id, orderId));
    return row!;
  }

  it("GIVEN a carrier eBay's list does not have WHEN an eBay order ships with it THEN eBay receives Other, the push is confirmed and the timeline names the unknown carrier", async () => {
    const { ebayOrderId, orderId } = await importOrder();
    await shipOnShopify(t, store, ebayOrderId, {
      company: "Coursier Lyonnais Express",
      number: "CLX-2026-000123",
    });

    const [push] = await untilPushes(t, orderId, "confirmed");
    expect(push).toMatchObject({
      carrierCode: "Other",
      carrierName: "Coursier Lyonnais Express",
      trackingNumber: "CLX2026000123",
    });
    expect(t.world.simulators.ebay.fulfillments(ebayOrderId)).toEqual([
      expect.objectContaining({
        shippingCarrierCode: "Other",
        shipmentTrackingNumber: "CLX2026000123",
      }),
    ]);
    const queued = (await timelineOf(t, orderId)).find((e) => e.kind === "push.queued");
    expect(queued!.params).toMatchObject({ unknownCarrier: "Coursier Lyonnais Express" });
  });

  it("GIVEN a carrier whose code eBay refuses WHEN the order ships THEN the push fails at once with eBay's message, after one call and no retry", async () => {
    const { ebayOrderId, orderId } = await importOrder();
    const server = t.world.simulators.ebay.server;
    const before = server.exchangesFor("createShippingFulfillment").length;
    // Our table sends Yodel's own eBay code; the simulator's sample of eBay's list lacks it.
    await shipOnShopify(t, store, ebayOrderId, { company: "Yodel", number: "JD0002212345678901" });

    const [push] = await untilPushes(t, orderId, "failed");
    expect(push!.carrierCode).toBe("Yodel");
    expect(push!.lastError).toMatchObject({
      code: "connector.rejected",
      params: { platform: "ebay", message: "Invalid shipment tracking number or carrier" },
    });
    expect(server.exchangesFor("createShippingFulfillment").length - before).toBe(1);
    expect(t.world.simulators.ebay.fulfillments(ebayOrderId)).toHaveLength(0);
    // The push is marked failed inside the job; pg-boss completes the job just after.
    const states = await until("the push's job settled", async () => {
      const jobs = await jobsNamed(t, "tracking.push");
      const mine = jobs.filter((j) => j.data.pushId === push!.id).map((j) => j.state);
      return mine.every((state) => state !== "active" && state !== "created") && mine;
    });
    expect(states).toEqual(["completed"]);
    expect((await orderRow(orderId)).trackingState).toBe("failed");
  });

  it("GIVEN a tracking number typed with spaces and full-width characters WHEN the order ships THEN eBay receives it normalized, and retyping it in ASCII later pushes nothing more", async () => {
    const { ebayOrderId, orderId } = await importOrder();
    const fulfillment = await shipOnShopify(t, store, ebayOrderId, {
      company: "UPS",
      number: "\u3000１Ｚ ９９９ ＡＡ１\u3000０１２３ ４５６７ ８４ ",
    });

    const [push] = await untilPushes(t, orderId, "confirmed");
    expect(push).toMatchObject({ trackingNumber: "1Z999AA10123456784", warnings: [] });
    expect(t.world.simulators.ebay.fulfillments(ebayOrderId)).toEqual([
      expect.objectContaining({ shipmentTrackingNumber: "1Z999AA10123456784" }),
    ]);

    await t.world.simulators.shopify.updateTracking(store.externalId, fulfillment, {
      number: "1z 999 aa1 0123 4567 84",
    });
    await untilJobsSettled(t, ["fulfillment.sync"]);
    expect(await pushesOf(t, orderId)).toHaveLength(1);
    expect(t.world.simulators.ebay.fulfillments(ebayOrderId)).toHaveLength(1);
  });

  it(`GIVEN an order of ${WIDE_ORDER_LINES} distinct SKUs WHEN it ships in one Shopify fulfillment THEN its lines are read page by page and eBay gets one fulfillment with all ${WIDE_ORDER_LINES} lines`, async () => {
    const lines = Array.from({ length: WIDE_ORDER_LINES }, (_, i) => ({
      sku: wideSku(i),
      quantity: 1,
      unitPrice: "1.00",
    }));
    const { ebayOrderId, orderId } = await importOrder(lines);
    expect((await orderRow(orderId)).state).toBe("imported");
    const shopify = t.world.simulators.shopify.server;
    const pagesBefore = shopify
      .exchangesFor("graphql")
      .filter((e) => e.request.rawBody.includes("query FulfillmentLines")).length;

    await shipOnShopify(t, store, ebayOrderId, {
      company: "USPS",
      number: "9400100000000000000001",
    });

    const [push] = await untilPushes(t, orderId, "confirmed", { timeoutMs: 30_000 });
    expect(push!.lines).toHaveLength(WIDE_ORDER_LINES);
    const onEbay = t.world.simulators.ebay.fulfillments(ebayOrderId);
    expect(onEbay).toHaveLength(1);
    expect(onEbay[0]!.lineItems).toHaveLength(WIDE_ORDER_LINES);
    expect(t.world.simulators.ebay.order(ebayOrderId)!.orderFulfillmentStatus).toBe("FULFILLED");
    const pages = shopify
      .exchangesFor("graphql")
      .filter((e) => e.request.rawBody.includes("query FulfillmentLines")).length;
    expect(pages - pagesBefore).toBeGreaterThanOrEqual(1);
    expect((await orderRow(orderId)).trackingState).toBe("confirmed");
  });

  it("GIVEN Shopify webhooks that cannot be acted on WHEN they are posted THEN each gets a clear answer (400 for a body that is not a fulfillment, 200 and nothing queued for what is not ours) and nothing is left retrying", async () => {
    const post = (hook: { headers: Record<string, string>; body: string }) =>
      fetch(`${t.app.url}/webhooks/shopify`, { method: "POST", ...hook }).then((r) => r.status);
    const fulfillments = (body: string) =>
      signedShopifyWebhook(store.externalId, "fulfillments/create", null, { body });

    expect(await post(fulfillments('{"id": 1, "order_id":'))).toBe(400);
    expect(await post(fulfillments("[1, 2]"))).toBe(400);
    expect(await post(fulfillments('"fulfilled"'))).toBe(400);
    expect(await post(fulfillments('{"id": 1}'))).toBe(400);
    expect(await post(fulfillments('{"id": "x1", "order_id": 2}'))).toBe(400);

    // Well formed, but the order is not one Marketsync created, or the fulfillment is unknown.
    const syncsBefore = (await jobsNamed(t, "fulfillment.sync")).length;
    const { ebayOrderId, orderId } = await importOrder();
    const orderNumber = Number(shopifyOrderGid(t, store, ebayOrderId).split("/").pop());
    const notOurs = signedShopifyWebhook(store.externalId, "fulfillments/create", {
      id: 990001,
      order_id: 990002,
    });
    const unknownFulfillment = signedShopifyWebhook(store.externalId, "fulfillments/create", {
      id: 990003,
      order_id: orderNumber,
    });
    expect(await post(notOurs)).toBe(200);
    expect(await post(unknownFulfillment)).toBe(200);
    await untilJobsSettled(t, ["fulfillment.sync"]);
    const syncs = (await jobsNamed(t, "fulfillment.sync")).slice(syncsBefore);
    expect(syncs.map((j) => j.state)).toEqual(["completed", "completed"]);
    expect(await pushesOf(t, orderId)).toHaveLength(0);
    expect(
      await t.world.database.db.select().from(shipments).where(eq(shipments.orderId, orderId)),
    ).toHaveLength(0);
  });

  it("GIVEN signed Shopify webhooks naming an id longer than a 64-bit integer WHEN posted THEN each is refused with 400 and a message, and nothing is queued", async () => {
    const overlong = "9".repeat(5000);
    const syncsBefore = (await jobsNamed(t, "fulfillment.sync")).length;
    const cancelsBefore = (await jobsNamed(t, "store.order_cancelled")).length;
    const hooks = [
      signedShopifyWebhook(store.externalId, "fulfillments/create", { id: overlong, order_id: 1 }),
      signedShopifyWebhook(store.externalId, "fulfillments/update", { id: 1, order_id: overlong }),
      signedShopifyWebhook(store.externalId, "orders/cancelled", { id: overlong }),
    ];

    for (const hook of hooks) {
      const response = await fetch(`${t.app.url}/webhooks/shopify`, { method: "POST", ...hook });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ message: expect.stringMatching(/20 digits/) });
    }

    expect(await jobsNamed(t, "fulfillment.sync")).toHaveLength(syncsBefore);
    expect(await jobsNamed(t, "store.order_cancelled")).toHaveLength(cancelsBefore);
  });

  it("GIVEN a signed fulfillments/create whose X-Shopify-Triggered-At is not a usable date WHEN posted THEN it is accepted (200) with no trigger time on its receipt", async () => {
    const syncsBefore = (await jobsNamed(t, "fulfillment.sync")).length;
    for (const [i, triggeredAt] of ["garbage", "+275760-09-13T00:00:00.000Z"].entries()) {
      // Not an order of ours: the sync job completes without doing anything.
      const hook = signedShopifyWebhook(store.externalId, "fulfillments/create", {
        id: 990101 + i,
        order_id: 990201 + i,
      });
      hook.headers["x-shopify-triggered-at"] = triggeredAt;
      const eventId = hook.headers["x-shopify-event-id"]!;

      const response = await fetch(`${t.app.url}/webhooks/shopify`, { method: "POST", ...hook });

      expect(response.status).toBe(200);
      const receipts = await t.world.database.db
        .select({ triggeredAt: webhookReceipts.triggeredAt })
        .from(webhookReceipts)
        .where(eq(webhookReceipts.deliveryId, `fulfillments/create:${eventId}`));
      expect(receipts).toEqual([{ triggeredAt: null }]);
    }
    await untilJobsSettled(t, ["fulfillment.sync"]);
    const syncs = (await jobsNamed(t, "fulfillment.sync")).slice(syncsBefore);
    expect(syncs.map((j) => j.state)).toEqual(["completed", "completed"]);
  });

  it("GIVEN an account with tracking sync off WHEN its order ships THEN the shipment is recorded, nothing is pushed and the timeline says push.disabled", async () => {
    const { ebayOrderId, orderId } = await importEbayOrder(t, {
      accountId: quietAccount,
      seller: QUIET_SELLER,
    });
    await shipOnShopify(t, store, ebayOrderId, {
      company: "USPS",
      number: "9400100000000000000002",
    });

    const [shipment] = await until("the shipment to be recorded", async () => {
      const rows = await t.world.database.db
        .select()
        .from(shipments)
        .where(eq(shipments.orderId, orderId));
      return rows.length === 1 ? rows : false;
    });
    expect(shipment).toMatchObject({ carrier: "USPS", trackingNumber: "9400100000000000000002" });
    await untilJobsSettled(t, ["fulfillment.sync"]);
    expect(await pushesOf(t, orderId)).toHaveLength(0);
    expect(t.world.simulators.ebay.fulfillments(ebayOrderId)).toHaveLength(0);
    const kinds = (await timelineOf(t, orderId)).map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(["shipment.recorded", "push.disabled"]));
    expect(kinds.filter((k) => k.startsWith("push.") && k !== "push.disabled")).toEqual([]);
  });

  it("GIVEN an imported order not yet shipped WHEN the merchant cancels it in Shopify THEN orders/cancelled records store.cancelled and our order is cancelled", async () => {
    const { ebayOrderId, orderId } = await importOrder();
    await storeConnectorFor(t.deps, store).cancelOrder(
      shopifyOrderGid(t, store, ebayOrderId) as never,
      { restock: true, reason: "customer changed their mind" },
    );

    const event = await until("store.cancelled", async () =>
      (await timelineOf(t, orderId)).find((e) => e.kind === "store.cancelled"),
    );
    expect(event.params).toMatchObject({
      marketplace: "ebay",
      cancelOnMarketplace: "not_requested",
    });
    expect((await orderRow(orderId)).state).toBe("cancelled");
  });

  it("GIVEN an order whose tracking is confirmed on eBay WHEN the merchant cancels it in Shopify THEN the timeline says store.cancelled_after_shipment and nothing else changes", async () => {
    const { ebayOrderId, orderId } = await importOrder();
    await shipOnShopify(t, store, ebayOrderId, {
      company: "USPS",
      number: "9400100000000000000003",
    });
    await untilPushes(t, orderId, "confirmed");
    const orderBefore = await orderRow(orderId);
    const pushesBefore = await pushesOf(t, orderId);
    const eventsBefore = await timelineOf(t, orderId);

    await storeConnectorFor(t.deps, store).cancelOrder(
      shopifyOrderGid(t, store, ebayOrderId) as never,
      { restock: false, reason: "cancelled after shipping" },
    );
    await until("store.cancelled_after_shipment", async () =>
      (await timelineOf(t, orderId)).some((e) => e.kind === "store.cancelled_after_shipment"),
    );
    await untilJobsSettled(t, ["store.order_cancelled", "fulfillment.sync"]);

    const after = await timelineOf(t, orderId);
    expect(after.slice(0, eventsBefore.length)).toEqual(eventsBefore);
    expect(after.slice(eventsBefore.length).map((e) => e.kind)).toEqual([
      "store.cancelled_after_shipment",
    ]);
    expect(await orderRow(orderId)).toEqual(orderBefore);
    expect(await pushesOf(t, orderId)).toEqual(pushesBefore);
    expect(t.world.simulators.ebay.fulfillments(ebayOrderId)).toHaveLength(1);
  });

  it("GIVEN everything above WHEN the queues have drained THEN no push is left pending, sending or retrying and no tracking job is waiting to run again", async () => {
    await untilJobsSettled(t, ["fulfillment.sync", "store.order_cancelled"]);
    const open = await t.world.database.db
      .select({ id: trackingPushes.id, state: trackingPushes.state })
      .from(trackingPushes)
      .where(inArray(trackingPushes.state, ["pending", "sending", "retrying"]));
    expect(open).toEqual([]);
    const waiting = (await jobsNamed(t, "tracking.push")).filter((j) =>
      ["created", "retry", "active"].includes(j.state),
    );
    expect(waiting).toEqual([]);
  });
});
