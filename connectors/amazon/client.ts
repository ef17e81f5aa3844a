import type { ConnectorLogger as Logger } from "../types";
import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import tls from "node:tls";
import { SellingPartner } from "amazon-sp-api";
import { AuthExpired, type ConnectorError, Rejected, Transient } from "../errors";
import { PUBLISHED_LIMITS } from "../rate-limit/limits";
import type { RateLimitRegistry } from "../rate-limit/registry";
import type {
  CancellationStatus,
  CancelOrderOptions,
  CancelOrderResult,
  ConfirmShipmentInput,
  ConfirmShipmentResult,
  ListOrdersQuery,
  MarketplaceConnector,
  MarketplaceOrder,
  MarketplaceOrderId,
  MarketplaceShipment,
  OnTokenRefresh,
  OrderPage,
} from "../types";
import {
  type AmazonHttpResult,
  mapLwaResponse,
  mapSpApiResponse,
  mapThrown,
  rateLimitOf,
} from "./errors";
import {
  FEED_CONTENT_TYPE,
  orderCancellationFeed,
  processingReportErrors,
} from "./order-acknowledgement";
import { mapOrder, mapPackages } from "./order-mapper";
import {
  type AmazonFeed,
  type ConfirmShipmentRequest,
  type CreateFeedDocumentResponse,
  type CreateFeedDocumentSpecification,
  type CreateFeedResponse,
  type CreateFeedSpecification,
  type FeedDocument,
  type GetOrderResponse,
  type IncludedData,
  type LwaErrorResponse,
  type LwaTokenResponse,
  ORDER_ACKNOWLEDGEMENT_FEED,
  type SearchOrdersQuery,
  type SearchOrdersResponse,
} from "./types";

/**
 * Amazon Selling Partner API connector (`MarketplaceConnector`), on the `amazon-sp-api` library:
 * Orders API 2026-01-01 `searchOrders` / `getOrder` for reading, Orders API v0 `confirmShipment`
 * for tracking, the PACKAGES dataset of `getOrder` to read shipments back, and the Feeds API
 * 2021-06-30 (an order acknowledgement feed) for seller cancellations.
 *
 * What the library would do on its own, and how it is kept from doing it:
 * - `retry_remote_timeout` (default true) re-sends after ETIMEDOUT/ENOTFOUND/ECONNRESET at once and
 *   without bound (it only waits when `debug_log` is on): off, a network error is a `Transient`.
 * - `auto_request_throttled` (default true) re-sends every 429 after 1/rate s, without bound: off,
 *   our `OperationQueue` owns the backoff and bounds the retries.
 * - `auto_request_tokens` (default true) refreshes on every 403 "expired" and recurses into
 *   `callAPI`, without bound: off. We refresh ourselves (see `refreshTokens`), once per call.
 * - `raw_result: true` on every call: the library hands back status, headers and body untouched, so
 *   none of its post-processing runs and we can read `x-amzn-RateLimit-Limit` and the status code
 *   (its own errors drop both).
 * - `timeouts.response` / `timeouts.deadline` = `timeoutMs`: by default it has none at all.
 */

export type { ConnectorLogger as Logger } from "../types";

export interface AmazonConnectorOptions {
  /** SP-API region of the seller's marketplaces. */
  region: "na" | "eu" | "fe";
  /** The account's marketplaces (searchOrders filter; confirmShipment's default). */
  marketplaceIds: string[];
  /** LWA application credentials. */
  clientId: string;
  clientSecret: string;
  /** The seller's LWA refresh token, and the last access token when one is stored. */
  tokens: { refreshToken: string; accessToken?: string | undefined; expiresAt?: Date | undefined };
  /** Called with every new access token, so the caller can persist it (encrypted). */
  onTokenRefresh?: OnTokenRefresh | undefined;
  /**
   * Upstream override (config `AMAZON_ENDPOINT`, e.g. `http://127.0.0.1:4101`): ALL traffic, the
   * LWA token endpoint included, goes to this origin with Amazon's real paths.
   */
  endpoint?: string | undefined;
  queues: RateLimitRegistry;
  /** Identifies the seller account in the rate-limit registry. */
  accountKey: string;
  /** Per HTTP request; default 15 s. */
  timeoutMs?: number | undefined;
  logger?: Logger | undefined;
  /** searchOrders `maxResultsPerPage` (1–100, default 100). */
  pageSize?: number | undefined;
  /** Injectable clock (ms since epoch). */
  now?: (() => number) | undefined;
}

export const LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token";

