import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { marketplaceOrders, stores, type StoreRow, webhookReceipts } from "../../db/schema";
import {
  BIGCOMMERCE_SECRET_HEADER,
  decryptStoreToken,
  decryptWebhookSecret,
} from "../../db/stores";
import { reconcileStore } from "../../jobs/tracking/reconcile";
import { connectEbayAccount, installBigCommerceStore, seedCatalog } from "../helpers/import-world";
import {
  importEbayOrder,
  jobsNamed,
  pushesOf,
  startTrackingWorld,
  timelineOf,
  type TrackingWorld,
  until,
  untilJobsSettled,
  untilPushes,
} from "../helpers/tracking-world";

const HASH = "bctrack1";
const SELLER = "bc_tracking_seller";
const CANCELLED_STATUS_ID = 5;

describe("BigCommerce shipments become eBay tracking", () => {
  let t: TrackingWorld;
  let store: StoreRow;
  let account: string;
  let secret: string;

  beforeAll(async () => {
    t = await startTrackingWorld();
    store = await installBigCommerceStore(t.world, { hash: HASH });
    seedCatalog(t.world, store, [
      { sku: "MUG-BLUE", title: "Blue mug", price: "14.00" },
      { sku: "TEE-M", title: "T-shirt", price: "22.00" },
    ]);
    account = await connectEbayAccount(t.world, store, { username: SELLER });
    // What the install does: a per-store secret, and hooks that carry it in a header.
    await reconcileStore(t.deps, { storeId: store.id, batch: 0 });
    const [subscribed] = await t.world.database.db
      .select()
      .from(stores)
      .where(eq(stores.id, store.id));
    store = subscribed!;
    secret = decryptWebhookSecret(t.world.deps.keyring, store)!;
    await t.startWorker();
  });
  afterAll(() => t?.close());

  const sim = () => t.world.simulators.bigcommerce;

  /** An eBay order imported into the BigCommerce store: our id and the store's order. */
  async function importedOrder(lines?: { sku: string; quantity: number }[]) {
    const { ebayOrderId, orderId } = await importEbayOrder(t, {
      accountId: account,
      seller: SELLER,
      ...(lines ? { lines } : {}),
    });
    const stored = sim()
      .orders(HASH)
      .find(({ order }) => order.external_order_id === ebayOrderId);
    if (!stored) throw new Error(`eBay order ${ebayOrderId} is not in BigCommerce`);
    return {
      ebayOrderId,
      orderId,
      bcOrderId: stored.order.id as number,
      products: stored.products as { id: number; quantity: number }[],
    };
  }

  /** The merchant ships every product of the order in the control panel. */
  function ship(
    order: Awaited<ReturnType<typeof importedOrder>>,
    tracking: { provider: string; number: string },
  ) {
    return sim().createShipment(HASH, order.bcOrderId, {
      tracking_number: tracking.number,
      shipping_provider: tracking.provider,
      items: order.products.map((p) => ({ order_product_id: p.id, quantity: p.quantity })),
    });
  }

  /** The merchant changes the order's status in the control panel (the v2 API it uses). */
  async function setStatus(bcOrderId: number, statusId: number) {
    const res = await fetch(
      `${t.world.simulators.endpoints.bigcommerce}/stores/${HASH}/v2/orders/${bcOrderId}`,
      {
        method: "PUT",
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          "x-auth-token": decryptStoreToken(t.world.deps.keyring, store)!,
        },
        body: JSON.stringify({ status_id: statusId }),
      },
    );
    expect(res.status).toBe(200);
  }

  const post = (headers: Record<string, string>, body: string) =>
    fetch(`${t.app.url}/webhooks/bigcommerce`, { method: "POST", headers, body }).then(
      (r) => r.status,
    );

  const receipts = () =>
    t.world.database.db
      .select()
      .from(webhookReceipts)
      .where(eq(webhookReceipts.source, "bigcommerce"));

  it("GIVEN the store is subscribed WHEN its hooks are listed THEN every scope points at our route and carries the store's secret header", () => {
    const hooks = sim().hooks(HASH);
    expect(hooks.map((h) => h.scope).sort()).toEqual([
      "store/app/uninstalled",
      "store/order/statusUpdated",
      "store/shipment/created",
      "store/shipment/updated",
    ]);
    for (const hook of hooks) {
      expect(hook.destination).toBe(`${t.app.url}/webhooks/bigcommerce`);
      expect(hook.headers?.[BIGCOMMERCE_SECRET_HEADER]).toBe(secret);
    }
  });

  it("GIVEN an eBay order imported into BigCommerce WHEN the merchant creates a shipment THEN the hook reaches us and eBay gets one fulfillment with the carrier, confirmed", async () => {
    const order = await importedOrder([
      { sku: "MUG-BLUE", quantity: 2 },
      { sku: "TEE-M", quantity: 1 },
    ]);
    const shipment = await ship(order, { provider: "usps", number: "9400 1000 0000 0000 0000 11" });

    const [push] = await untilPushes(t, order.orderId, "confirmed");
    expect(push).toMatchObject({ carrierCode: "USPS", trackingNumber: "9400100000000000000011" });
    expect(push!.lines).toHaveLength(2);
    const onEbay = t.world.simulators.ebay.fulfillments(order.ebayOrderId);
    expect(onEbay).toHaveLength(1);
    expect(onEbay[0]).toMatchObject({
      shippingCarrierCode: "USPS",
      shipmentTrackingNumber: "9400100000000000000011",
    });
    expect(onEbay[0]!.lineItems).toHaveLength(2);
    const delivered = sim()
      .deliveries(HASH)
      .filter((d) => d.scope === "store/shipment/created" && d.payload.data);
    expect(
      delivered.find((d) => (d.payload.data as { id: number }).id === shipment.id)?.status,
    ).toBe(200);
  });

  it("GIVEN a shipment hook already accepted WHEN BigCommerce delivers it again, three times at once THEN every answer is 200 and there is still one receipt, one push and one eBay fulfillment", async () => {
    const order = await importedOrder();
    const shipment = await ship(order, { provider: "ups", number: "1Z999AA10123456790" });
    await untilPushes(t, order.orderId, "confirmed");
    const delivery = sim()
      .deliveries(HASH)
      .find(
        (d) =>
          d.scope === "store/shipment/created" &&
          (d.payload.data as { id: number }).id === shipment.id,
      )!;

    const answers = await Promise.all(
      [1, 2, 3].map(() => post(delivery.headers, JSON.stringify(delivery.payload))),
    );
    expect(answers).toEqual([200, 200, 200]);
    await untilJobsSettled(t, ["fulfillment.sync"]);
    expect(await pushesOf(t, order.orderId)).toHaveLength(1);
    expect(t.world.simulators.ebay.fulfillments(order.ebayOrderId)).toHaveLength(1);
    const sameHash = await t.world.database.db
      .select()
      .from(webhookReceipts)
      .where(
        and(
          eq(webhookReceipts.source, "bigcommerce"),
          // Deliveries are keyed by hash and creation time (see the route).
          eq(
            webhookReceipts.deliveryId,
            `${delivery.payload.hash as string}:${delivery.payload.created_at as number}`,
          ),
        ),
      );
    expect(sameHash).toHaveLength(1);
  });

  it("GIVEN a hook that does not carry the store's secret WHEN it is posted THEN 401 (400 for a body that is no hook at all) and nothing is recorded or queued", async () => {
    const order = await importedOrder();
    const payload = JSON.stringify({
      scope: "store/shipment/created",
      store_id: "1000001",
      hash: "forged-delivery-1",
      created_at: Math.floor(Date.now() / 1000),
      producer: `stores/${HASH}`,
      data: { type: "shipment", id: 424242, orderId: order.bcOrderId },
    });
    const receiptsBefore = (await receipts()).length;
    const syncsBefore = (await jobsNamed(t, "fulfillment.sync")).length;
    const json = { "content-type": "application/json" };

    expect(await post({ ...json, [BIGCOMMERCE_SECRET_HEADER]: `${secret}x` }, payload)).toBe(401);
    expect(await post({ ...json, [BIGCOMMERCE_SECRET_HEADER]: "" }, payload)).toBe(401);
    expect(await post(json, payload)).toBe(401);
    expect(await post({ ...json, [BIGCOMMERCE_SECRET_HEADER]: secret }, '{"scope":')).toBe(400);

    expect(await receipts()).toHaveLength(receiptsBefore);
    expect(await jobsNamed(t, "fulfillment.sync")).toHaveLength(syncsBefore);
    expect(await pushesOf(t, order.orderId)).toHaveLength(0);
  });

  it.each([
    ["far in the future", 1e20],
    ["far in the past", -1e18],
    ["after 2100", 4_102_444_801],
    ["before 1970", -1],
    ["a fraction of a second", 1_767_225_600.5],
    ["a string", "1767225600"],
  ])(
    "GIVEN a hook with its store's secret whose created_at is %s WHEN it is posted THEN 400 and nothing is recorded or queued",
    async (_label, createdAt) => {
      const payload = JSON.stringify({
        scope: "store/shipment/created",
        store_id: "1000001",
        hash: `odd-created-at-${String(createdAt)}`,
        created_at: createdAt,
        producer: `stores/${HASH}`,
        data: { type: "shipment", id: 434343, orderId: 434344 },
      });
      const receiptsBefore = (await receipts()).length;
      const syncsBefore = (await jobsNamed(t, "fulfillment.sync")).length;

      const status = await post(
        { "content-type": "application/json", [BIGCOMMERCE_SECRET_HEADER]: secret },
        payload,
      );

      expect(status).toBe(400);
      expect(await receipts()).toHaveLength(receiptsBefore);
      expect(await jobsNamed(t, "fulfillment.sync")).toHaveLength(syncsBefore);
    },
  );

  it("GIVEN an imported order not yet shipped WHEN the merchant sets it to Cancelled in BigCommerce THEN store/order/statusUpdated records store.cancelled and our order is cancelled", async () => {
    const order = await importedOrder();
    await setStatus(order.bcOrderId, CANCELLED_STATUS_ID);

    const event = await until("store.cancelled", async () =>
      (await timelineOf(t, order.orderId)).find((e) => e.kind === "store.cancelled"),
    );
    expect(event.params).toMatchObject({ marketplace: "ebay" });
    const [row] = await t.world.database.db
      .select()
      .from(marketplaceOrders)
      .where(eq(marketplaceOrders.id, order.orderId));
    expect(row!.state).toBe("cancelled");
    expect(await pushesOf(t, order.orderId)).toHaveLength(0);
  });

  it("GIVEN an order whose tracking is confirmed on eBay WHEN the merchant cancels it in BigCommerce THEN the timeline says store.cancelled_after_shipment and nothing else changes", async () => {
    const order = await importedOrder();
    await ship(order, { provider: "fedex", number: "770000000099" });
    await untilPushes(t, order.orderId, "confirmed");
    await untilJobsSettled(t, ["fulfillment.sync", "store.order_cancelled"]);
    const read = async () => {
      const [row] = await t.world.database.db
        .select()
        .from(marketplaceOrders)
        .where(eq(marketplaceOrders.id, order.orderId));
      return { row, pushes: await pushesOf(t, order.orderId) };
    };
    const before = await read();
    const eventsBefore = await timelineOf(t, order.orderId);

    await setStatus(order.bcOrderId, CANCELLED_STATUS_ID);
    await until("store.cancelled_after_shipment", async () =>
      (await timelineOf(t, order.orderId)).some((e) => e.kind === "store.cancelled_after_shipment"),
    );
    await untilJobsSettled(t, ["fulfillment.sync", "store.order_cancelled"]);

    const events = await timelineOf(t, order.orderId);
    expect(events.slice(0, eventsBefore.length)).toEqual(eventsBefore);
    expect(events.slice(eventsBefore.length).map((e) => e.kind)).toEqual([
      "store.cancelled_after_shipment",
    ]);
    expect(await read()).toEqual(before);
    expect(t.world.simulators.ebay.fulfillments(order.ebayOrderId)).toHaveLength(1);
  });
});
