import { randomUUID } from "node:crypto";
import {
  type AmazonError,
  type AmazonFulfillmentStatus,
  type AmazonOrder,
  type ConfirmShipmentRequest,
  INCLUDED_DATA,
  type IncludedData,
  MARKETPLACE_CURRENCY,
} from "../../../connectors/amazon/types";
import type { FaultSpec } from "../shared/faults";
import { addFeedRoutes, FEED_USAGE_PLANS, FeedsState, type SellerCancellation } from "./feeds";
import { AmazonConsent, type ApplicationRegistration, CONSENT_PATH } from "./consent";
import { type SimRequest, type SimResponse, SimulatorServer } from "../shared/server";
import {
  AmazonState,
  FULFILLMENT_STATUSES,
  project,
  type Quirks,
  type SeedOrderInput,
  type ShipmentConfirmation,
  SIM_CLIENT_ID,
  SIM_CLIENT_SECRET,
  SIM_REFRESH_TOKEN,
  SIM_SELLER_ID,
  SimulatorError,
} from "./state";

export {
  type ApplicationRegistration,
  CONSENT_PATH,
  OAUTH_CODE_TTL_S,
  SIM_APPLICATION_ID,
} from "./consent";
export {
  SIM_CLIENT_ID,
  SIM_CLIENT_SECRET,
  SIM_REFRESH_TOKEN,
  SIM_SELLER_ID,
  type SeedOrderInput,
  type SellerCancellation,
  type ShipmentConfirmation,
};

/**
 * Amazon Selling Partner API simulator: Orders API 2026-01-01 `searchOrders` and `getOrder`,
 * Orders API v0 `confirmShipment`, the LWA token endpoint and the website authorization workflow
 * (Seller Central consent and the code grant, `./consent.ts`), on Amazon's real paths, with
 * Amazon's error bodies, per-seller token buckets at the published rates (× scale), the
 * `x-amzn-RateLimit-Limit` / `x-amzn-RequestId` headers, and the shared fault injection.
 *
 * Operation names (for faults and exchanges): `searchOrders`, `getOrder`, `confirmShipment`,
 * `lwa.token`, `sellerCentral.consent`, and the Feeds API's (`./feeds.ts`): `createFeedDocument`,
 * `createFeed`, `getFeed`, `getFeedDocument`, `s3.uploadFeedDocument`, `s3.downloadFeedDocument`.
 *
 * Admin API (JSON):
 * - `POST /__admin/amazon/orders` (a seed order or an array) → 201 `{orders}`;
 *   `GET /__admin/amazon/orders`, `GET /__admin/amazon/orders/:orderId`
 * - `POST /__admin/amazon/orders/:orderId/status` `{status}` (PENDING → UNSHIPPED →
 *   PARTIALLY_SHIPPED / SHIPPED, CANCELLED …)
 * - `POST /__admin/amazon/orders/:orderId/cancellation-request` `{reason?}`
 * - `GET /__admin/amazon/shipment-confirmations[?orderId=]`
 * - `POST /__admin/amazon/tokens/issue` `{sellerId?, ttlSeconds?}` → `{access_token, expires_in}`;
 *   `POST /__admin/amazon/tokens/expire`; `POST /__admin/amazon/tokens/revoke` `{refreshToken?}`
 * - `POST /__admin/amazon/applications` `{applicationId, clientId, redirectUri?, draft?}`;
 *   `POST /__admin/amazon/sign-in` `{sellerId?}`: who consents on Seller Central
 * - `PUT /__admin/amazon/quirks` `{dropCarrierOnConfirm}`
 * - `POST /__admin/amazon/throttle` `{operation, times?}`: the next calls answer Amazon's 429
 * - `GET /__admin/amazon/requests`: requests received per operation (faulted ones included)
 * - `GET /__admin/amazon/feeds`: feeds and the seller cancellations they made;
 *   `PUT /__admin/amazon/feeds/processing` `{delayMs}`: how long a feed stays IN_QUEUE
 */

