import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startShopifySimulator, type ShopifySimulator } from "../../../test/simulators/shopify";
import { AuthRevoked, NotFound, RateLimited, Rejected, Transient } from "../../errors";
import { money } from "../../money";
import { RateLimitRegistry } from "../../rate-limit/registry";
import {
  type CreateStoreOrderInput,
  ebayLineItemId,
  ebayOrderId,
  shopifyOrderId,
  type TokenSet,
  variantRef,
} from "../../types";
import { createShopifyConnector, type ShopifyConnectorOptions } from "../client";

const API_KEY = "test-key";
const API_SECRET = "test-secret";

let sim: ShopifySimulator;
let receiver: Server;
let receiverUrl: string;
const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
let shopCounter = 0;

beforeAll(async () => {
  sim = await startShopifySimulator({ scale: 100, apiKey: API_KEY, apiSecret: API_SECRET });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks`;
});

afterAll(async () => {
  await sim.stop();
  await new Promise<void>((r) => receiver.close(() => r()));
});

beforeEach(() => {
  sim.server.faults.clear();
});

/** A fresh shop (own bucket and queue) seeded with a product, and a connector for it. */
function setup(
  extra: Partial<ShopifyConnectorOptions> & { refreshToken?: string; ttl?: number } = {},
) {
  const shop = `shop${++shopCounter}.myshopify.com`;
  const accessToken = `shpat_${shopCounter}`;
  sim.addShop({
    domain: shop,
    accessToken,
    currency: "USD",
    ...(extra.refreshToken ? { refreshToken: extra.refreshToken } : {}),
    ...(extra.ttl !== undefined ? { accessTokenTtlSeconds: extra.ttl } : {}),
  });
  const product = sim.addProduct(shop, {
    title: "Mug",
    variants: [
      { sku: "MUG-1", price: "19.99", inventoryQuantity: 10 },
      { sku: "mug-1 ", price: "18.00", inventoryQuantity: 3, title: "Second" },
      { sku: "MUG-10", price: "25.00", inventoryQuantity: 1, title: "Prefix only" },
    ],
  });
  const queues = new RateLimitRegistry({ scale: 100, maxJitterMs: 5 });
  const connector = createShopifyConnector({
    shop,
    accessToken,
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    endpoint: sim.url,
    queues,
    accountKey: shop,
    timeoutMs: 2_000,
    ...extra,
  });
  return { shop, connector, queues, variantIds: product.variantIds };
}

function orderInput(variantId: string, id = "11-11111-11111"): CreateStoreOrderInput {
  return {
    marketplace: "ebay",
    marketplaceOrderId: ebayOrderId(id),
    currency: "USD",
    taxesIncluded: false,
    taxCollectedByMarketplace: false,
    marketplaceTaxHandling: "record",
    lines: [
      {
        variant: variantRef(variantId),
        sku: "MUG-1",
        title: "Mug",
        quantity: 2,
        unitPrice: money("19.99", "USD"),
        discount: money("1.00", "USD"),
        tax: money("3.12", "USD"),
        marketplaceLineId: ebayLineItemId("line-1"),
      },
    ],
    shipping: { title: "Standard", price: money("4.90", "USD"), tax: money("0", "USD") },
    total: money("47.00", "USD"),
    buyer: { name: "Ada Lovelace", email: "ada@example.com", phone: undefined },
    shipTo: {
      name: "Ada Lovelace",
      line1: "1 Main St",
      city: "Springfield",
      region: "IL",
      postalCode: "62701",
      countryCode: "US",
    },
    tags: ["ebay"],
    inventory: { decrement: true },
    alreadyFulfilled: false,
    processedAt: new Date("2026-07-01T10:00:00.000Z"),
  };
}

describe("shopify connector against the simulator", () => {
  it("GIVEN variants whose SKUs differ in case, spaces and prefix WHEN looking up by SKU THEN only exact matches come back, several per SKU", async () => {
    const { connector, variantIds } = setup();
    const found = await connector.findVariantsBySku([" mug-1", "NOPE"]);
    const mugs = found.get(" mug-1")!;
    expect(mugs.map((v) => v.ref).sort()).toEqual([variantIds[0], variantIds[1]].sort());
    expect(mugs.find((v) => v.ref === variantIds[0])).toMatchObject({
      sku: "MUG-1",
      price: { amountMinor: 1999, currency: "USD" },
      inventoryQuantity: 10,
    });
    expect(found.get("NOPE")).toEqual([]);
  });

  it("GIVEN more matching variants than a page WHEN looking up by SKU THEN every page is followed", async () => {
    const { shop, connector } = setup({ variantPageSize: 2 });
    sim.addProduct(shop, {
      title: "Bulk",
      variants: Array.from({ length: 5 }, (_, i) => ({
        sku: "BULK",
        price: "1.00",
        title: `v${i}`,
      })),
    });
    sim.server.exchanges.length = 0;
    const found = await connector.findVariantsBySku(["bulk"]);
    expect(found.get("bulk")).toHaveLength(5);
    const calls = sim.server.exchangesFor("graphql");
    expect(calls).toHaveLength(3);
    expect(
      (calls[1]!.request.body as { variables: { after: string } }).variables.after,
    ).toBeTruthy();
  });

  it("GIVEN a product name WHEN variants are searched THEN the product's variants come back in one capped call with title, SKU and stock", async () => {
    const { shop, connector, variantIds } = setup();
    sim.addProduct(shop, {
      title: "Lavender candle",
      variants: [{ sku: "CANDLE-LAV", price: "16.00", inventoryQuantity: 60 }],
    });
    sim.server.exchanges.length = 0;
    const found = await connector.searchVariants(" MUG ", 2);
    expect(found.map((v) => v.ref)).toEqual([variantIds[0], variantIds[1]]);
    expect(found[1]).toMatchObject({ sku: "mug-1 ", title: "Mug - Second", inventoryQuantity: 3 });
    const calls = sim.server.exchangesFor("graphql");
    expect(calls).toHaveLength(1);
    const { variables } = calls[0]!.request.body as { variables: { query: string; first: number } };
    expect(variables).toMatchObject({ first: 2, query: '"MUG" OR sku:"MUG" OR title:MUG*' });
    expect((await connector.searchVariants("lavender", 20)).map((v) => v.sku)).toEqual([
      "CANDLE-LAV",
    ]);
  });

  it("GIVEN the start of a variant title or of a SKU WHEN variants are searched THEN every variant beginning so is found", async () => {
    const { connector, variantIds } = setup();
    expect((await connector.searchVariants("Prefi", 20)).map((v) => v.ref)).toContain(
      variantIds[2],
    );
    expect((await connector.searchVariants("MUG-1", 20)).map((v) => v.sku).sort()).toEqual([
      "MUG-1",
      "MUG-10",
      "mug-1 ",
    ]);
  });

  it("GIVEN words with Shopify search syntax characters WHEN searched THEN they are escaped, not interpreted", async () => {
    const { connector } = setup();
    sim.server.exchanges.length = 0;
    expect(await connector.searchVariants('sku:MUG-1 OR "x"', 20)).toEqual([]);
    expect(await connector.searchVariants("a:b(c)", 20)).toEqual([]);
    const queries = sim.server
      .exchangesFor("graphql")
      .map((e) => (e.request.body as { variables: { query: string } }).variables.query);
    expect(queries).toEqual([
      '"sku:MUG-1 OR \\"x\\"" OR sku:"sku:MUG-1 OR \\"x\\""',
      '"a:b(c)" OR sku:"a:b(c)" OR title:a\\:b\\(c\\)*',
    ]);
  });

  it("GIVEN a marketplace order WHEN created THEN Shopify stores it with exact money, no receipts, and it is found again by its reference", async () => {
    const { shop, connector, variantIds } = setup();
    const ref = await connector.createOrder(orderInput(variantIds[0]!));
    expect(ref.name).toBe("#1001");
    expect(ref.cancelled).toBe(false);
    // 2 × 19.99 − 1.00 discount + 4.90 shipping + 3.12 tax = 47.00
    expect(ref.totalPrice).toEqual({ amountMinor: 4700, currency: "USD" });
    const stored = sim.orders(shop)[0]!;
    expect(stored.options).toEqual({
      inventoryBehaviour: "DECREMENT_IGNORING_POLICY",
      sendReceipt: false,
      sendFulfillmentReceipt: false,
    });
    expect(stored.lines[0]!.properties).toEqual([
      { name: "_marketplace_line_id", value: "line-1" },
    ]);
    expect(sim.variant(shop, variantIds[0]!)!.inventoryQuantity).toBe(8);

    const again = await connector.findOrderByMarketplaceRef("ebay", ebayOrderId("11-11111-11111"));
    expect(again?.id).toBe(ref.id);
    expect(
      await connector.findOrderByMarketplaceRef("amazon", ebayOrderId("11-11111-11111") as never),
    ).toBeUndefined();
    expect(await connector.findOrderByMarketplaceRef("ebay", ebayOrderId("99-0"))).toBeUndefined();
  });

  it("GIVEN an unknown variant WHEN creating the order THEN Rejected carries Shopify's userError message", async () => {
    const { connector } = setup();
    const error = await connector
      .createOrder(orderInput("gid://shopify/ProductVariant/999999"))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Rejected);
    expect((error as Rejected).vendorMessage).toBe(
      "order.lineItems.0.variantId: Variant does not exist",
    );
    expect((error as Rejected).vendorCode).toBe("INVALID");
  });

  it("GIVEN an invalid enum WHEN registering a webhook THEN the GraphQL variable error becomes Rejected with its message", async () => {
    const { connector } = setup();
    const error = await connector
      .registerWebhooks([{ topic: "NOT_A_TOPIC", callbackUrl: receiverUrl }])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Rejected);
    expect((error as Rejected).vendorMessage).toMatch(/NOT_A_TOPIC/);
  });

  it("GIVEN an order WHEN cancelled with restock THEN nothing is refunded, stock returns and a signed orders/cancelled webhook is sent", async () => {
    const { shop, connector, variantIds } = setup();
    await connector.registerWebhooks([{ topic: "ORDERS_CANCELLED", callbackUrl: receiverUrl }]);
    const ref = await connector.createOrder(orderInput(variantIds[0]!, "22-2"));
    received.length = 0;
    await connector.cancelOrder(ref.id, { restock: true, reason: "buyer cancelled on eBay" });
    const stored = sim.orders(shop)[0]!;
    expect(stored.cancelledAt).not.toBeNull();
    expect(stored.refunded).toBe(false);
    expect(sim.variant(shop, variantIds[0]!)!.inventoryQuantity).toBe(10);
    await expect.poll(() => received.length).toBe(1);
    const hook = received[0]!;
    expect(hook.headers["x-shopify-topic"]).toBe("orders/cancelled");
    expect(hook.headers["x-shopify-shop-domain"]).toBe(shop);
    const expected = createHmac("sha256", API_SECRET).update(hook.body).digest("base64");
    expect(hook.headers["x-shopify-hmac-sha256"]).toBe(expected);
    expect(JSON.parse(hook.body)).toMatchObject({
      source_identifier: "22-2",
      cancel_reason: "other",
    });

    const again = await connector
      .cancelOrder(ref.id, { restock: false, reason: "again" })
      .catch((e: unknown) => e);
    expect(again).toBeInstanceOf(Rejected);
    expect((again as Rejected).vendorMessage).toBe("orderId: Order has already been cancelled");
    const missing = await connector
      .cancelOrder(shopifyOrderId("gid://shopify/Order/1"), { restock: false, reason: "x" })
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFound);
  });

  it("GIVEN a shipped order WHEN reading fulfillments THEN tracking and marketplace line ids come back, and foreign ids are NotFound", async () => {
    const { shop, connector, variantIds } = setup();
    const ref = await connector.createOrder(orderInput(variantIds[0]!, "33-3"));
    const lineItemId = `gid://shopify/LineItem/${sim.orders(shop)[0]!.lines[0]!.id}`;
    const fid = await sim.createFulfillment(shop, ref.id, {
      company: "UPS",
      number: "1Z999",
      url: "https://ups.example/1Z999",
      lines: [{ lineItemId, quantity: 1 }],
    });
    const list = await connector.listFulfillments(ref.id);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      id: fid,
      orderId: ref.id,
      status: "success",
      carrier: "UPS",
      trackingNumber: "1Z999",
      lines: [{ marketplaceLineId: "line-1", sku: "MUG-1", quantity: 1 }],
    });
    await sim.updateTracking(shop, fid, { number: "1Z000" });
    expect((await connector.getFulfillment(ref.id, fid)).trackingNumber).toBe("1Z000");
    await expect(
      connector.getFulfillment(shopifyOrderId("gid://shopify/Order/5"), fid),
    ).rejects.toBeInstanceOf(NotFound);
    await expect(
      connector.listFulfillments(shopifyOrderId("gid://shopify/Order/5")),
    ).rejects.toBeInstanceOf(NotFound);
  });

  it("GIVEN an existing subscription WHEN registering webhooks THEN only the missing ones are created", async () => {
    const { shop, connector } = setup();
    await connector.registerWebhooks([{ topic: "FULFILLMENTS_CREATE", callbackUrl: receiverUrl }]);
    const after = await connector.registerWebhooks([
      { topic: "FULFILLMENTS_CREATE", callbackUrl: receiverUrl },
      { topic: "FULFILLMENTS_UPDATE", callbackUrl: receiverUrl },
      { topic: "APP_UNINSTALLED", callbackUrl: receiverUrl },
    ]);
    expect(
      sim
        .subscriptions(shop)
        .map((s) => s.topic)
        .sort(),
    ).toEqual(["APP_UNINSTALLED", "FULFILLMENTS_CREATE", "FULFILLMENTS_UPDATE"]);
    expect(after).toHaveLength(3);
  });

  it("GIVEN an expired access token and a refresh token WHEN calling THEN it refreshes once through the override, reports the tokens and succeeds", async () => {
    const refreshed: TokenSet[] = [];
    const { shop, connector } = setup({
      refreshToken: "shprt_initial",
      ttl: 3600,
      onTokenRefresh: (t) => {
        refreshed.push(t);
      },
    });
    sim.expireAccessTokens(shop);
    sim.server.exchanges.length = 0;
    const found = await connector.findVariantsBySku(["MUG-1"]);
    expect(found.get("MUG-1")).toHaveLength(2);
    expect(refreshed).toHaveLength(1);
    expect(refreshed[0]!.accessToken).toMatch(/^shpat_/);
    expect(refreshed[0]!.refreshToken).toMatch(/^shprt_/);
    expect(refreshed[0]!.expiresAt.getTime()).toBeGreaterThan(Date.now());
    expect(sim.server.exchanges.map((e) => `${e.operation}:${e.response.status}`)).toEqual([
      "graphql:401",
      "oauth.token:200",
      "graphql:200",
    ]);
  });

  it("GIVEN an invalid token WHEN calling THEN AuthRevoked (offline tokens) and a refused refresh is AuthRevoked too", async () => {
    const { connector } = setup({ accessToken: "shpat_wrong" });
    await expect(connector.findVariantsBySku(["MUG-1"])).rejects.toBeInstanceOf(AuthRevoked);
    const { connector: expiring, shop } = setup({ refreshToken: "shprt_known", ttl: 3600 });
    sim.expireAccessTokens(shop);
    const other = createShopifyConnector({
      shop,
      accessToken: "shpat_expired",
      refreshToken: "shprt_unknown",
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      endpoint: sim.url,
      queues: new RateLimitRegistry({ scale: 100 }),
      accountKey: `${shop}-other`,
    });
    await expect(other.findVariantsBySku(["MUG-1"])).rejects.toBeInstanceOf(AuthRevoked);
    await expect(expiring.findVariantsBySku(["MUG-1"])).resolves.toBeDefined();
  });

  it("GIVEN an empty cost bucket WHEN calling THEN THROTTLED becomes RateLimited, the queue waits and the call succeeds", async () => {
    const { shop, connector, queues } = setup();
    sim.drainBucket(shop);
    const before = sim.server.throttledCount.get("graphql") ?? 0;
    const found = await connector.findVariantsBySku(["MUG-1"]);
    expect(found.get("MUG-1")).toHaveLength(2);
    expect(sim.server.throttledCount.get("graphql")).toBeGreaterThan(before);
    const queue = queues.queue("shopify", shop, "graphql");
    expect(queue.stats.rateLimited).toBeGreaterThanOrEqual(1);
    expect(queue.stats.retried).toBeGreaterThanOrEqual(1);
  });

  it("GIVEN a bucket that stays empty WHEN retries run out THEN RateLimited is thrown with a retry-after from the cost deficit", async () => {
    const { shop, connector } = setup({
      queues: new RateLimitRegistry({ scale: 100, maxRateLimitRetries: 0 }),
    });
    sim.drainBucket(shop);
    const error = await connector.findVariantsBySku(["MUG-1"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimited);
    // 153 points requested, ~0 available, 10,000 points/s at scale 100 → about 15 ms
    expect((error as RateLimited).retryAfterMs).toBeGreaterThan(0);
    expect((error as RateLimited).retryAfterMs).toBeLessThan(1000);
    expect((error as RateLimited).vendorCode).toBe("THROTTLED");
  });

  it("GIVEN a 503, a hung request and a reset connection WHEN calling THEN each is Transient without library retries", async () => {
    const { connector } = setup({ timeoutMs: 300 });
    sim.server.exchanges.length = 0;
    sim.server.injectFault({ operation: "graphql", kind: "status", status: 503 });
    await expect(connector.findVariantsBySku(["MUG-1"])).rejects.toBeInstanceOf(Transient);
    expect(sim.server.exchangesFor("graphql")).toHaveLength(1);

    sim.server.injectFault({ operation: "graphql", kind: "timeout" });
    const started = Date.now();
    await expect(connector.findVariantsBySku(["MUG-1"])).rejects.toBeInstanceOf(Transient);
    expect(Date.now() - started).toBeLessThan(2_000);

    sim.server.injectFault({ operation: "graphql", kind: "reset" });
    await expect(connector.findVariantsBySku(["MUG-1"])).rejects.toBeInstanceOf(Transient);

    await expect(connector.findVariantsBySku(["MUG-1"])).resolves.toBeDefined();
  });
});
