import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  startBigCommerceSimulator,
  type BigCommerceSimulator,
} from "../../../test/simulators/bigcommerce";
import { AuthRevoked, NotFound, RateLimited, Rejected, Transient } from "../../errors";
import { money } from "../../money";
import { RateLimitRegistry } from "../../rate-limit/registry";
import {
  bigCommerceOrderId,
  type CreateStoreOrderInput,
  ebayLineItemId,
  ebayOrderId,
  type VariantRef,
} from "../../types";
import { type BigCommerceConnectorOptions, createBigCommerceConnector } from "../client";

const HASH = "abc123";
const TOKEN = "token-1";
const SCALE = 200;

let sim: BigCommerceSimulator;
let mugRef: VariantRef;
let capRef: VariantRef;

function connector(over: Partial<BigCommerceConnectorOptions> = {}) {
  return createBigCommerceConnector({
    storeHash: HASH,
    accessToken: TOKEN,
    endpoint: sim.url,
    queues: new RateLimitRegistry({ scale: SCALE, maxJitterMs: 5 }),
    accountKey: HASH,
    externalSource: "marketsync-test",
    timeoutMs: 1_000,
    ...over,
  });
}

function orderInput(id = "12-00001-00001", qty = 3): CreateStoreOrderInput {
  return {
    marketplace: "ebay",
    marketplaceOrderId: ebayOrderId(id),
    currency: "USD",
    taxesIncluded: false,
    taxCollectedByMarketplace: false,
    marketplaceTaxHandling: "record",
    lines: [
      {
        variant: mugRef,
        sku: "MUG-RED",
        title: "Mug",
        quantity: qty,
        unitPrice: money("12.50", "USD"),
        discount: money("1.00", "USD"),
        tax: money("3.00", "USD"),
        marketplaceLineId: ebayLineItemId("LINE-1"),
      },
      {
        variant: capRef,
        sku: "CAP",
        title: "Cap",
        quantity: 1,
        unitPrice: money("8.00", "USD"),
        discount: money("0", "USD"),
        tax: money("0.64", "USD"),
        marketplaceLineId: ebayLineItemId("LINE-2"),
      },
    ],
    shipping: { title: "Ground", price: money("4.99", "USD"), tax: money("0", "USD") },
    total: money((12.5 * qty + 3 + 8 + 0.64 + 4.99 - 1).toFixed(2), "USD"),
    buyer: { name: "Ann Buyer", email: "ann@example.com", phone: undefined },
    shipTo: {
      name: "Ann Buyer",
      line1: "5 Elm St",
      city: "Austin",
      region: "TX",
      postalCode: "78701",
      countryCode: "US",
    },
    tags: [],
    inventory: { decrement: true },
    alreadyFulfilled: false,
    processedAt: new Date("2026-03-01T00:00:00Z"),
  };
}

