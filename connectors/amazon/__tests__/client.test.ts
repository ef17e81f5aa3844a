import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type SeedOrderInput,
  SIM_CLIENT_ID,
  SIM_CLIENT_SECRET,
  SIM_REFRESH_TOKEN,
  startAmazonSimulator,
  type AmazonSimulator,
} from "../../../test/simulators/amazon";
import {
  AuthExpired,
  AuthRevoked,
  type ConnectorError,
  NotFound,
  RateLimited,
  Rejected,
  Transient,
} from "../../errors";
import { RateLimitRegistry } from "../../rate-limit/registry";
import { amazonOrderId, amazonOrderItemId, type TokenSet } from "../../types";
import { type AmazonConnectorOptions, createAmazonConnector } from "../client";

const SCALE = 1000;
let sim: AmazonSimulator;

beforeAll(async () => {
  sim = await startAmazonSimulator({ scale: SCALE, port: 0 });
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(() => {
  sim.reset();
});

function registry(options: ConstructorParameters<typeof RateLimitRegistry>[0] = {}) {
  return new RateLimitRegistry({ scale: SCALE, maxJitterMs: 5, ...options });
}

function connect(overrides: Partial<AmazonConnectorOptions> = {}) {
  return createAmazonConnector({
    region: "na",
    marketplaceIds: ["ATVPDKIKX0DER"],
    clientId: SIM_CLIENT_ID,
    clientSecret: SIM_CLIENT_SECRET,
    tokens: { refreshToken: SIM_REFRESH_TOKEN },
    endpoint: sim.url,
    queues: registry(),
    accountKey: "seller-1",
    timeoutMs: 2_000,
    ...overrides,
  });
}

const HOUR = 3_600_000;
function usOrder(overrides: Partial<SeedOrderInput> = {}): SeedOrderInput {
  return {
    createdTime: new Date(Date.now() - 5 * HOUR).toISOString(),
    items: [
      {
        sku: "MUG-1",
        title: "Mug",
        quantity: 2,
        unitPrice: "12.50",
        tax: "2.06",
        shipping: "4.99",
      },
    ],
    ...overrides,
  };
}

async function caught(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (error) {
    return error as ConnectorError;
  }
  throw new Error("expected a rejection");
}

describe("Amazon connector against the simulator", () => {
  it("GIVEN seeded orders WHEN listing orders updated since a date THEN they come back mapped, through the endpoint override", async () => {
    const a = sim.seedOrder(usOrder());
    sim.seedOrder(usOrder({ marketplaceId: "A2EUQ1WTGCTBG2" })); // another marketplace: filtered out
    const old = sim.seedOrder(
      usOrder({ createdTime: new Date(Date.now() - 50 * HOUR).toISOString() }),
    );
    const page = await connect().listOrders({ updatedSince: new Date(Date.now() - 10 * HOUR) });

    expect(page.orders.map((o) => o.id)).toEqual([a.orderId]);
    expect(page.nextPageToken).toBeUndefined();
    const order = page.orders[0]!;
    expect(order.status).toBe("ready");
    expect(order.totals.total).toEqual({ amountMinor: 2500 + 499 + 206, currency: "USD" });
    expect(order.lines[0]!.lineId).toBe(a.orderItems[0]!.orderItemId);
    expect(order.taxCollectedByMarketplace).toBe(true);
    expect(order.shipTo?.city).toBe("Seattle");
    expect(page.orders.some((o) => o.id === old.orderId)).toBe(false);

    // All traffic, the LWA token call included, reached the override origin on Amazon's paths.
    const token = sim.server.exchangesFor("lwa.token");
    expect(token).toHaveLength(1);
    expect(token[0]!.request.headers["content-type"]).toContain(
      "application/x-www-form-urlencoded",
    );
    const [search] = sim.server.exchangesFor("searchOrders");
    expect(search!.request.path).toBe("/orders/2026-01-01/orders");
    expect(search!.request.headers.host).toBe("sellingpartnerapi-na.amazon.com");
    expect(search!.request.headers["x-amz-access-token"]).toMatch(/^Atza\|/);
    expect(search!.request.query.get("marketplaceIds")).toBe("ATVPDKIKX0DER");
    expect(search!.request.query.get("includedData")?.split(",")).toContain("PROCEEDS");
  });

  it("GIVEN more orders than a page WHEN following nextPageToken THEN every order comes exactly once", async () => {
    const seeded = Array.from({ length: 5 }, (_, i) =>
      sim.seedOrder(usOrder({ createdTime: new Date(Date.now() - (9 - i) * HOUR).toISOString() })),
    );
    const amazon = connect({ pageSize: 2 });
    const ids: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    const updatedSince = new Date(Date.now() - 10 * HOUR);
    do {
      const page = await amazon.listOrders({ updatedSince, pageToken });
      ids.push(...page.orders.map((o) => o.id));
      pageToken = page.nextPageToken;
      pages++;
    } while (pageToken);
    expect(pages).toBe(3);
    expect(ids).toEqual(seeded.map((o) => o.orderId));
  });

  it("GIVEN an order id WHEN getOrder THEN the order is mapped; an unknown one is NotFound", async () => {
    const seeded = sim.seedOrder(usOrder({ status: "PENDING" }));
    const amazon = connect();
    const order = await amazon.getOrder(amazonOrderId(seeded.orderId));
    expect(order.status).toBe("pending");
    expect(order.rawStatus).toBe("PENDING");
    const error = await caught(amazon.getOrder(amazonOrderId("999-9999999-9999999")));
    expect(error).toBeInstanceOf(NotFound);
    expect(error.status).toBe(404);
  });

  it("GIVEN an expired access token WHEN calling THEN the connector refreshes through LWA once, reports the tokens, and succeeds", async () => {
    const seeded = sim.seedOrder(usOrder());
    const refreshed: TokenSet[] = [];
    const amazon = connect({
      tokens: {
        refreshToken: SIM_REFRESH_TOKEN,
        accessToken: sim.issueAccessToken(),
        expiresAt: new Date(Date.now() + HOUR),
      },
      onTokenRefresh: (t) => {
        refreshed.push(t);
      },
    });
    await amazon.getOrder(amazonOrderId(seeded.orderId));
    expect(sim.requestCount("lwa.token")).toBe(0);

    sim.expireAccessTokens();
    const order = await amazon.getOrder(amazonOrderId(seeded.orderId));
    expect(order.id).toBe(seeded.orderId);
    expect(sim.requestCount("lwa.token")).toBe(1);
    const statuses = sim.server.exchangesFor("getOrder").map((e) => e.response.status);
    expect(statuses).toEqual([200, 403, 200]);
    expect(refreshed).toHaveLength(1);
    expect(refreshed[0]!.accessToken).toMatch(/^Atza\|/);
    expect(refreshed[0]!.refreshToken).toBe(SIM_REFRESH_TOKEN);
    expect(refreshed[0]!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
  });

  it("GIVEN a revoked refresh token and an expired access token WHEN calling THEN AuthRevoked, without looping", async () => {
    const seeded = sim.seedOrder(usOrder());
    const amazon = connect({
      tokens: { refreshToken: SIM_REFRESH_TOKEN, accessToken: sim.issueAccessToken() },
    });
    sim.expireAccessTokens();
    sim.revokeRefreshToken();
    const error = await caught(amazon.getOrder(amazonOrderId(seeded.orderId)));
    expect(error).toBeInstanceOf(AuthRevoked);
    expect(error.vendorCode).toBe("invalid_grant");
    expect(sim.requestCount("lwa.token")).toBe(1);
    expect(sim.requestCount("getOrder")).toBe(1);
  });

  it("GIVEN LWA keeps handing out tokens that are already expired WHEN calling THEN AuthExpired after a bounded number of requests", async () => {
    const seeded = sim.seedOrder(usOrder());
    sim.state.tokenTtlSeconds = 0;
    const error = await caught(connect().getOrder(amazonOrderId(seeded.orderId)));
    expect(error).toBeInstanceOf(AuthExpired);
    expect(sim.requestCount("getOrder")).toBe(2);
    expect(sim.requestCount("lwa.token")).toBeLessThanOrEqual(3);
  });

  it("GIVEN two 429 QuotaExceeded answers WHEN getOrder THEN the queue waits and the call succeeds on the third request", async () => {
    const seeded = sim.seedOrder(usOrder());
    const queues = registry();
    const amazon = connect({ queues });
    sim.throttle("getOrder", 2);
    const order = await amazon.getOrder(amazonOrderId(seeded.orderId));
    expect(order.id).toBe(seeded.orderId);
    expect(sim.requestCount("getOrder")).toBe(3);
    expect(queues.queue("amazon", "seller-1", "getOrder").stats.rateLimited).toBe(2);
  });

  it("GIVEN the simulator's real searchOrders bucket (burst 20) WHEN a client paced too fast sends 24 searches THEN 429s are answered, observed and recovered from", async () => {
    sim.seedOrder(usOrder());
    // This registry believes in a rate 100× the simulator's: only the 429s and the
    // x-amzn-RateLimit-Limit header can slow it down.
    const queues = registry({ scale: SCALE * 100 });
    const amazon = connect({ queues });
    const since = new Date(Date.now() - 10 * HOUR);
    // Another client of the same seller has just spent the bucket: ours cannot know it.
    const other = connect({ queues: registry({ scale: SCALE * 100 }) });
    await Promise.all(Array.from({ length: 19 }, () => other.listOrders({ updatedSince: since })));
    const results = await Promise.all(
      Array.from({ length: 24 }, () => amazon.listOrders({ updatedSince: since })),
    );
    expect(results.every((r) => r.orders.length === 1)).toBe(true);
    expect(sim.server.throttledCount.get("searchOrders") ?? 0).toBeGreaterThan(0);
    const throttled = sim.server
      .exchangesFor("searchOrders")
      .filter((e) => e.response.status === 429);
    expect(throttled[0]!.response.body).toEqual({
      errors: [
        { code: "QuotaExceeded", message: "You exceeded your quota for the requested resource." },
      ],
    });
    expect(throttled[0]!.response.headers["x-amzn-RateLimit-Limit"]).toBe(String(0.0056 * SCALE));
  }, 20_000);

  it("GIVEN a client paced at the published rate WHEN 24 searches go out THEN the simulator never throttles", async () => {
    // At ×1000 one token takes 184 ms, so a few ms of first-connection latency already exceed
    // the default 3 % safety margin; 15 % keeps the test about pacing, not about latency.
    const amazon = connect({ queues: registry({ safety: 0.85 }) });
    const since = new Date(Date.now() - 10 * HOUR);
    const started = Date.now();
    await Promise.all(Array.from({ length: 24 }, () => amazon.listOrders({ updatedSince: since })));
    expect(sim.server.throttledCount.get("searchOrders") ?? 0).toBe(0);
    // 20 in the burst, 4 more at ~5.4/s.
    expect(Date.now() - started).toBeGreaterThan(500);
  }, 20_000);

  it("GIVEN a sustained 429 WHEN getOrder THEN RateLimited after a bounded number of requests (the library does not retry on its own)", async () => {
    const seeded = sim.seedOrder(usOrder());
    const amazon = connect({ queues: registry({ maxRateLimitRetries: 2 }) });
    sim.throttle("getOrder", 0);
    const error = await caught(amazon.getOrder(amazonOrderId(seeded.orderId)));
    expect(error).toBeInstanceOf(RateLimited);
    expect((error as RateLimited).retryAfterMs).toBe(Math.ceil(1000 / (0.5 * SCALE)));
    expect(sim.requestCount("getOrder")).toBe(3);
  });

  it("GIVEN connection resets on every request WHEN listing THEN Transient after exactly one request (no library retry loop)", async () => {
    const amazon = connect();
    await amazon.listOrders({ updatedSince: new Date(Date.now() - HOUR) }); // token + warm-up
    sim.injectFault({ operation: "searchOrders", kind: "reset", times: 0 });
    const error = await caught(amazon.listOrders({ updatedSince: new Date(Date.now() - HOUR) }));
    expect(error).toBeInstanceOf(Transient);
    await new Promise((r) => setTimeout(r, 200));
    expect(sim.requestCount("searchOrders")).toBe(2);
  });

  it("GIVEN a 503 with Amazon's error body WHEN getOrder THEN Transient carrying the vendor code", async () => {
    const seeded = sim.seedOrder(usOrder());
    sim.injectFault({
      operation: "getOrder",
      kind: "status",
      status: 503,
      body: {
        errors: [{ code: "ServiceUnavailable", message: "Service temporarily unavailable." }],
      },
    });
    const error = await caught(connect().getOrder(amazonOrderId(seeded.orderId)));
    expect(error).toBeInstanceOf(Transient);
    expect(error.status).toBe(503);
    expect(error.vendorCode).toBe("ServiceUnavailable");
  });

  it("GIVEN a server that never answers WHEN getOrder THEN Transient after timeoutMs, one request only", async () => {
    const seeded = sim.seedOrder(usOrder());
    const amazon = connect({ timeoutMs: 300 });
    await amazon.getOrder(amazonOrderId(seeded.orderId));
    sim.injectFault({ operation: "getOrder", kind: "timeout", times: 0 });
    const started = Date.now();
    const error = await caught(amazon.getOrder(amazonOrderId(seeded.orderId)));
    expect(error).toBeInstanceOf(Transient);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(sim.requestCount("getOrder")).toBe(2);
  });

  it("GIVEN an unshipped MFN order WHEN confirming part of it THEN 204, Amazon records the package, and listShipments reads it back", async () => {
    const seeded = sim.seedOrder(
      usOrder({
        items: [
          { sku: "A", title: "A", quantity: 2, unitPrice: "10.00" },
          { sku: "B", title: "B", quantity: 1, unitPrice: "5.00" },
        ],
      }),
    );
    const [a, b] = seeded.orderItems;
    const amazon = connect();
    const id = amazonOrderId(seeded.orderId);
    const shippedAt = new Date(Date.now() - 60_000);
    const result = await amazon.confirmShipment({
      orderId: id,
      carrierCode: "UPS",
      trackingNumber: "1Z999AA10123456784",
      shippedAt,
      shippingMethod: "UPS Ground",
      lines: [{ lineId: amazonOrderItemId(a!.orderItemId), quantity: 2 }],
    });
    expect(result.fulfillmentId).toMatch(/^[1-9]\d*$/);

    const [confirmation] = sim.shipmentConfirmations(seeded.orderId);
    expect(confirmation!.request).toEqual({
      marketplaceId: "ATVPDKIKX0DER",
      packageDetail: {
        packageReferenceId: result.fulfillmentId,
        carrierCode: "UPS",
        shippingMethod: "UPS Ground",
        trackingNumber: "1Z999AA10123456784",
        shipDate: shippedAt.toISOString(),
        orderItems: [{ orderItemId: a!.orderItemId, quantity: 2 }],
      },
    });
    expect(sim.server.exchangesFor("confirmShipment")[0]!.response.status).toBe(204);

    const shipments = await amazon.listShipments(id);
    expect(shipments).toEqual([
      {
        fulfillmentId: result.fulfillmentId,
        carrierCode: "UPS",
        trackingNumber: "1Z999AA10123456784",
        shippedAt,
        lines: [{ lineId: a!.orderItemId, quantity: 2 }],
      },
    ]);
    const order = await amazon.getOrder(id);
    expect(order.status).toBe("partially_shipped");
    expect(order.lines.map((l) => l.quantityShipped)).toEqual([2, 0]);
    expect(b).toBeDefined();
  });

  it("GIVEN carrier Other without a carrier name WHEN confirming THEN Rejected with Amazon's message", async () => {
    const seeded = sim.seedOrder(usOrder());
    const error = await caught(
      connect().confirmShipment({
        orderId: amazonOrderId(seeded.orderId),
        carrierCode: "Other",
        trackingNumber: "TRK1",
        shippedAt: new Date(),
        lines: [{ lineId: amazonOrderItemId(seeded.orderItems[0]!.orderItemId), quantity: 1 }],
      }),
    );
    expect(error).toBeInstanceOf(Rejected);
    expect(error.status).toBe(400);
    expect(error.vendorCode).toBe("InvalidInput");
    expect(error.vendorMessage).toBe("carrierName is required when carrierCode is Other.");
    expect(error.merchant.params?.message).toBe(
      "carrierName is required when carrierCode is Other.",
    );
    expect(sim.shipmentConfirmations()).toEqual([]);
  });

  it("GIVEN more units than remain unshipped WHEN confirming THEN Rejected and the order is unchanged", async () => {
    const seeded = sim.seedOrder(usOrder());
    const error = await caught(
      connect().confirmShipment({
        orderId: amazonOrderId(seeded.orderId),
        carrierCode: "USPS",
        trackingNumber: "9400100000000000000000",
        shippedAt: new Date(),
        lines: [{ lineId: amazonOrderItemId(seeded.orderItems[0]!.orderItemId), quantity: 3 }],
      }),
    );
    expect(error).toBeInstanceOf(Rejected);
    expect(error.vendorMessage).toMatch(/exceeds the unshipped quantity 2/);
    expect(sim.getOrder(seeded.orderId).fulfillment?.fulfillmentStatus).toBe("UNSHIPPED");
  });

  it("GIVEN Amazon drops the carrier (quirk) WHEN confirming THEN the 204 succeeds but reading back shows no carrier", async () => {
    const seeded = sim.seedOrder(usOrder());
    sim.setQuirks({ dropCarrierOnConfirm: true });
    const amazon = connect();
    const id = amazonOrderId(seeded.orderId);
    await amazon.confirmShipment({
      orderId: id,
      carrierCode: "Other",
      carrierName: "Colis Express",
      trackingNumber: "CE123",
      shippedAt: new Date(),
      lines: [{ lineId: amazonOrderItemId(seeded.orderItems[0]!.orderItemId), quantity: 2 }],
    });
    const [shipment] = await amazon.listShipments(id);
    expect(shipment!.trackingNumber).toBe("CE123");
    expect(shipment!.carrierCode).toBeUndefined();
  });

  it("GIVEN an account on two marketplaces and an order never read WHEN confirming THEN the marketplace is looked up from the order", async () => {
    const seeded = sim.seedOrder(
      usOrder({
        marketplaceId: "A13V1IB3VIYZZH",
        items: [{ sku: "FR", title: "Tasse", quantity: 1, unitPrice: "14.90", tax: "2.48" }],
      }),
    );
    const amazon = connect({ marketplaceIds: ["ATVPDKIKX0DER", "A13V1IB3VIYZZH"] });
    await amazon.confirmShipment({
      orderId: amazonOrderId(seeded.orderId),
      carrierCode: "Colissimo",
      trackingNumber: "6A12345678901",
      shippedAt: new Date(),
      lines: [{ lineId: amazonOrderItemId(seeded.orderItems[0]!.orderItemId), quantity: 1 }],
    });
    expect(sim.shipmentConfirmations()[0]!.request.marketplaceId).toBe("A13V1IB3VIYZZH");
    expect(sim.getOrder(seeded.orderId).fulfillment?.fulfillmentStatus).toBe("SHIPPED");
  });

  it("GIVEN the admin HTTP API WHEN seeding and advancing an order over HTTP THEN the connector sees the change", async () => {
    const seeded = (await (
      await fetch(`${sim.url}/__admin/amazon/orders`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(usOrder({ status: "PENDING" })),
      })
    ).json()) as { orders: { orderId: string }[] };
    const orderId = seeded.orders[0]!.orderId;
    const advanced = await fetch(`${sim.url}/__admin/amazon/orders/${orderId}/status`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ status: "UNSHIPPED" }),
    });
    expect(advanced.status).toBe(200);
    await fetch(`${sim.url}/__admin/amazon/orders/${orderId}/cancellation-request`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ reason: "Ordered by mistake" }),
    });
    const order = await connect().getOrder(amazonOrderId(orderId));
    expect(order.status).toBe("ready");
    expect(order.buyerCancellationRequested).toBe(true);
    const counts = (await (await fetch(`${sim.url}/__admin/amazon/requests`)).json()) as {
      requests: Record<string, number>;
    };
    expect(counts.requests).toEqual({ "lwa.token": 1, getOrder: 1 });
  });
});
