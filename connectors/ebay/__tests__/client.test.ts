import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  EBAY_SYSTEM_ERROR_BODY,
  type EbaySimulator,
  type IssuedTokens,
  startEbaySimulator,
  TOO_MANY_REQUESTS_BODY,
} from "../../../test/simulators/ebay";
import { AuthRevoked, NotFound, RateLimited, Rejected, Transient } from "../../errors";
import { RateLimitRegistry } from "../../rate-limit/registry";
import { ebayLineItemId, ebayOrderId, type TokenSet } from "../../types";
import { createEbayConnector, type EbayConnectorOptions } from "../client";

let sim: EbaySimulator;
let tokens: IssuedTokens;
const SINCE = new Date(Date.now() - 7 * 86_400_000);

beforeAll(async () => {
  // Low quota on getOrder so a burst of calls really meets eBay's 429 (burst 3, 10/s at ×1000).
  sim = await startEbaySimulator({ scale: 1000, quotas: { getOrder: { perDay: 864, burst: 3 } } });
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(() => {
  sim.reset();
  tokens = sim.addAccount({ username: "us_seller", marketplaceId: "EBAY_US" });
});

function connector(overrides: Partial<EbayConnectorOptions> = {}) {
  return createEbayConnector({
    endpoint: sim.url,
    queues: new RateLimitRegistry({ scale: 1000, maxJitterMs: 10, maxRateLimitRetries: 10 }),
    accountKey: "us_seller",
    credentials: sim.app,
    tokens: { ...tokens },
    timeoutMs: 2_000,
    rateLimitBackoffMs: 250,
    ...overrides,
  });
}

function seedUsOrder(createdAt = new Date(Date.now() - 3_600_000).toISOString()) {
  return sim.seedOrder({
    seller: "us_seller",
    createdAt,
    lines: [
      { sku: "MUG", title: "Mug", quantity: 3, unitPrice: "12.99", shipping: "5.50", tax: "3.04" },
      { sku: "TEE", title: "Tee", unitPrice: "19.99", discount: "2.00" },
    ],
  });
}

describe("eBay connector against the simulator", () => {
  it("GIVEN a paid US order WHEN listing orders THEN it is mapped ready with exact money and Collect-and-Remit tax", async () => {
    const id = seedUsOrder();
    const page = await connector().listOrders({ updatedSince: SINCE });
    expect(page.nextPageToken).toBeUndefined();
    expect(page.orders).toHaveLength(1);
    const order = page.orders[0]!;
    expect(order.id).toBe(id);
    expect(order.status).toBe("ready");
    expect(order.currency).toBe("USD");
    expect(order.taxCollectedByMarketplace).toBe(true);
    expect(order.pricesIncludeTax).toBe(false);
    // 3 × 12.99 + 19.99 = 58.96; shipping 5.50; discount 2.00; tax 3.04 → 65.50 with TAX_BREAKDOWN.
    expect(order.totals).toEqual({
      subtotal: { amountMinor: 5896, currency: "USD" },
      shipping: { amountMinor: 550, currency: "USD" },
      tax: { amountMinor: 304, currency: "USD" },
      discount: { amountMinor: 200, currency: "USD" },
      total: { amountMinor: 6550, currency: "USD" },
    });
    expect(order.lines[0]).toMatchObject({
      quantity: 3,
      unitPrice: { amountMinor: 1299 },
      lineTotal: { amountMinor: 3897 },
      tax: { amountMinor: 304 },
    });
    const request = sim.server.exchangesFor("getOrders")[0]!.request;
    expect(request.query.get("fieldGroups")).toBe("TAX_BREAKDOWN");
    expect(request.query.get("filter")).toBe(`lastmodifieddate:[${SINCE.toISOString()}..]`);
  });

  it("GIVEN five orders and a page size of two WHEN following nextPageToken THEN every order comes once over three pages", async () => {
    const ids = Array.from({ length: 5 }, (_, i) =>
      seedUsOrder(new Date(Date.now() - (i + 1) * 60_000).toISOString()),
    );
    const c = connector({ pageSize: 2 });
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const page = await c.listOrders({ updatedSince: SINCE, pageToken });
      seen.push(...page.orders.map((o) => o.id));
      pageToken = page.nextPageToken;
      pages++;
    } while (pageToken);
    expect(pages).toBe(3);
    expect([...seen].sort()).toEqual([...ids].sort());
    expect(sim.server.exchangesFor("getOrders").map((e) => e.request.query.get("offset"))).toEqual([
      "0",
      "2",
      "4",
    ]);
  });

  it("GIVEN an expired access token WHEN two calls run at once THEN one refresh serves both and is persisted", async () => {
    const id = seedUsOrder();
    sim.expireAccessTokens();
    const persisted: TokenSet[] = [];
    const c = connector({ onTokenRefresh: (t) => void persisted.push(t) });
    const [a, b] = await Promise.all([
      c.getOrder(ebayOrderId(id)),
      c.listOrders({ updatedSince: SINCE }),
    ]);
    expect(a.id).toBe(id);
    expect(b.orders).toHaveLength(1);
    expect(sim.refreshCount()).toBe(1);
    expect(persisted).toHaveLength(1);
    expect(persisted[0]!.accessToken).not.toBe(tokens.accessToken);
    expect(persisted[0]!.refreshToken).toBeUndefined();
    expect(persisted[0]!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 7000_000);
    const form = sim.server.exchangesFor("identity.token")[0]!.request.body as Record<
      string,
      string
    >;
    expect(form.grant_type).toBe("refresh_token");
    expect(form.refresh_token).toBe(tokens.refreshToken);
  });

  it("GIVEN a stored expiry in the past WHEN calling THEN the token is refreshed before the call, with no 401", async () => {
    seedUsOrder();
    const c = connector({ tokens: { ...tokens, expiresAt: new Date(Date.now() - 1000) } });
    await c.listOrders({ updatedSince: SINCE });
    expect(sim.server.exchangesFor("getOrders").map((e) => e.response.status)).toEqual([200]);
    expect(sim.refreshCount()).toBe(1);
  });

  it("GIVEN a revoked grant WHEN calling THEN AuthRevoked after one refresh attempt", async () => {
    sim.revokeRefreshTokens();
    const error = await connector()
      .listOrders({ updatedSince: SINCE })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthRevoked);
    expect((error as AuthRevoked).vendorCode).toBe("invalid_grant");
    expect(sim.server.exchangesFor("identity.token")).toHaveLength(1);
    expect(sim.server.exchangesFor("getOrders")).toHaveLength(1);
  });

  it("GIVEN a quota of burst 3 WHEN eight orders are read at once THEN 429s are met and every call recovers", async () => {
    const ids = Array.from({ length: 8 }, () => seedUsOrder());
    const c = connector();
    const orders = await Promise.all(ids.map((id) => c.getOrder(ebayOrderId(id))));
    expect(orders.map((o) => o.id)).toEqual(ids);
    expect(sim.server.throttledCount.get("getOrder") ?? 0).toBeGreaterThan(0);
    const throttled = sim.server.exchangesFor("getOrder").find((e) => e.response.status === 429);
    expect(throttled?.response.body).toEqual(TOO_MANY_REQUESTS_BODY);
  });

  it("GIVEN eBay keeps answering 429 WHEN calling THEN RateLimited with the backoff, after bounded retries", async () => {
    sim.server.injectFault({
      operation: "getOrders",
      kind: "status",
      status: 429,
      body: TOO_MANY_REQUESTS_BODY,
      times: 0,
    });
    const c = createEbayConnector({
      endpoint: sim.url,
      queues: new RateLimitRegistry({ scale: 1000, maxJitterMs: 5, maxRateLimitRetries: 2 }),
      accountKey: "us_seller",
      credentials: sim.app,
      tokens,
      rateLimitBackoffMs: 20,
    });
    const error = await c.listOrders({ updatedSince: SINCE }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimited);
    expect((error as RateLimited).retryAfterMs).toBe(20);
    expect((error as RateLimited).vendorCode).toBe("2001");
    expect(sim.server.exchangesFor("getOrders")).toHaveLength(3);
  });

  it("GIVEN a 500 with eBay's system error WHEN reading THEN Transient", async () => {
    sim.server.injectFault({
      operation: "getOrders",
      kind: "status",
      status: 500,
      body: EBAY_SYSTEM_ERROR_BODY,
    });
    const error = await connector()
      .listOrders({ updatedSince: SINCE })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Transient);
    expect((error as Transient).status).toBe(500);
  });

  it("GIVEN eBay never answers WHEN the timeout passes THEN Transient", async () => {
    const id = seedUsOrder();
    sim.server.injectFault({ operation: "getOrder", kind: "timeout" });
    const started = Date.now();
    const error = await connector({ timeoutMs: 300 })
      .getOrder(ebayOrderId(id))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Transient);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("GIVEN the connection is reset WHEN reading shipments THEN Transient", async () => {
    const id = seedUsOrder();
    sim.server.injectFault({ operation: "getShippingFulfillments", kind: "reset" });
    const error = await connector()
      .listShipments(ebayOrderId(id))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Transient);
  });

  it("GIVEN an unknown order id WHEN getting it THEN NotFound", async () => {
    const error = await connector()
      .getOrder(ebayOrderId("27-99999-99999"))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFound);
  });

  it("GIVEN a bad tracking number WHEN confirming THEN Rejected carrying eBay's message and code", async () => {
    const id = seedUsOrder();
    const line = sim.order(id)!.lineItems![0]!;
    const error = await connector()
      .confirmShipment({
        orderId: ebayOrderId(id),
        carrierCode: "USPS",
        trackingNumber: "not a tracking #",
        shippedAt: new Date(),
        lines: [{ lineId: ebayLineItemId(line.lineItemId!), quantity: 1 }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Rejected);
    expect((error as Rejected).vendorMessage).toBe("Invalid shipment tracking number or carrier");
    expect((error as Rejected).vendorCode).toBe("32300");
    expect(sim.fulfillments(id)).toHaveLength(0);
  });

  it("GIVEN a paid order WHEN confirming twice THEN eBay holds two packages and the ids come from Location", async () => {
    const id = seedUsOrder();
    const [mugs, tee] = sim.order(id)!.lineItems!;
    const c = connector();
    const first = await c.confirmShipment({
      orderId: ebayOrderId(id),
      carrierCode: "USPS",
      trackingNumber: "9400111899223100012345",
      shippedAt: new Date(Date.now() - 60_000),
      lines: [{ lineId: ebayLineItemId(mugs!.lineItemId!), quantity: 3 }],
    });
    expect((await c.getOrder(ebayOrderId(id))).status).toBe("partially_shipped");
    const second = await c.confirmShipment({
      orderId: ebayOrderId(id),
      carrierCode: "UPS",
      trackingNumber: "1Z999AA10123456784",
      shippedAt: new Date(),
      lines: [{ lineId: ebayLineItemId(tee!.lineItemId!), quantity: 1 }],
    });
    const received = sim.fulfillments(id);
    expect(received.map((f) => f.fulfillmentId)).toEqual([
      first.fulfillmentId,
      second.fulfillmentId,
    ]);
    expect(first.fulfillmentId).not.toBe(second.fulfillmentId);
    expect(received[0]).toMatchObject({
      shippingCarrierCode: "USPS",
      shipmentTrackingNumber: "9400111899223100012345",
      lineItems: [{ lineItemId: mugs!.lineItemId, quantity: 3 }],
    });
    const shipments = await c.listShipments(ebayOrderId(id));
    expect(shipments.map((s) => s.trackingNumber)).toEqual([
      "9400111899223100012345",
      "1Z999AA10123456784",
    ]);
    const order = await c.getOrder(ebayOrderId(id));
    expect(order.status).toBe("shipped");
    expect(order.lines.map((l) => l.quantityShipped)).toEqual([3, 1]);
  });

  it("GIVEN a buyer cancellation request then a cancellation WHEN reading the order THEN it is flagged, then cancelled", async () => {
    const id = seedUsOrder();
    const c = connector();
    sim.requestCancellation(id);
    const requested = await c.getOrder(ebayOrderId(id));
    expect(requested.status).toBe("ready");
    expect(requested.buyerCancellationRequested).toBe(true);
    sim.cancelOrder(id);
    const cancelled = await c.getOrder(ebayOrderId(id));
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.rawStatus).toBe("FULLY_REFUNDED/NOT_STARTED/CANCEL_CANCELED");
  });

  it("GIVEN a French seller's VAT-inclusive order WHEN reading it THEN prices include tax and euros are exact", async () => {
    const fr = sim.addAccount({ username: "fr_vendeur", marketplaceId: "EBAY_FR" });
    const id = sim.seedOrder({
      seller: "fr_vendeur",
      lines: [
        {
          sku: "BOL",
          title: "Bol",
          quantity: 2,
          unitPrice: "24.90",
          shipping: "6.90",
          tax: "9.45",
        },
        { sku: "TASSE", title: "Tasse", unitPrice: "15.00", discount: "1.50", tax: "2.25" },
      ],
    });
    const order = await connector({ accountKey: "fr_vendeur", tokens: fr }).getOrder(
      ebayOrderId(id),
    );
    expect(order.marketplaceId).toBe("EBAY_FR");
    expect(order.currency).toBe("EUR");
    expect(order.pricesIncludeTax).toBe(true);
    expect(order.taxCollectedByMarketplace).toBe(true);
    expect(order.totals.total).toEqual({ amountMinor: 7020, currency: "EUR" });
    expect(order.totals.tax).toEqual({ amountMinor: 1170, currency: "EUR" });
  });

  it("GIVEN the endpoint override WHEN refreshing and calling THEN every request reached the simulator on eBay's paths", async () => {
    seedUsOrder();
    sim.expireAccessTokens();
    await connector().listOrders({ updatedSince: SINCE });
    const paths = sim.server.exchanges.map((e) => `${e.request.method} ${e.request.path}`);
    expect(paths).toEqual([
      "GET /sell/fulfillment/v1/order",
      "POST /identity/v1/oauth2/token",
      "GET /sell/fulfillment/v1/order",
    ]);
  });
});