beforeAll(async () => {
  sim = await startBigCommerceSimulator({ scale: SCALE });
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(() => {
  sim.reset();
  sim.createStore({
    hash: HASH,
    currency: "USD",
    tokens: [{ token: TOKEN, clientId: "client-1" }],
  });
  const mug = sim.seedProduct(HASH, {
    name: "Mug",
    price: 12.5,
    variants: [
      { sku: "MUG-RED", inventory_level: 10, options: [{ name: "Color", label: "Red" }] },
      {
        sku: "MUG-BLUE",
        price: 13,
        inventory_level: 4,
        options: [{ name: "Color", label: "Blue" }],
      },
    ],
  });
  const cap = sim.seedProduct(HASH, {
    name: "Cap",
    price: 8,
    variants: [{ sku: "CAP", inventory_level: 2 }],
  });
  // Another product whose SKU differs only by case: both must be returned.
  sim.seedProduct(HASH, {
    name: "Mug (old)",
    price: 9.99,
    variants: [{ sku: "mug-red ", inventory_level: 0 }],
  });
  mugRef = `${mug.id}:${mug.variants[0]!.id}` as VariantRef;
  capRef = `${cap.id}:${cap.variants[0]!.id}` as VariantRef;
});

describe("BigCommerce connector against the simulator", () => {
  it("GIVEN SKUs in mixed case and spacing WHEN looked up THEN every exact match (ignoring case/spaces) is returned with price and stock", async () => {
    const found = await connector().findVariantsBySku([" mug-red", "CAP", "NOPE"]);
    expect(
      found
        .get(" mug-red")
        ?.map((v) => v.sku)
        .sort(),
    ).toEqual(["MUG-RED", "mug-red "]);
    const red = found.get(" mug-red")?.find((v) => v.sku === "MUG-RED");
    expect(red).toMatchObject({
      ref: mugRef,
      inventoryQuantity: 10,
      price: { amountMinor: 1250, currency: "USD" },
      title: "MUG-RED (Red)",
    });
    expect(found.get("CAP")).toHaveLength(1);
    expect(found.get("NOPE")).toEqual([]);
    const calls = sim.server.exchangesFor("getVariants").map((e) => e.request.query.get("sku"));
    expect(calls.sort()).toEqual(["CAP", "NOPE", "mug-red"]);
  });

  it("GIVEN the store currency is known WHEN SKUs are looked up THEN no store-information call is made", async () => {
    const found = await connector({ currency: "usd" }).findVariantsBySku(["CAP"]);
    expect(found.get("CAP")?.[0]?.price).toEqual({ amountMinor: 800, currency: "USD" });
    expect(sim.server.exchangesFor("getStore")).toHaveLength(0);
  });

  it("GIVEN more variants than a page WHEN looked up THEN the connector follows meta.pagination", async () => {
    for (let i = 0; i < 5; i++) {
      sim.seedProduct(HASH, { name: `Dup ${i}`, price: 1, variants: [{ sku: "DUP" }] });
    }
    const found = await connector({ pageSize: 2 }).findVariantsBySku(["DUP"]);
    expect(found.get("DUP")).toHaveLength(5);
    expect(sim.server.exchangesFor("getVariants")).toHaveLength(3);
  });

  it("GIVEN a product name typed in any case WHEN variants are searched THEN each variant of the matching products comes back titled by product and options, with stock", async () => {
    const found = await connector().searchVariants("  mug ", 20);
    expect(found.map((v) => [v.title, v.sku, v.inventoryQuantity])).toEqual([
      ["Mug (Red)", "MUG-RED", 10],
      ["Mug (Blue)", "MUG-BLUE", 4],
      ["Mug (old)", "mug-red ", 0],
    ]);
    expect(found[0]).toMatchObject({ ref: mugRef, price: { amountMinor: 1250, currency: "USD" } });
    const [call] = sim.server.exchangesFor("getProducts").map((e) => e.request.query);
    expect(call?.get("keyword")).toBe("mug");
    expect(call?.get("include")).toBe("variants");
    expect(call?.get("limit")).toBe("20");
  });

  it("GIVEN part of a SKU WHEN variants are searched THEN the product is found through its variant SKU, capped at the limit", async () => {
    expect((await connector().searchVariants("cap", 5)).map((v) => v.ref)).toEqual([capRef]);
    expect(await connector().searchVariants("mug", 2)).toHaveLength(2);
    expect(await connector().searchVariants("nothing like it", 5)).toEqual([]);
  });

  it("GIVEN only spaces WHEN variants are searched THEN the store is not called", async () => {
    expect(await connector().searchVariants("   ", 5)).toEqual([]);
    expect(sim.server.exchangesFor("getProducts")).toHaveLength(0);
  });

  it("GIVEN a marketplace order WHEN created THEN BigCommerce stores it with our external reference, exact prices and Awaiting Fulfillment", async () => {
    const ref = await connector().createOrder(orderInput());
    expect(ref).toMatchObject({
      name: ref.id,
      cancelled: false,
      totalPrice: { amountMinor: 5313, currency: "USD" },
      adminUrl: `https://store-${HASH}.mybigcommerce.com/manage/orders/${ref.id}`,
    });
    const stored = sim.order(HASH, Number(ref.id));
    expect(stored?.order).toMatchObject({
      status_id: 11,
      customer_id: 0,
      external_source: "marketsync-test",
      external_order_id: "12-00001-00001",
      total_inc_tax: "53.1300",
      discount_amount: "1.0000",
      shipping_cost_inc_tax: "4.9900",
    });
    expect(
      stored?.products.map((p) => [p.sku, p.quantity, p.price_inc_tax, p.price_ex_tax]),
    ).toEqual([
      ["MUG-RED", 3, "13.5000", "12.5000"],
      ["CAP", 1, "8.6400", "8.0000"],
    ]);
    expect(sim.variant(HASH, "MUG-RED")?.inventory_level).toBe(7);
  });

  it("GIVEN orders carrying the same marketplace id WHEN found by reference THEN only ours is returned, across pages", async () => {
    const other = connector({ externalSource: "another-app" });
    await other.createOrder(orderInput("12-00002-00002", 1));
    await other.createOrder(orderInput("12-00002-00002", 1));
    const ours = await connector().createOrder(orderInput("12-00002-00002", 1));
    const found = await connector({ pageSize: 1 }).findOrderByMarketplaceRef(
      "ebay",
      ebayOrderId("12-00002-00002"),
    );
    expect(found?.id).toBe(ours.id);
    expect(sim.server.exchangesFor("getOrders")).toHaveLength(4); // three pages of one, then the empty 204
    expect(
      await connector().findOrderByMarketplaceRef("amazon", ebayOrderId("12-00002-00002")),
    ).toBeUndefined();
    expect(
      await connector().findOrderByMarketplaceRef("ebay", ebayOrderId("never-created")),
    ).toBeUndefined();
  });

  it("GIVEN shipments made in the store WHEN listed and fetched THEN lines map back to marketplace lines with carrier and tracking", async () => {
    const c = connector({ pageSize: 1 });
    const ref = await c.createOrder(orderInput());
    expect(await c.listFulfillments(ref.id)).toEqual([]);
    const products = sim.order(HASH, Number(ref.id))!.products;
    const first = await sim.createShipment(HASH, Number(ref.id), {
      tracking_number: "1Z999AA10123456784",
      shipping_provider: "ups",
      items: [{ order_product_id: products[0]!.id as number, quantity: 2 }],
    });
    await sim.createShipment(HASH, Number(ref.id), {
      tracking_number: "9400100000000000000000",
      tracking_carrier: "usps",
      items: [
        { order_product_id: products[0]!.id as number, quantity: 1 },
        { order_product_id: products[1]!.id as number, quantity: 1 },
      ],
    });
    const all = await c.listFulfillments(ref.id);
    expect(all.map((f) => [f.carrier, f.trackingNumber, f.lines])).toEqual([
      ["ups", "1Z999AA10123456784", [{ marketplaceLineId: "LINE-1", sku: "MUG-RED", quantity: 2 }]],
      [
        "usps",
        "9400100000000000000000",
        [
          { marketplaceLineId: "LINE-1", sku: "MUG-RED", quantity: 1 },
          { marketplaceLineId: "LINE-2", sku: "CAP", quantity: 1 },
        ],
      ],
    ]);
    const one = await c.getFulfillment(ref.id, String(first.id));
    expect(one).toMatchObject({ id: String(first.id), orderId: ref.id, status: "success" });
    expect(sim.order(HASH, Number(ref.id))?.order.status_id).toBe(2);
  });

  it("GIVEN an order WHEN cancelled twice THEN it is Cancelled once, the reason noted and stock returned", async () => {
    const c = connector();
    const ref = await c.createOrder(orderInput());
    await c.cancelOrder(ref.id, { restock: true, reason: "buyer cancelled on eBay" });
    await c.cancelOrder(ref.id, { restock: true, reason: "again" });
    const order = sim.order(HASH, Number(ref.id))!.order;
    expect(order.status_id).toBe(5);
    expect(order.staff_notes).toContain("Cancelled by Marketsync: buyer cancelled on eBay");
    expect(order.staff_notes).not.toContain("again");
    expect(sim.server.exchangesFor("updateOrder")).toHaveLength(1);
    expect(sim.variant(HASH, "MUG-RED")?.inventory_level).toBe(10);
    expect(
      (await c.findOrderByMarketplaceRef("ebay", orderInput().marketplaceOrderId))?.cancelled,
    ).toBe(true);
  });

  describe("webhooks", () => {
    let receiver: Server;
    let receiverUrl: string;
    const received: { headers: IncomingHttpHeaders; body: unknown }[] = [];
    beforeAll(async () => {
      receiver = createServer((req, res) => {
        let text = "";
        req.on("data", (c: Buffer) => (text += c.toString("utf8")));
        req.on("end", () => {
          received.push({ headers: req.headers, body: JSON.parse(text) });
          res.writeHead(200).end();
        });
      });
      await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
      receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/bigcommerce`;
    });
    afterAll(async () => {
      await new Promise<void>((r) => receiver.close(() => r()));
    });

    it("GIVEN no hooks WHEN registered twice THEN one hook per scope exists, with our secret header, and shipments are delivered with it", async () => {
      const c = connector({ webhookSecret: { header: "X-Marketsync-Secret", value: "s3cret" } });
      const wanted = [
        { topic: "store/shipment/created", callbackUrl: receiverUrl },
        { topic: "store/order/statusUpdated", callbackUrl: receiverUrl },
      ];
      expect(await c.registerWebhooks(wanted)).toEqual(wanted);
      expect(await c.registerWebhooks(wanted)).toEqual(wanted);
      expect(sim.server.exchangesFor("createWebhook")).toHaveLength(2);
      expect(sim.hooks(HASH).map((h) => h.headers)).toEqual([
        { "X-Marketsync-Secret": "s3cret" },
        { "X-Marketsync-Secret": "s3cret" },
      ]);

      const ref = await c.createOrder(orderInput());
      received.length = 0;
      const products = sim.order(HASH, Number(ref.id))!.products;
      const shipment = await sim.createShipment(HASH, Number(ref.id), {
        tracking_number: "T1",
        items: products.map((p) => ({
          order_product_id: p.id as number,
          quantity: p.quantity as number,
        })),
      });
      const created = received.find(
        (r) => (r.body as { scope: string }).scope === "store/shipment/created",
      );
      expect(created?.headers["x-marketsync-secret"]).toBe("s3cret");
      expect(created?.body).toMatchObject({
        scope: "store/shipment/created",
        producer: `stores/${HASH}`,
        data: { type: "shipment", id: shipment.id, orderId: Number(ref.id) },
      });
    });

    it("GIVEN a deactivated hook WHEN registered THEN it is reactivated rather than duplicated", async () => {
      const c = connector();
      const wanted = [{ topic: "store/shipment/created", callbackUrl: receiverUrl }];
      await c.registerWebhooks(wanted);
      sim.hooks(HASH)[0]!.is_active = false;
      expect(await c.registerWebhooks(wanted)).toEqual(wanted);
      expect(sim.hooks(HASH)).toHaveLength(1);
      expect(sim.hooks(HASH)[0]!.is_active).toBe(true);
    });

    it("GIVEN an invalid destination WHEN registered THEN Rejected carries BigCommerce's 422 message", async () => {
      const error = await connector()
        .registerWebhooks([{ topic: "store/shipment/created", callbackUrl: "ftp://example.com/x" }])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Rejected);
      expect((error as Rejected).status).toBe(422);
      expect((error as Rejected).vendorMessage).toBe(
        "JSON data is missing or invalid — destination: must be an https URL",
      );
    });
  });

  describe("errors", () => {
    it("GIVEN an unknown product WHEN an order is created THEN Rejected carries BigCommerce's v2 message", async () => {
      const input = orderInput();
      input.lines[0] = { ...input.lines[0]!, variant: "999:1" as VariantRef };
      const error = await connector()
        .createOrder(input)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Rejected);
      expect((error as Rejected).status).toBe(400);
      expect((error as Rejected).vendorMessage).toBe(
        "The product with ID '999' could not be found.",
      );
      expect(sim.orders(HASH)).toHaveLength(0);
    });

    it("GIVEN a revoked token WHEN called THEN AuthRevoked after one attempt; a token provider picks up the reinstall token", async () => {
      let current = "old-token";
      sim.addToken(HASH, current, "client-1");
      const c = connector({ accessToken: () => current });
      await expect(c.findVariantsBySku(["CAP"])).resolves.toBeDefined();
      sim.revokeToken(HASH, "old-token");
      sim.server.exchanges.length = 0;
      const error = await c.listFulfillments(bigCommerceOrderId(100)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthRevoked);
      expect((error as AuthRevoked).vendorMessage).toBe(
        "No valid credentials were found in this request.",
      );
      expect(sim.server.exchanges).toHaveLength(1);
      // The merchant reinstalls: a new token is stored and the same connector uses it.
      current = "new-token";
      sim.addToken(HASH, current, "client-1");
      const ref = await c.createOrder(orderInput());
      expect(sim.server.exchanges.at(-1)?.request.headers["x-auth-token"]).toBe("new-token");
      expect(ref.id).toBeDefined();
    });

    it("GIVEN a 503 or a reset connection WHEN called THEN Transient", async () => {
      sim.server.injectFault({ operation: "getOrder", kind: "status", status: 503 });
      const a = await connector()
        .cancelOrder(bigCommerceOrderId(100), { restock: true, reason: "x" })
        .catch((e: unknown) => e);
      expect(a).toBeInstanceOf(Transient);
      expect((a as Transient).status).toBe(503);
      sim.server.injectFault({ operation: "getShipments", kind: "reset" });
      const b = await connector()
        .listFulfillments(bigCommerceOrderId(100))
        .catch((e: unknown) => e);
      expect(b).toBeInstanceOf(Transient);
    });

    it("GIVEN a 200 that is not JSON (a proxy page) WHEN called THEN Transient, not a crash", async () => {
      sim.server.injectFault({
        operation: "getVariants",
        kind: "status",
        status: 200,
        body: "<html>gateway</html>",
      });
      await expect(connector().findVariantsBySku(["CAP"])).rejects.toBeInstanceOf(Transient);
    });

    it("GIVEN a server that never answers WHEN called THEN Transient after timeoutMs", async () => {
      sim.server.injectFault({ operation: "getVariants", kind: "timeout" });
      const started = Date.now();
      const error = await connector({ timeoutMs: 300 })
        .findVariantsBySku(["CAP"])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Transient);
      expect(Date.now() - started).toBeLessThan(3_000);
    });

    it("GIVEN an unknown shipment WHEN fetched THEN NotFound", async () => {
      const ref = await connector().createOrder(orderInput());
      await expect(connector().getFulfillment(ref.id, "999")).rejects.toBeInstanceOf(NotFound);
      await expect(connector().getFulfillment(ref.id, "not-a-number")).rejects.toBeInstanceOf(
        NotFound,
      );
    });
  });

  describe("rate limits", () => {
    it("GIVEN two 429s with BigCommerce's reset header WHEN called THEN the queue waits and the call succeeds", async () => {
      sim.server.injectFault({
        operation: "getVariants",
        kind: "status",
        status: 429,
        times: 2,
        headers: { "X-Rate-Limit-Time-Reset-Ms": "40", "X-Rate-Limit-Requests-Left": "0" },
        body: [{ status: 429, message: "Too many requests." }],
      });
      const queues = new RateLimitRegistry({ scale: SCALE, maxJitterMs: 5 });
      const found = await connector({ queues }).findVariantsBySku(["CAP"]);
      expect(found.get("CAP")).toHaveLength(1);
      expect(sim.server.exchangesFor("getVariants").map((e) => e.response.status)).toEqual([
        429, 429, 200,
      ]);
      expect(queues.queue("bigcommerce", HASH, "api").stats).toMatchObject({
        rateLimited: 2,
        retried: 2,
      });
    });

    it("GIVEN 429s that never stop WHEN called THEN RateLimited after a bounded number of attempts", async () => {
      sim.server.injectFault({
        operation: "getVariants",
        kind: "status",
        status: 429,
        times: 0,
        headers: { "X-Rate-Limit-Time-Reset-Ms": "10" },
        body: [{ status: 429, message: "Too many requests." }],
      });
      const queues = new RateLimitRegistry({
        scale: SCALE,
        maxJitterMs: 1,
        maxRateLimitRetries: 2,
      });
      const error = await connector({ queues })
        .findVariantsBySku(["CAP"])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RateLimited);
      expect((error as RateLimited).retryAfterMs).toBe(10);
      expect(sim.server.exchangesFor("getVariants")).toHaveLength(3);
    });

    it("GIVEN the store's real quota drained by someone else WHEN called THEN the simulator's 429 is honoured and the call recovers", async () => {
      const slow = await startBigCommerceSimulator({ scale: 1 });
      try {
        slow.createStore({ hash: HASH, tokens: [{ token: TOKEN }] });
        slow.seedProduct(HASH, { name: "Cap", price: 8, variants: [{ sku: "CAP" }] });
        const drain = await Promise.all(
          Array.from({ length: 160 }, () =>
            fetch(`${slow.url}/stores/${HASH}/v2/store`, { headers: { "x-auth-token": TOKEN } }),
          ),
        );
        const throttled = drain.find((r) => r.status === 429);
        expect(throttled?.headers.get("x-rate-limit-requests-quota")).toBe("150");
        expect(Number(throttled?.headers.get("x-rate-limit-time-reset-ms"))).toBeGreaterThan(0);
        const c = createBigCommerceConnector({
          storeHash: HASH,
          accessToken: TOKEN,
          endpoint: slow.url,
          queues: new RateLimitRegistry({ maxJitterMs: 5 }),
          accountKey: HASH,
          timeoutMs: 2_000,
        });
        const found = await c.findVariantsBySku(["CAP"]);
        expect(found.get("CAP")).toHaveLength(1);
        expect(slow.server.throttledCount.get("getStore")).toBeGreaterThanOrEqual(1);
      } finally {
        await slow.stop();
      }
    });

    it("GIVEN 300 calls at once (twice the quota) WHEN sent through the queue THEN all succeed without drawing a 429", async () => {
      const c = connector();
      const results = await Promise.all(
        Array.from({ length: 300 }, () => c.findVariantsBySku(["CAP"])),
      );
      expect(results.every((r) => r.get("CAP")?.length === 1)).toBe(true);
      const statuses = sim.server.exchangesFor("getVariants").map((e) => e.response.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(300);
      expect(sim.server.throttledCount.get("getVariants") ?? 0).toBe(0);
    });

    it("GIVEN an answer saying no requests are left until a reset WHEN the next call is made THEN the queue waits for the reset instead of drawing a 429", async () => {
      const c = connector();
      await c.storeInfo(); // warm the store-info cache so only variant calls remain
      sim.server.injectFault({
        operation: "getVariants",
        kind: "status",
        status: 200,
        headers: { "X-Rate-Limit-Requests-Left": "0", "X-Rate-Limit-Time-Reset-Ms": "250" },
        body: {
          data: [],
          meta: {
            pagination: { total: 0, count: 0, per_page: 250, current_page: 1, total_pages: 1 },
          },
        },
      });
      await c.findVariantsBySku(["CAP"]);
      const started = Date.now();
      await c.findVariantsBySku(["CAP"]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(240);
      expect(sim.server.exchangesFor("getVariants").map((e) => e.response.status)).toEqual([
        200, 200,
      ]);
    });
  });
});