/** Datasets asked for with every order read: all the mapper needs. */
export const ORDER_DATASETS: IncludedData[] = [
  "BUYER",
  "RECIPIENT",
  "PROCEEDS",
  "PROMOTION",
  "CANCELLATION",
  "FULFILLMENT",
  "TAX",
  "PACKAGES",
];

/** Refresh this long before the access token's announced expiry. */
const REFRESH_MARGIN_MS = 60_000;
/** searchOrders refuses a `lastUpdatedBefore` later than two minutes before the request. */
const SEARCH_LAG_MS = 2 * 60_000 + 5_000;

type Group = keyof typeof PUBLISHED_LIMITS.amazon;

/** The part of the library we use (its bundled typings do not know the 2026-01-01 operations). */
interface SpApiLibrary {
  callAPI(params: {
    operation: string;
    endpoint: string;
    path?: Record<string, string>;
    query?: object;
    body?: object;
    options: { version: string; raw_result: true };
  }): Promise<unknown>;
}

/**
 * Why an agent: the library builds `https://sellingpartnerapi-<region>.amazon.com` itself and
 * calls `https.request({hostname, port: 443, …})`; it has no base-URL option. Its one hook is
 * `options.https_proxy_agent`, passed as the request's `agent`. This agent keeps the library's
 * request (method, real path, headers) and only changes where the socket connects: to `endpoint`
 * over plain TCP for `http:` (loopback simulator), or TLS for an `https:` origin. It must claim
 * `protocol = "https:"`, otherwise Node refuses an http agent on an https request.
 */
function upstreamAgent(endpoint: string): http.Agent {
  const url = new URL(endpoint);
  const host = url.hostname;
  // Returning the socket (and not calling back) is how Node's own agents hand one over.
  if (url.protocol === "http:") {
    const port = Number(url.port || 80);
    const agent = new (class extends http.Agent {
      override createConnection(): net.Socket {
        return net.connect({ host, port });
      }
    })({ keepAlive: false });
    (agent as unknown as { protocol: string }).protocol = "https:";
    return agent;
  }
  const port = Number(url.port || 443);
  return new (class extends https.Agent {
    override createConnection(options: tls.ConnectionOptions): net.Socket {
      return tls.connect({ ...options, host, port, servername: host });
    }
  })({ keepAlive: false });
}

/** A positive numeric `packageReferenceId`, the same for the same order and tracking number. */
export function packageReferenceId(orderId: string, trackingNumber: string): string {
  const digest = createHash("sha256").update(`${orderId}\n${trackingNumber}`).digest("hex");
  return String((BigInt(`0x${digest.slice(0, 13)}`) % 999_999_999_999n) + 1n);
}