/** Published default usage plans (orders_2026-01-01.json, ordersV0.json), per seller and app. */
export const USAGE_PLANS = {
  searchOrders: { rate: 0.0056, burst: 20 },
  getOrder: { rate: 0.5, burst: 30 },
  confirmShipment: { rate: 2, burst: 10 },
} as const;

export type AmazonOperation =
  keyof typeof USAGE_PLANS | keyof typeof FEED_USAGE_PLANS | "lwa.token";

const ALL_USAGE_PLANS = { ...USAGE_PLANS, ...FEED_USAGE_PLANS };

const DENIED = "Access to requested resource is denied.";
const ORDER_ID = /^\d{3}-\d{7}-\d{7}$/;
const QUOTA_EXCEEDED = {
  errors: [
    { code: "QuotaExceeded", message: "You exceeded your quota for the requested resource." },
  ],
};

export interface AmazonSimulator {
  server: SimulatorServer;
  url: string;
  state: AmazonState;
  stop(): Promise<void>;
  reset(): void;
  seedOrder(input: SeedOrderInput): AmazonOrder;
  getOrder(orderId: string): AmazonOrder;
  setStatus(orderId: string, status: AmazonFulfillmentStatus): AmazonOrder;
  requestCancellation(orderId: string, reason?: string): AmazonOrder;
  shipmentConfirmations(orderId?: string): ShipmentConfirmation[];
  /** Registers an SP-API application (its OAuth redirect URI, draft or published). */
  registerApplication(registration: ApplicationRegistration): void;
  /** The seller signed in to Seller Central in "the browser" that opens the consent page. */
  signIn(sellerId: string | undefined): void;
  /** LWA authorization codes exchanged for a refresh token. */
  codeGrantCount(): number;
  /** A valid access token for the (default) seller, as LWA would issue it. */
  issueAccessToken(options?: { sellerId?: string; ttlSeconds?: number }): string;
  expireAccessTokens(): void;
  revokeRefreshToken(token?: string): void;
  setQuirks(quirks: Partial<Quirks>): void;
  /** The next `times` calls of `operation` answer Amazon's 429 QuotaExceeded (0 = until reset). */
  throttle(operation: AmazonOperation, times?: number): void;
  injectFault(spec: FaultSpec): void;
  /** Requests received for an operation, including those answered by an injected fault. */
  requestCount(operation: AmazonOperation): number;
  /** Order cancellations made by processed acknowledgement feeds. */
  sellerCancellations(orderId?: string): SellerCancellation[];
  /** How long a new feed stays IN_QUEUE before a read processes it (default 0). */
  setFeedProcessingDelay(ms: number): void;
  /** Feeds still IN_QUEUE are processed at their next read, whatever their delay. */
  releaseQueuedFeeds(): void;
}

function errors(status: number, list: AmazonError[]): SimResponse {
  return { status, headers: { "x-amzn-RequestId": randomUUID() }, body: { errors: list } };
}

function invalid(message: string, details?: string): SimResponse {
  return errors(400, [{ code: "InvalidInput", message, ...(details ? { details } : {}) }]);
}

function list(query: URLSearchParams, name: string): string[] {
  return query
    .getAll(name)
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
}

function dateParam(query: URLSearchParams, name: string): number | undefined | SimResponse {
  const value = query.get(name);
  if (value === null) return undefined;
  const t = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(t)) {
    return invalid(`Invalid ${name}: "${value}" is not an ISO 8601 date-time.`);
  }
  return t;
}