export function createAmazonConnector(options: AmazonConnectorOptions): MarketplaceConnector {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const now = options.now ?? Date.now;
  const log = options.logger;
  const pageSize = Math.min(100, Math.max(1, options.pageSize ?? 100));
  const agent = options.endpoint ? upstreamAgent(options.endpoint) : undefined;
  const tokenUrl = options.endpoint
    ? new URL("/auth/o2/token", options.endpoint).toString()
    : LWA_TOKEN_URL;

  let refreshToken = options.tokens.refreshToken;
  let accessToken = options.tokens.accessToken;
  let expiresAt = options.tokens.expiresAt?.getTime();
  let refreshing: Promise<string> | undefined;
  let client: { token: string; sp: SpApiLibrary } | undefined;
  const observedRate = new Map<Group, number>();
  /** orderId → marketplaceId, learnt from reads, for confirmShipment's required marketplaceId. */
  const orderMarketplace = new Map<string, string>();

  function library(token: string): SpApiLibrary {
    if (client?.token === token) return client.sp;
    let sp: SpApiLibrary;
    try {
      sp = new SellingPartner({
        region: options.region,
        refresh_token: refreshToken,
        access_token: token,
        credentials: {
          SELLING_PARTNER_APP_CLIENT_ID: options.clientId,
          SELLING_PARTNER_APP_CLIENT_SECRET: options.clientSecret,
        },
        options: {
          auto_request_tokens: false,
          auto_request_throttled: false,
          retry_remote_timeout: false,
          version_fallback: false,
          debug_log: false,
          timeouts: { response: timeoutMs, deadline: timeoutMs },
          ...(agent ? { https_proxy_agent: agent } : {}),
        },
      } as never) as unknown as SpApiLibrary;
    } catch (error) {
      throw mapThrown("configure", error);
    }
    client = { token, sp };
    return sp;
  }

  /**
   * LWA refresh, issued here rather than through the library's `refreshAccessToken`: that one
   * drops `expires_in` and a rotated `refresh_token` (both needed for `onTokenRefresh`), and
   * posts JSON where LWA documents a form-encoded body.
   */
  async function refreshTokens(stale: string | undefined): Promise<string> {
    if (accessToken && accessToken !== stale && !expiringSoon()) return accessToken;
    refreshing ??= (async () => {
      const started = now();
      let response: Response;
      let text: string;
      try {
        response = await fetch(tokenUrl, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded;charset=UTF-8" },
          body: new URLSearchParams({
            grant_type: "refresh_token",
            refresh_token: refreshToken,
            client_id: options.clientId,
            client_secret: options.clientSecret,
          }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        text = await response.text();
      } catch (error) {
        throw mapThrown("lwa.refreshToken", error);
      }
      let body: (Partial<LwaTokenResponse> & Partial<LwaErrorResponse>) | undefined;
      try {
        body = JSON.parse(text) as Partial<LwaTokenResponse> & Partial<LwaErrorResponse>;
      } catch {
        body = undefined;
      }
      if (!response.ok || !body?.access_token) {
        throw mapLwaResponse(
          response.status === 200 ? 502 : response.status,
          body,
          response.headers.get("retry-after"),
        );
      }
      accessToken = body.access_token;
      expiresAt = started + Number(body.expires_in ?? 3600) * 1000;
      if (body.refresh_token) refreshToken = body.refresh_token;
      log?.info(
        { platform: "amazon", accountKey: options.accountKey },
        "LWA access token refreshed",
      );
      try {
        await options.onTokenRefresh?.({
          accessToken,
          refreshToken,
          expiresAt: new Date(expiresAt),
        });
      } catch (error) {
        // The new token works for this process either way; the next start refreshes again.
        log?.warn(
          { platform: "amazon", err: (error as Error).message },
          "onTokenRefresh failed; continuing with the new token",
        );
      }
      return accessToken;
    })().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  }

  function expiringSoon(): boolean {
    return expiresAt !== undefined && expiresAt - now() < REFRESH_MARGIN_MS;
  }

  async function currentToken(): Promise<string> {
    if (accessToken && !expiringSoon()) return accessToken;
    return refreshTokens(accessToken);
  }

  function fallbackRate(group: Group): number {
    return observedRate.get(group) ?? PUBLISHED_LIMITS.amazon[group].rate;
  }

  function queueOf(group: Group) {
    return options.queues.queue("amazon", options.accountKey, group);
  }

  /**
   * One SP-API operation through the account's queue for `group`. A 403 "expired" refreshes the
   * token and tries once more; a 429 becomes `RateLimited` for the queue to pause and retry.
   */
  async function call(
    group: Group,
    operation: string,
    request: {
      version: string;
      endpoint?: "orders" | "feeds";
      path?: Record<string, string>;
      query?: object;
      body?: object;
    },
  ): Promise<AmazonHttpResult> {
    const queue = queueOf(group);
    for (let attempt = 0; ; attempt++) {
      const token = await currentToken();
      try {
        return await queue.run(async () => {
          const started = now();
          let result: AmazonHttpResult;
          try {
            result = (await library(token).callAPI({
              operation,
              endpoint: request.endpoint ?? "orders",
              ...(request.path ? { path: { ...request.path } } : {}),
              ...(request.query ? { query: request.query } : {}),
              ...(request.body ? { body: request.body } : {}),
              options: { version: request.version, raw_result: true },
            })) as AmazonHttpResult;
          } catch (error) {
            const mapped = mapThrown(operation, error);
            log?.warn({ ...mapped.toLog(), ms: now() - started }, "amazon call failed");
            throw mapped;
          }
          const rate = rateLimitOf(result);
          if (rate !== undefined) {
            observedRate.set(group, rate);
            queue.observe({ ratePerSecond: rate });
          }
          log?.debug(
            { platform: "amazon", operation, status: result.statusCode, ms: now() - started },
            "amazon call",
          );
          if (result.statusCode >= 200 && result.statusCode < 300) return result;
          const mapped: ConnectorError = mapSpApiResponse(operation, result, fallbackRate(group));
          if (mapped.kind !== "auth_expired") log?.warn(mapped.toLog(), "amazon call rejected");
          throw mapped;
        });
      } catch (error) {
        if (error instanceof AuthExpired && attempt === 0) {
          await refreshTokens(token);
          continue;
        }
        throw error;
      }
    }
  }

  function json<T>(operation: string, result: AmazonHttpResult): T {
    try {
      return JSON.parse(result.body) as T;
    } catch (error) {
      throw mapThrown(operation, Object.assign(error as Error, { code: "JSON_PARSE_ERROR" }));
    }
  }

  function mapped(operation: string, order: GetOrderResponse["order"]): MarketplaceOrder {
    if (order.salesChannel.marketplaceId) {
      orderMarketplace.set(order.orderId, order.salesChannel.marketplaceId);
      if (orderMarketplace.size > 5_000) {
        const oldest = orderMarketplace.keys().next().value;
        if (oldest !== undefined) orderMarketplace.delete(oldest);
      }
    }
    try {
      return mapOrder(order);
    } catch (error) {
      throw mapThrown(operation, error);
    }
  }

  async function fetchOrder(id: string, datasets: IncludedData[]) {
    const result = await call("getOrder", "getOrder", {
      version: "2026-01-01",
      path: { orderId: id },
      query: { includedData: datasets },
    });
    return json<GetOrderResponse>("getOrder", result).order;
  }

  /**
   * Feed documents travel to and from S3 presigned URLs, not SP-API: plain fetch with our timeout
   * (the library's `upload`/`download` take none), straight to the URL Amazon gave — never through
   * the upstream agent, which would send S3 traffic to the SP-API origin.
   */
  async function transferDocument(
    operation: "uploadFeedDocument" | "downloadFeedDocument",
    url: string,
    init: RequestInit,
  ): Promise<Buffer> {
    let response: Response;
    let body: Buffer;
    try {
      response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
      body = Buffer.from(await response.arrayBuffer());
    } catch (error) {
      throw mapThrown(operation, error);
    }
    if (response.ok) return body;
    const text = body.toString("utf8");
    const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
    const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? `HTTP ${response.status}`;
    const failure = {
      platform: "amazon" as const,
      operation,
      status: response.status,
      vendorCode: code,
      vendorMessage: message,
      message: `S3 HTTP ${response.status}${code ? ` ${code}` : ""}: ${message}`,
    };
    // An expired presigned URL (403) is fixed by starting over with a new document.
    if (response.status >= 500 || response.status === 403 || response.status === 429) {
      throw new Transient(failure);
    }
    throw new Rejected(failure);
  }

  async function processingReport(feed: AmazonFeed): Promise<string | undefined> {
    if (!feed.resultFeedDocumentId) return undefined;
    const document = json<FeedDocument>(
      "getFeedDocument",
      await call("getFeedDocument", "getFeedDocument", {
        version: "2021-06-30",
        endpoint: "feeds",
        path: { feedDocumentId: feed.resultFeedDocumentId },
      }),
    );
    const raw = await transferDocument("downloadFeedDocument", document.url, { method: "GET" });
    try {
      const bytes = document.compressionAlgorithm === "GZIP" ? await promisify(gunzip)(raw) : raw;
      return bytes.toString("utf8");
    } catch (error) {
      throw mapThrown("downloadFeedDocument", error);
    }
  }

  return {
    marketplace: "amazon",

    async listOrders(query: ListOrdersQuery): Promise<OrderPage> {
      const latestAllowed = now() - SEARCH_LAG_MS;
      const before = query.updatedBefore?.getTime();
      const search: SearchOrdersQuery = {
        lastUpdatedAfter: query.updatedSince.toISOString(),
        // Amazon refuses a bound within the last two minutes; such a bound means "up to now".
        ...(before !== undefined &&
        before <= latestAllowed &&
        before >= query.updatedSince.getTime()
          ? { lastUpdatedBefore: new Date(before).toISOString() }
          : {}),
        marketplaceIds: options.marketplaceIds,
        maxResultsPerPage: pageSize,
        includedData: ORDER_DATASETS,
        ...(query.pageToken ? { paginationToken: query.pageToken } : {}),
      };
      const result = await call("searchOrders", "searchOrders", {
        version: "2026-01-01",
        query: search,
      });
      const page = json<SearchOrdersResponse>("searchOrders", result);
      return {
        orders: page.orders.map((o) => mapped("searchOrders", o)),
        nextPageToken: page.pagination?.nextToken || undefined,
      };
    },

    async getOrder(id: MarketplaceOrderId): Promise<MarketplaceOrder> {
      return mapped("getOrder", await fetchOrder(id, ORDER_DATASETS));
    },

    async confirmShipment(input: ConfirmShipmentInput): Promise<ConfirmShipmentResult> {
      let marketplaceId = orderMarketplace.get(input.orderId);
      if (!marketplaceId && options.marketplaceIds.length === 1) {
        marketplaceId = options.marketplaceIds[0];
      }
      if (!marketplaceId) {
        const order = await fetchOrder(input.orderId, ["FULFILLMENT"]);
        marketplaceId = order.salesChannel.marketplaceId ?? options.marketplaceIds[0] ?? "";
      }
      const reference = packageReferenceId(input.orderId, input.trackingNumber);
      const body: ConfirmShipmentRequest = {
        marketplaceId,
        packageDetail: {
          packageReferenceId: reference,
          carrierCode: input.carrierCode,
          ...(input.carrierName ? { carrierName: input.carrierName } : {}),
          ...(input.shippingMethod ? { shippingMethod: input.shippingMethod } : {}),
          trackingNumber: input.trackingNumber,
          shipDate: input.shippedAt.toISOString(),
          orderItems: input.lines.map((l) => ({ orderItemId: l.lineId, quantity: l.quantity })),
        },
      };
      await call("confirmShipment", "confirmShipment", {
        version: "v0",
        path: { orderId: input.orderId },
        body,
      });
      // 204, no body. Our packageReferenceId is what listShipments reports as fulfillmentId.
      return { fulfillmentId: reference };
    },

    async listShipments(id: MarketplaceOrderId): Promise<MarketplaceShipment[]> {
      const order = await fetchOrder(id, ["PACKAGES"]);
      try {
        return mapPackages(order.packages);
      } catch (error) {
        throw mapThrown("getOrder", error);
      }
    },

    /**
     * createFeedDocument → upload the acknowledgement (StatusCode Failure) → createFeed. Amazon
     * answers with a feed id only; `cancellationStatus` reads the outcome once it is processed.
     */
    async cancelOrder(
      id: MarketplaceOrderId,
      cancel: CancelOrderOptions,
    ): Promise<CancelOrderResult> {
      const order = await fetchOrder(id, ["FULFILLMENT"]);
      const marketplaceId = order.salesChannel.marketplaceId ?? options.marketplaceIds[0];
      if (!marketplaceId) {
        throw new Rejected({
          platform: "amazon",
          operation: "createFeed",
          message: `no marketplace id for order ${id}`,
          vendorMessage: `no marketplace id for order ${id}`,
        });
      }
      const spec: CreateFeedDocumentSpecification = { contentType: FEED_CONTENT_TYPE };
      const document = json<CreateFeedDocumentResponse>(
        "createFeedDocument",
        await call("createFeedDocument", "createFeedDocument", {
          version: "2021-06-30",
          endpoint: "feeds",
          body: spec,
        }),
      );
      const feedXml = orderCancellationFeed({
        sellerId: cancel.sellerId,
        orderId: id,
        orderItemIds: order.orderItems.map((item) => item.orderItemId),
        reason: cancel.reason,
      });
      await transferDocument("uploadFeedDocument", document.url, {
        method: "PUT",
        headers: { "content-type": FEED_CONTENT_TYPE },
        body: feedXml,
      });
      const feedSpec: CreateFeedSpecification = {
        feedType: ORDER_ACKNOWLEDGEMENT_FEED,
        marketplaceIds: [marketplaceId],
        inputFeedDocumentId: document.feedDocumentId,
      };
      const feed = json<CreateFeedResponse>(
        "createFeed",
        await call("createFeed", "createFeed", {
          version: "2021-06-30",
          endpoint: "feeds",
          body: feedSpec,
        }),
      );
      log?.info(
        { platform: "amazon", accountKey: options.accountKey, feedId: feed.feedId },
        "order cancellation feed submitted",
      );
      return { reference: feed.feedId };
    },

    async cancellationStatus(id: MarketplaceOrderId, feedId: string): Promise<CancellationStatus> {
      const feed = json<AmazonFeed>(
        "getFeed",
        await call("getFeed", "getFeed", {
          version: "2021-06-30",
          endpoint: "feeds",
          path: { feedId },
        }),
      );
      if (feed.processingStatus === "IN_QUEUE" || feed.processingStatus === "IN_PROGRESS") {
        return { state: "pending" };
      }
      if (feed.processingStatus === "CANCELLED") {
        return { state: "refused", message: "feed CANCELLED before processing" };
      }
      const report = await processingReport(feed);
      const errors = report ? processingReportErrors(report) : [];
      if (errors.length > 0) return { state: "refused", message: errors.join("; ") };
      if (feed.processingStatus === "FATAL") {
        return { state: "refused", message: "feed processing FATAL" };
      }
      // DONE without errors: only the order itself says it is cancelled.
      const order = await fetchOrder(id, ["FULFILLMENT"]);
      return order.fulfillment?.fulfillmentStatus === "CANCELLED"
        ? { state: "cancelled" }
        : { state: "pending" };
    },
  };
}