export async function startAmazonSimulator(
  options: { scale?: number; port?: number } = {},
): Promise<AmazonSimulator> {
  const server = new SimulatorServer({
    name: "amazon",
    ...(options.scale !== undefined ? { scale: options.scale } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
  });
  const state = new AmazonState();
  const feeds = new FeedsState();
  const consent = new AmazonConsent(state);
  const received = new Map<string, number>();

  // Count every request that reached an operation, before faults answer it: the shared server
  // consults the fault injector exactly once per non-admin request, so it is the one hook that
  // sees resets and timeouts too (tests prove the client does not loop with these counts).
  const take = server.faults.take.bind(server.faults);
  server.faults.take = (operation: string) => {
    received.set(operation, (received.get(operation) ?? 0) + 1);
    return take(operation);
  };

  /** The seller behind the request's access token, or Amazon's 403. */
  function authenticate(req: SimRequest): { sellerId: string } | SimResponse {
    const header = req.headers["x-amz-access-token"];
    const token = Array.isArray(header) ? header[0] : header;
    if (!token) {
      return errors(403, [
        {
          code: "Unauthorized",
          message: DENIED,
          details: "Access token is missing in the request header.",
        },
      ]);
    }
    const record = state.accessTokens.get(token);
    if (!record) {
      return errors(403, [
        {
          code: "Unauthorized",
          message: DENIED,
          details: "The access token you provided is revoked, malformed or invalid.",
        },
      ]);
    }
    if (record.expiresAt <= Date.now()) {
      return errors(403, [
        {
          code: "Unauthorized",
          message: DENIED,
          details: "The access token you provided has expired.",
        },
      ]);
    }
    return { sellerId: record.sellerId };
  }

  const bucketKey = (req: SimRequest) => {
    const header = req.headers["x-amz-access-token"];
    const record = state.accessTokens.get(
      Array.isArray(header) ? (header[0] ?? "") : (header ?? ""),
    );
    return record ? `${record.sellerId}:${record.clientId}` : "anonymous";
  };
  for (const [operation, plan] of Object.entries(ALL_USAGE_PLANS)) {
    server.rateLimit(operation, {
      rate: plan.rate,
      burst: plan.burst,
      key: bucketKey,
      headers: (_req, s) => ({ "x-amzn-RateLimit-Limit": String(s.rate) }),
      throttled: () => ({
        status: 429,
        headers: { "x-amzn-RequestId": randomUUID() },
        body: QUOTA_EXCEEDED,
      }),
    });
  }

  function includedData(query: URLSearchParams): Set<IncludedData> | SimResponse {
    const values = list(query, "includedData");
    const bad = values.filter((v) => !(INCLUDED_DATA as readonly string[]).includes(v));
    if (bad.length) return invalid(`Invalid includedData value(s): ${bad.join(", ")}.`);
    return new Set(values as IncludedData[]);
  }

  const ok = (body: unknown): SimResponse => ({
    status: 200,
    headers: { "x-amzn-RequestId": randomUUID() },
    body,
  });

  // --- LWA ---------------------------------------------------------------------------------
  server.route("POST", "/auth/o2/token", "lwa.token", (req) => {
    const body = (req.body && typeof req.body === "object" ? req.body : {}) as Record<
      string,
      string
    >;
    const lwa = (status: number, error: string, description: string): SimResponse => ({
      status,
      body: { error_description: description, error },
    });
    if (!body.grant_type) {
      return lwa(
        400,
        "invalid_request",
        "The request is missing a required parameter : grant_type",
      );
    }
    const codeGrant = consent.token(req);
    if (codeGrant) return codeGrant;
    if (body.grant_type !== "refresh_token") {
      return lwa(
        400,
        "unsupported_grant_type",
        `The authorization grant type is not supported by the authorization server`,
      );
    }
    if (!body.client_id || state.clients.get(body.client_id) !== body.client_secret) {
      return lwa(401, "invalid_client", "Client authentication failed");
    }
    if (!body.refresh_token) {
      return lwa(
        400,
        "invalid_request",
        "The request is missing a required parameter : refresh_token",
      );
    }
    const grant = state.refreshTokens.get(body.refresh_token);
    if (!grant || grant.revoked || grant.clientId !== body.client_id) {
      return lwa(
        400,
        "invalid_grant",
        "The request has an invalid grant parameter : refresh_token",
      );
    }
    const { token, expiresIn } = state.issueAccessToken(grant.sellerId, grant.clientId);
    return {
      status: 200,
      body: {
        access_token: token,
        refresh_token: body.refresh_token,
        token_type: "bearer",
        expires_in: expiresIn,
      },
    };
  });

  server.route("GET", CONSENT_PATH, "sellerCentral.consent", (req) => consent.consent(req));

  // --- searchOrders ------------------------------------------------------------------------
  server.route("GET", "/orders/2026-01-01/orders", "searchOrders", (req) => {
    const auth = authenticate(req);
    if ("status" in auth) return auth;
    const q = req.query;
    const dates: Record<string, number | undefined> = {};
    for (const name of ["createdAfter", "createdBefore", "lastUpdatedAfter", "lastUpdatedBefore"]) {
      const parsed = dateParam(q, name);
      if (typeof parsed === "object") return parsed;
      dates[name] = parsed;
    }
    const byCreated = dates.createdAfter !== undefined;
    const byUpdated = dates.lastUpdatedAfter !== undefined;
    if (byCreated === byUpdated) {
      return invalid("Exactly one of createdAfter and lastUpdatedAfter must be provided.");
    }
    if (byCreated && dates.lastUpdatedBefore !== undefined) {
      return invalid("lastUpdatedBefore cannot be provided together with createdAfter.");
    }
    if (byUpdated && dates.createdBefore !== undefined) {
      return invalid("createdBefore cannot be provided together with lastUpdatedAfter.");
    }
    const after = (byCreated ? dates.createdAfter : dates.lastUpdatedAfter) as number;
    const beforeName = byCreated ? "createdBefore" : "lastUpdatedBefore";
    const before = dates[beforeName];
    const latest = Date.now() - 2 * 60_000;
    if (before !== undefined && before < after) {
      return invalid(
        `${beforeName} must be equal to or after ${byCreated ? "createdAfter" : "lastUpdatedAfter"}.`,
      );
    }
    if (before !== undefined && before > latest) {
      return invalid(`${beforeName} must be at least two minutes before the time of the request.`);
    }
    const statuses = list(q, "fulfillmentStatuses");
    const badStatus = statuses.filter(
      (s) => !FULFILLMENT_STATUSES.includes(s as AmazonFulfillmentStatus),
    );
    if (badStatus.length)
      return invalid(`Invalid fulfillmentStatuses value(s): ${badStatus.join(", ")}.`);
    const fulfilledBy = list(q, "fulfilledBy");
    if (fulfilledBy.some((f) => f !== "MERCHANT" && f !== "AMAZON")) {
      return invalid("Invalid fulfilledBy value: must be MERCHANT or AMAZON.");
    }
    const marketplaceIds = list(q, "marketplaceIds");
    if (marketplaceIds.length > 50) return invalid("marketplaceIds accepts at most 50 values.");
    const unknownMarketplaces = marketplaceIds.filter((m) => !MARKETPLACE_CURRENCY[m]);
    if (unknownMarketplaces.length) {
      return invalid(`Invalid marketplaceIds value(s): ${unknownMarketplaces.join(", ")}.`);
    }
    const rawMax = q.get("maxResultsPerPage");
    const max = rawMax === null ? 100 : Number(rawMax);
    if (!Number.isInteger(max) || max < 1 || max > 100) {
      return invalid("maxResultsPerPage must be an integer between 1 and 100.");
    }
    const included = includedData(q);
    if (!(included instanceof Set)) return included;

    const filter = JSON.stringify({
      seller: auth.sellerId,
      byCreated,
      after,
      before,
      statuses: [...statuses].sort(),
      fulfilledBy: [...fulfilledBy].sort(),
      marketplaceIds: [...marketplaceIds].sort(),
    });
    let offset = 0;
    const paginationToken = q.get("paginationToken");
    if (paginationToken !== null) {
      const saved = state.pageTokens.get(paginationToken);
      if (!saved) return invalid("Invalid paginationToken.");
      if (saved.filter !== filter) {
        return invalid("The paginationToken does not match the other request parameters.");
      }
      offset = saved.offset;
    }

    const time = (o: AmazonOrder) => Date.parse(byCreated ? o.createdTime : o.lastUpdatedTime);
    const matching = [...state.orders.values()]
      .filter(({ sellerId }) => sellerId === auth.sellerId)
      .map(({ order }) => order)
      .filter((o) => time(o) >= after && (before === undefined || time(o) <= before))
      .filter(
        (o) =>
          !marketplaceIds.length || marketplaceIds.includes(o.salesChannel.marketplaceId ?? ""),
      )
      .filter((o) => !statuses.length || statuses.includes(o.fulfillment?.fulfillmentStatus ?? ""))
      .filter((o) => !fulfilledBy.length || fulfilledBy.includes(o.fulfillment?.fulfilledBy ?? ""))
      .sort((a, b) => time(a) - time(b) || a.orderId.localeCompare(b.orderId));
    const page = matching.slice(offset, offset + max);
    let nextToken: string | undefined;
    if (offset + max < matching.length) {
      nextToken = randomUUID().replace(/-/g, "");
      state.pageTokens.set(nextToken, { filter, offset: offset + max });
    }
    return ok({
      orders: page.map((o) => project(o, included)),
      ...(nextToken ? { pagination: { nextToken } } : {}),
      [beforeName]: new Date(before ?? Date.now()).toISOString(),
    });
  });

  // --- getOrder ----------------------------------------------------------------------------
  server.route("GET", "/orders/2026-01-01/orders/:orderId", "getOrder", (req) => {
    const auth = authenticate(req);
    if ("status" in auth) return auth;
    const orderId = req.params.orderId ?? "";
    if (!ORDER_ID.test(orderId)) return invalid("Invalid orderId: expected the 3-7-7 format.");
    const included = includedData(req.query);
    if (!(included instanceof Set)) return included;
    const stored = state.orders.get(orderId);
    if (!stored || stored.sellerId !== auth.sellerId) {
      return errors(404, [{ code: "NotFound", message: `Order ${orderId} was not found.` }]);
    }
    return ok({ order: project(stored.order, included) });
  });

  // --- confirmShipment (v0) ----------------------------------------------------------------
  server.route(
    "POST",
    "/orders/v0/orders/:orderId/shipmentConfirmation",
    "confirmShipment",
    (req) => {
      const auth = authenticate(req);
      if ("status" in auth) return auth;
      const orderId = req.params.orderId ?? "";
      const stored = state.orders.get(orderId);
      if (!stored || stored.sellerId !== auth.sellerId) {
        return errors(404, [{ code: "NotFound", message: `Order ${orderId} was not found.` }]);
      }
      const body = req.body as Partial<ConfirmShipmentRequest> | undefined;
      if (!body || typeof body !== "object")
        return invalid("Request body is missing or malformed.");
      const order = stored.order;
      if (!body.marketplaceId) return invalid("Missing required field: marketplaceId.");
      if (body.marketplaceId !== order.salesChannel.marketplaceId) {
        return invalid(`Invalid marketplaceId ${body.marketplaceId} for order ${orderId}.`);
      }
      const p = body.packageDetail;
      if (!p || typeof p !== "object") return invalid("Missing required field: packageDetail.");
      for (const field of [
        "packageReferenceId",
        "carrierCode",
        "trackingNumber",
        "shipDate",
      ] as const) {
        if (typeof p[field] !== "string" || !p[field].trim()) {
          return invalid(`Missing required field: packageDetail.${field}.`);
        }
      }
      if (!/^[1-9]\d*$/.test(p.packageReferenceId)) {
        return invalid("Invalid packageReferenceId: only positive numeric values are supported.");
      }
      if (p.carrierCode === "Other" && !p.carrierName?.trim()) {
        return invalid("carrierName is required when carrierCode is Other.");
      }
      const shipTime = Date.parse(p.shipDate);
      if (!/^\d{4}-\d{2}-\d{2}T/.test(p.shipDate) || Number.isNaN(shipTime)) {
        return invalid(`Invalid shipDate: "${p.shipDate}" is not an ISO 8601 date-time.`);
      }
      if (shipTime > Date.now() + 24 * 3_600_000)
        return invalid("shipDate cannot be in the future.");
      if (shipTime < Date.parse(order.createdTime)) {
        return invalid("shipDate cannot be earlier than the order date.");
      }
      if (!Array.isArray(p.orderItems) || p.orderItems.length === 0) {
        return invalid("Missing required field: packageDetail.orderItems.");
      }
      if (order.fulfillment?.fulfilledBy === "AMAZON") {
        return invalid("Shipment confirmation is not allowed for orders fulfilled by Amazon.");
      }
      const status = order.fulfillment?.fulfillmentStatus;
      if (status !== "UNSHIPPED" && status !== "PARTIALLY_SHIPPED") {
        return invalid(`The order status ${status} does not allow shipment confirmation.`);
      }
      if ((order.packages ?? []).some((pk) => pk.packageReferenceId === p.packageReferenceId)) {
        return invalid(
          `packageReferenceId ${p.packageReferenceId} is already used for this order.`,
        );
      }
      const wanted = new Map<string, number>();
      for (const line of p.orderItems) {
        if (!line || typeof line.orderItemId !== "string") {
          return invalid("Missing required field: orderItems.orderItemId.");
        }
        if (!Number.isInteger(line.quantity) || line.quantity < 1) {
          return invalid(`Invalid quantity for order item ${line.orderItemId}.`);
        }
        wanted.set(line.orderItemId, (wanted.get(line.orderItemId) ?? 0) + line.quantity);
      }
      for (const [itemId, quantity] of wanted) {
        const item = order.orderItems.find((i) => i.orderItemId === itemId);
        if (!item) return invalid(`Invalid orderItemId ${itemId} for order ${orderId}.`);
        const left = item.fulfillment?.quantityUnfulfilled ?? item.quantityOrdered;
        if (quantity > left) {
          return invalid(
            `Quantity ${quantity} for order item ${itemId} exceeds the unshipped quantity ${left}.`,
          );
        }
      }

      for (const [itemId, quantity] of wanted) {
        const item = order.orderItems.find((i) => i.orderItemId === itemId)!;
        const done = (item.fulfillment?.quantityFulfilled ?? 0) + quantity;
        item.fulfillment = {
          ...item.fulfillment,
          quantityFulfilled: done,
          quantityUnfulfilled: item.quantityOrdered - done,
        };
      }
      const carrier = p.carrierCode === "Other" ? p.carrierName : p.carrierCode;
      const pkg = {
        packageReferenceId: p.packageReferenceId,
        createdTime: new Date().toISOString(),
        packageStatus: { status: "SHIPPED" },
        ...(state.quirks.dropCarrierOnConfirm || !carrier ? {} : { carrier }),
        shipTime: new Date(shipTime).toISOString(),
        ...(p.shippingMethod ? { shippingService: p.shippingMethod } : {}),
        trackingNumber: p.trackingNumber,
        packageItems: [...wanted].map(([orderItemId, quantity]) => ({ orderItemId, quantity })),
      };
      order.packages = [...(order.packages ?? []), pkg];
      const allShipped = order.orderItems.every(
        (i) => (i.fulfillment?.quantityUnfulfilled ?? 0) === 0,
      );
      order.fulfillment = {
        ...order.fulfillment,
        fulfillmentStatus: allShipped ? "SHIPPED" : "PARTIALLY_SHIPPED",
      };
      state.touch(order);
      state.confirmations.push({
        orderId,
        sellerId: auth.sellerId,
        receivedAt: new Date().toISOString(),
        request: structuredClone(body as ConfirmShipmentRequest),
        package: structuredClone(pkg),
      });
      return { status: 204, headers: { "x-amzn-RequestId": randomUUID() } };
    },
  );

  // --- Feeds API (seller cancellations) ----------------------------------------------------
  addFeedRoutes(server, state, feeds, authenticate, {
    ok: (body, status = 200) => ({ ...ok(body), status }),
    invalid: (message) => invalid(message),
    notFound: (message) => errors(404, [{ code: "NotFound", message }]),
  });

  // --- admin -------------------------------------------------------------------------------
  const admin = (method: string, path: string, handler: (req: SimRequest) => SimResponse) =>
    server.route(method, path, "admin.amazon", (req) => {
      try {
        return handler(req);
      } catch (error) {
        if (error instanceof SimulatorError) {
          return { status: error.status, body: { error: error.message } };
        }
        throw error;
      }
    });
  const bodyOf = (req: SimRequest) =>
    (req.body && typeof req.body === "object" ? req.body : {}) as Record<string, unknown>;

  const sim: AmazonSimulator = {
    server,
    url: "",
    state,
    stop: () => server.stop(),
    reset: () => server.reset(),
    seedOrder: (input) => state.seedOrder(input),
    getOrder: (orderId) => structuredClone(state.get(orderId).order),
    setStatus: (orderId, status) => state.setStatus(orderId, status),
    requestCancellation: (orderId, reason) => state.requestCancellation(orderId, reason),
    shipmentConfirmations: (orderId) =>
      structuredClone(state.confirmations.filter((c) => !orderId || c.orderId === orderId)),
    registerApplication: (registration) => consent.registerApplication(registration),
    signIn: (sellerId) => consent.signIn(sellerId),
    codeGrantCount: () => consent.codeGrants,
    issueAccessToken: (o = {}) =>
      state.issueAccessToken(o.sellerId, SIM_CLIENT_ID, o.ttlSeconds).token,
    expireAccessTokens: () => state.expireAccessTokens(),
    revokeRefreshToken: (token) => state.revokeRefreshToken(token),
    setQuirks: (quirks) => Object.assign(state.quirks, quirks),
    throttle: (operation, times = 1) =>
      server.injectFault({
        operation,
        kind: "status",
        status: 429,
        times,
        body: QUOTA_EXCEEDED,
        headers: {
          "x-amzn-RequestId": randomUUID(),
          ...(operation in ALL_USAGE_PLANS
            ? {
                "x-amzn-RateLimit-Limit": String(
                  ALL_USAGE_PLANS[operation as keyof typeof ALL_USAGE_PLANS].rate * server.scale,
                ),
              }
            : {}),
        },
      }),
    injectFault: (spec) => server.injectFault(spec),
    requestCount: (operation) => received.get(operation) ?? 0,
    sellerCancellations: (orderId) =>
      structuredClone(feeds.cancellations.filter((c) => !orderId || c.orderId === orderId)),
    setFeedProcessingDelay: (ms) => {
      feeds.processingDelayMs = ms;
    },
    releaseQueuedFeeds: () => {
      for (const feed of feeds.feeds.values()) feed.readyAt = 0;
    },
  };

  admin("POST", "/__admin/amazon/orders", (req) => {
    const inputs = Array.isArray(req.body) ? req.body : [req.body];
    return {
      status: 201,
      body: { orders: inputs.map((i) => state.seedOrder(i as SeedOrderInput)) },
    };
  });
  admin("GET", "/__admin/amazon/orders", () => ({
    status: 200,
    body: { orders: [...state.orders.values()].map((s) => s.order) },
  }));
  admin("GET", "/__admin/amazon/orders/:orderId", (req) => ({
    status: 200,
    body: { order: sim.getOrder(req.params.orderId ?? "") },
  }));
  admin("POST", "/__admin/amazon/orders/:orderId/status", (req) => ({
    status: 200,
    body: {
      order: state.setStatus(
        req.params.orderId ?? "",
        bodyOf(req).status as AmazonFulfillmentStatus,
      ),
    },
  }));
  admin("POST", "/__admin/amazon/orders/:orderId/cancellation-request", (req) => {
    const reason = bodyOf(req).reason;
    return {
      status: 200,
      body: {
        order: state.requestCancellation(
          req.params.orderId ?? "",
          typeof reason === "string" ? reason : undefined,
        ),
      },
    };
  });
  admin("GET", "/__admin/amazon/shipment-confirmations", (req) => ({
    status: 200,
    body: { confirmations: sim.shipmentConfirmations(req.query.get("orderId") ?? undefined) },
  }));
  admin("POST", "/__admin/amazon/tokens/issue", (req) => {
    const b = bodyOf(req);
    const issued = state.issueAccessToken(
      typeof b.sellerId === "string" ? b.sellerId : SIM_SELLER_ID,
      SIM_CLIENT_ID,
      typeof b.ttlSeconds === "number" ? b.ttlSeconds : undefined,
    );
    return { status: 201, body: { access_token: issued.token, expires_in: issued.expiresIn } };
  });
  admin("POST", "/__admin/amazon/tokens/expire", () => {
    state.expireAccessTokens();
    return { status: 204 };
  });
  admin("POST", "/__admin/amazon/tokens/revoke", (req) => {
    const token = bodyOf(req).refreshToken;
    state.revokeRefreshToken(typeof token === "string" ? token : undefined);
    return { status: 204 };
  });
  admin("POST", "/__admin/amazon/applications", (req) => {
    const b = bodyOf(req);
    if (typeof b.applicationId !== "string" || typeof b.clientId !== "string") {
      return { status: 400, body: { error: "applicationId and clientId are required" } };
    }
    consent.registerApplication({
      applicationId: b.applicationId,
      clientId: b.clientId,
      redirectUri: typeof b.redirectUri === "string" ? b.redirectUri : undefined,
      draft: b.draft === true,
    });
    return { status: 204 };
  });
  admin("POST", "/__admin/amazon/sign-in", (req) => {
    const sellerId = bodyOf(req).sellerId;
    try {
      consent.signIn(typeof sellerId === "string" ? sellerId : undefined);
    } catch (error) {
      return { status: 400, body: { error: (error as Error).message } };
    }
    return { status: 204 };
  });
  admin("PUT", "/__admin/amazon/quirks", (req) => {
    const b = bodyOf(req);
    if (typeof b.dropCarrierOnConfirm === "boolean") {
      state.quirks.dropCarrierOnConfirm = b.dropCarrierOnConfirm;
    }
    return { status: 200, body: { quirks: state.quirks } };
  });
  admin("POST", "/__admin/amazon/throttle", (req) => {
    const b = bodyOf(req);
    sim.throttle(b.operation as AmazonOperation, typeof b.times === "number" ? b.times : 1);
    return { status: 201, body: { faults: server.faults.list() } };
  });
  admin("GET", "/__admin/amazon/requests", () => ({
    status: 200,
    body: { requests: Object.fromEntries(received) },
  }));

  admin("GET", "/__admin/amazon/feeds", () => ({
    status: 200,
    body: {
      feeds: [...feeds.feeds.values()].map((f) => f.feed),
      cancellations: feeds.cancellations,
    },
  }));
  admin("PUT", "/__admin/amazon/feeds/processing", (req) => {
    const delayMs = bodyOf(req).delayMs;
    if (typeof delayMs !== "number" || delayMs < 0) {
      throw new SimulatorError(400, "delayMs must be a non-negative number");
    }
    feeds.processingDelayMs = delayMs;
    return { status: 200, body: { delayMs } };
  });

  server.onReset(() => {
    feeds.reset();
    state.reset();
    consent.clear();
    received.clear();
  });

  await server.start();
  sim.url = server.url;
  return sim;
}
