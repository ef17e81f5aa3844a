import type { ConnectorLogger as Logger } from "../types";
import eBayApi from "ebay-api";
import type { CancelReason } from "ebay-api/enums/restfulEnums.js";
import { AxiosRequest } from "ebay-api/request.js";
import { AuthRevoked, type ConnectorError, Rejected } from "../errors";
import type { RateLimitRegistry } from "../rate-limit/registry";
import {
  type CancellationStatus,
  type CancelOrderOptions,
  type CancelOrderResult,
  type ConfirmShipmentInput,
  type ConfirmShipmentResult,
  type ListOrdersQuery,
  type MarketplaceConnector,
  type MarketplaceOrder,
  type MarketplaceOrderId,
  type MarketplaceCancelReason,
  type MarketplaceShipment,
  type OnTokenRefresh,
  type OrderPage,
} from "../types";
import { mapEbayError } from "./errors";
import {
  fulfillmentIdFromLocation,
  mapOrder,
  mapShipment,
  toShippingFulfillmentDetails,
} from "./order-mapper";
import type {
  EbayOrder,
  EbayOrderSearchPagedCollection,
  EbayShippingFulfillmentPagedCollection,
  EbayTokenResponse,
} from "./types";

export type { ConnectorLogger as Logger } from "../types";

export interface EbayConnectorOptions {
  /**
   * Upstream override (config `EBAY_ENDPOINT`, e.g. `http://127.0.0.1:4101`): when set, every
   * request, the Identity token endpoint included, goes to this origin with eBay's real paths.
   */
  endpoint?: string | undefined;
  /** eBay's sandbox hosts instead of production (ignored when `endpoint` is set). */
  sandbox?: boolean | undefined;
  queues: RateLimitRegistry;
  /** Which eBay account (seller) this connector acts for: keys the rate-limit queues. */
  accountKey: string;
  /** Application keyset: App ID (client id) and Cert ID (client secret). */
  credentials: { appId: string; certId: string; devId?: string | undefined };
  /** The seller's OAuth user tokens, as stored. */
  tokens: { accessToken: string; refreshToken: string; expiresAt?: Date | undefined };
  /** Scopes asked for on refresh; default `sell.fulfillment`. */
  scopes?: string[] | undefined;
  /** Persist refreshed tokens (eBay keeps the same refresh token, so only the access token changes). */
  onTokenRefresh?: OnTokenRefresh | undefined;
  /** Per-request timeout (default 15 s). */
  timeoutMs?: number | undefined;
  /** getOrders page size, 1–200 (default 100). */
  pageSize?: number | undefined;
  /** Wait after a 429 that carries no Retry-After (default 60 s). */
  rateLimitBackoffMs?: number | undefined;
  /** Refresh this long before the access token's expiry (default 60 s). */
  refreshSkewMs?: number | undefined;
  logger?: Logger | undefined;
  /** Clock, for tests. */
  now?: (() => number) | undefined;
}

export const EBAY_FULFILLMENT_SCOPE = "https://api.ebay.com/oauth/api_scope/sell.fulfillment";
const MAX_PAGE_SIZE = 200;

const noopLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** What a page token carries: the same filter again, and where to resume. */
interface PageCursor {
  f: string;
  o: number;
}

function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify(cursor), "utf8").toString("base64url");
}

function decodeCursor(token: string): PageCursor {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as PageCursor;
    if (typeof parsed.f === "string" && Number.isInteger(parsed.o) && parsed.o >= 0) return parsed;
  } catch {
    // fall through
  }
  throw new Rejected({
    platform: "ebay",
    operation: "listOrders",
    message: "invalid page token",
    vendorMessage: "invalid page token",
  });
}

/** eBay's filter syntax for a modification-date window (bounds inclusive, UTC ISO 8601). */
export function lastModifiedFilter(since: Date, before?: Date): string {
  return `lastmodifieddate:[${since.toISOString()}..${before ? before.toISOString() : ""}]`;
}

/** The `offset` of getOrders' `next` link, if there is one. */
function nextOffset(page: EbayOrderSearchPagedCollection): number | undefined {
  if (!page.next) return undefined;
  try {
    const offset = new URL(page.next, "https://api.ebay.com").searchParams.get("offset");
    const n = offset === null ? NaN : Number(offset);
    if (Number.isInteger(n) && n >= 0) return n;
  } catch {
    // fall through to the arithmetic below
  }
  const limit = page.limit ?? 0;
  return limit > 0 ? (page.offset ?? 0) + limit : undefined;
}

/**
 * Points the library's axios instance at `endpoint`. ebay-api builds absolute URLs itself
 * (`https://api.ebay.com` + base path for REST, `OAuth2.IDENTITY_ENDPOINT` for tokens; sandbox
 * variants) and has no base-URL option: `api({ subdomain, tld })` can change the REST host but not
 * the scheme/port cleanly, and does nothing for the token endpoint. It does accept the request
 * client as its second constructor argument, so we hand it the library's own AxiosRequest with a
 * request interceptor that swaps the origin of every eBay URL for `endpoint`, keeping the path and
 * query. One place, every call (REST and Identity) covered.
 */
export function createRequest(endpoint: string | undefined, timeoutMs: number): AxiosRequest {
  const req = new AxiosRequest({ timeout: timeoutMs });
  if (endpoint) {
    const origin = new URL(endpoint);
    const base = origin.pathname.replace(/\/+$/, "");
    req.instance.interceptors.request.use((config) => {
      if (config.url) {
        const url = new URL(config.url);
        if (url.hostname === "ebay.com" || url.hostname.endsWith(".ebay.com")) {
          config.url = `${origin.origin}${base}${url.pathname}${url.search}`;
        }
      }
      return config;
    });
  }
  return req;
}

/**
 * Seller cancellations go through the Post-Order API (`POST /post-order/v2/cancellation`): the Sell
 * Fulfillment API has none. No OpenAPI file exists for it; this follows eBay's Post-Order
 * reference (developer.ebay.com/Devzone/post-order: Create Cancellation Request,
 * CreateCancelRequest, CancelReasonEnum, "Making a Call") and "Using OAuth with traditional APIs"
 * (an OAuth user token is sent as `Authorization: IAF <token>`, which ebay-api's Cancellation
 * resource does through its `useIaf`). `X-EBAY-C-MARKETPLACE-ID` is required.
 */
export const EBAY_CANCEL_REASON: Record<MarketplaceCancelReason, `${CancelReason}`> = {
  buyer_asked: "BUYER_ASKED_CANCEL",
  cannot_fulfill: "OUT_OF_STOCK_OR_CANNOT_FULFILL",
};

/** CreateCancelResponse: no cancelId when the order is not eligible. */
interface EbayCreateCancelResponse {
  cancelId?: string;
  orderEligibilityResult?: {
    eligible?: boolean;
    failureReason?: string[];
    itemEligibilityResult?: { eligible?: boolean; failureReason?: string[] }[];
  };
}

export function createEbayConnector(options: EbayConnectorOptions): MarketplaceConnector {
  return new EbayConnector(options);
}

class EbayConnector implements MarketplaceConnector {
  readonly marketplace = "ebay" as const;
  private readonly api: eBayApi;
  private readonly log: Logger;
  private readonly now: () => number;
  private accessToken: string;
  private refreshToken: string;
  private expiresAt: number | undefined;
  private refreshing: Promise<void> | undefined;
  /** orderId → marketplace, learnt from reads: Post-Order calls must name it. */
  private readonly orderMarketplace = new Map<string, string>();

  constructor(private readonly options: EbayConnectorOptions) {
    if (!options.accountKey) throw new Error("ebay connector needs an accountKey");
    this.log = options.logger ?? noopLogger;
    this.now = options.now ?? Date.now;
    this.accessToken = options.tokens.accessToken;
    this.refreshToken = options.tokens.refreshToken;
    this.expiresAt = options.tokens.expiresAt?.getTime();
    this.api = new eBayApi(
      {
        appId: options.credentials.appId,
        certId: options.credentials.certId,
        ...(options.credentials.devId ? { devId: options.credentials.devId } : {}),
        sandbox: options.sandbox ?? false,
        // Refresh is ours: bounded to one per failed call, single-flight across concurrent calls,
        // persisted through onTokenRefresh. The library's would retry any "Invalid access token"
        // once per call with no coordination.
        autoRefreshToken: false,
        scope: options.scopes ?? [EBAY_FULFILLMENT_SCOPE],
      },
      createRequest(options.endpoint, options.timeoutMs ?? 15_000),
    );
    this.setLibraryToken();
  }

  async listOrders(query: ListOrdersQuery): Promise<OrderPage> {
    const cursor: PageCursor = query.pageToken
      ? decodeCursor(query.pageToken)
      : { f: lastModifiedFilter(query.updatedSince, query.updatedBefore), o: 0 };
    const limit = Math.min(MAX_PAGE_SIZE, Math.max(1, this.options.pageSize ?? 100));
    const page = (await this.call("listOrders", "getOrders", () =>
      this.api.sell.fulfillment.getOrders({
        filter: cursor.f,
        limit,
        offset: cursor.o,
        fieldGroups: "TAX_BREAKDOWN",
      }),
    )) as EbayOrderSearchPagedCollection;
    const orders = this.mapOrders("listOrders", page.orders ?? []);
    const next = nextOffset(page);
    return {
      orders,
      nextPageToken:
        next !== undefined && next > cursor.o && orders.length > 0
          ? encodeCursor({ f: cursor.f, o: next })
          : undefined,
    };
  }

  async getOrder(id: MarketplaceOrderId): Promise<MarketplaceOrder> {
    const order = (await this.call("getOrder", "getOrders", () =>
      this.api.sell.fulfillment.getOrder(encodeURIComponent(id), {
        fieldGroups: ["TAX_BREAKDOWN"],
      }),
    )) as EbayOrder;
    const [mapped] = this.mapOrders("getOrder", [order]);
    return mapped!;
  }

  /**
   * One createShippingFulfillment call. eBay creates a new package on every call, so this is NOT
   * idempotent: after a Transient (timeout, reset, 5xx) the caller must read `listShipments` before
   * trying again. Only a 429 (refused before processing) is retried here, by the queue.
   */
  async confirmShipment(input: ConfirmShipmentInput): Promise<ConfirmShipmentResult> {
    const body = toShippingFulfillmentDetails(input);
    const response = (await this.call("confirmShipment", "shippingFulfillment", () =>
      this.api.sell.fulfillment
        .api({ returnResponse: true })
        .createShippingFulfillment(input.orderId, body),
    )) as { status: number; headers: Record<string, unknown> };
    const location = headerValue(response.headers, "location");
    const fulfillmentId = fulfillmentIdFromLocation(location);
    if (!fulfillmentId) {
      this.log.warn(
        { platform: "ebay", orderId: input.orderId, status: response.status },
        "createShippingFulfillment answered without a usable Location header",
      );
    }
    return { fulfillmentId };
  }

  async listShipments(id: MarketplaceOrderId): Promise<MarketplaceShipment[]> {
    const page = (await this.call("listShipments", "shippingFulfillment", () =>
      this.api.sell.fulfillment.getShippingFulfillments(id),
    )) as EbayShippingFulfillmentPagedCollection;
    return (page.fulfillments ?? []).map(mapShipment);
  }

  /**
   * Seller-initiated cancellation of the whole order (Post-Order cancels whole orders only). eBay
   * answers with a cancel id; `cancellationStatus` reads the order's cancelStatus afterwards.
   */
  async cancelOrder(
    id: MarketplaceOrderId,
    cancel: CancelOrderOptions,
  ): Promise<CancelOrderResult> {
    const marketplaceId = this.orderMarketplace.get(id) ?? (await this.getOrder(id)).marketplaceId;
    // The Fulfillment API's orderId is what Post-Order accepts as legacyOrderId for paid orders.
    const body = { legacyOrderId: id, cancelReason: EBAY_CANCEL_REASON[cancel.reason] };
    const answer = (await this.call("cancelOrder", "postOrder", () =>
      this.api.postOrder.cancellation
        .api(marketplaceId ? { headers: { "X-EBAY-C-MARKETPLACE-ID": marketplaceId } } : {})
        .createCancellation(body),
    )) as EbayCreateCancelResponse | undefined;
    if (answer?.cancelId) return { reference: answer.cancelId };
    const eligibility = answer?.orderEligibilityResult;
    const reasons = [
      ...(eligibility?.failureReason ?? []),
      ...(eligibility?.itemEligibilityResult ?? []).flatMap((i) => i.failureReason ?? []),
    ];
    const message = reasons.length > 0 ? [...new Set(reasons)].join(", ") : "not eligible";
    throw new Rejected({
      platform: "ebay",
      operation: "cancelOrder",
      status: 200,
      vendorCode: reasons[0],
      vendorMessage: message,
      message: `cancellation refused: ${message}`,
    });
  }

  async cancellationStatus(id: MarketplaceOrderId): Promise<CancellationStatus> {
    const order = await this.getOrder(id);
    return order.status === "cancelled" ? { state: "cancelled" } : { state: "pending" };
  }

  private mapOrders(operation: string, orders: EbayOrder[]): MarketplaceOrder[] {
    return orders.map((order) => {
      if (order.orderId) {
        const marketplace =
          order.lineItems?.[0]?.purchaseMarketplaceId ?? order.lineItems?.[0]?.listingMarketplaceId;
        if (marketplace) this.rememberMarketplace(order.orderId, marketplace);
      }
      try {
        return mapOrder(order);
      } catch (error) {
        throw new Rejected({
          platform: "ebay",
          operation,
          message: `cannot read order ${order.orderId}: ${(error as Error).message}`,
          vendorMessage: `eBay order ${order.orderId} could not be read: ${(error as Error).message}`,
          cause: error,
        });
      }
    });
  }

  /**
   * Every vendor call: fresh token → rate-limited queue → error mapping. A 401 triggers one token
   * refresh and one more attempt (bounded); a 429 is retried by the queue after its pause.
   */
  private rememberMarketplace(orderId: string, marketplaceId: string): void {
    this.orderMarketplace.set(orderId, marketplaceId);
    if (this.orderMarketplace.size > 5_000) {
      const oldest = this.orderMarketplace.keys().next().value;
      if (oldest !== undefined) this.orderMarketplace.delete(oldest);
    }
  }

  private async call<T>(
    operation: string,
    group: "getOrders" | "shippingFulfillment" | "postOrder",
    fn: () => Promise<T>,
  ): Promise<T> {
    const queue = this.options.queues.queue("ebay", this.options.accountKey, group);
    const mapOptions =
      this.options.rateLimitBackoffMs !== undefined
        ? { rateLimitBackoffMs: this.options.rateLimitBackoffMs }
        : {};
    for (let attempt = 0; ; attempt++) {
      await this.ensureFreshToken();
      const tokenUsed = this.accessToken;
      try {
        return await queue.run(async () => {
          try {
            return await fn();
          } catch (error) {
            throw mapEbayError(error, operation, mapOptions);
          }
        });
      } catch (error) {
        const mapped = error as ConnectorError;
        if (mapped.kind === "auth_expired" && attempt === 0) {
          this.log.info({ platform: "ebay", operation }, "access token refused; refreshing once");
          await this.refresh(tokenUsed);
          continue;
        }
        this.log.warn(
          { ...mapped.toLog(), accountKey: this.options.accountKey },
          "eBay call failed",
        );
        throw mapped;
      }
    }
  }

  private async ensureFreshToken(): Promise<void> {
    if (this.expiresAt === undefined) return;
    const skew = this.options.refreshSkewMs ?? 60_000;
    if (this.now() + skew >= this.expiresAt) await this.refresh(this.accessToken);
  }

  /** Single-flight: concurrent callers share one refresh; a token already replaced is not refreshed again. */
  private refresh(tokenSeen: string): Promise<void> {
    if (this.accessToken !== tokenSeen) return Promise.resolve();
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    if (!this.refreshToken) {
      throw new AuthRevoked({
        platform: "ebay",
        operation: "refreshToken",
        message: "access token expired and no refresh token is stored",
      });
    }
    let token: EbayTokenResponse;
    try {
      token = (await this.api.OAuth2.refreshUserAccessToken()) as unknown as EbayTokenResponse;
    } catch (error) {
      throw mapEbayError(error, "refreshToken");
    }
    const rotated = Boolean(token.refresh_token) && token.refresh_token !== this.refreshToken;
    this.accessToken = token.access_token;
    this.refreshToken = token.refresh_token || this.refreshToken;
    this.expiresAt = this.now() + token.expires_in * 1000;
    this.setLibraryToken();
    this.log.info(
      { platform: "ebay", accountKey: this.options.accountKey },
      "eBay token refreshed",
    );
    try {
      await this.options.onTokenRefresh?.({
        accessToken: this.accessToken,
        refreshToken: rotated ? this.refreshToken : undefined,
        expiresAt: new Date(this.expiresAt),
      });
    } catch (error) {
      // The refreshed token works for this process; the stored refresh token still works too.
      this.log.error(
        { platform: "ebay", accountKey: this.options.accountKey, err: String(error) },
        "could not persist refreshed eBay token",
      );
    }
  }

  private setLibraryToken(): void {
    const expiresIn =
      this.expiresAt === undefined
        ? 7200
        : Math.max(0, Math.round((this.expiresAt - this.now()) / 1000));
    this.api.OAuth2.setCredentials({
      access_token: this.accessToken,
      refresh_token: this.refreshToken,
      expires_in: expiresIn,
      refresh_token_expires_in: 47_304_000,
      token_type: "User Access Token",
    });
  }
}

function headerValue(
  headers: Record<string, unknown> | undefined,
  name: string,
): string | undefined {
  if (!headers) return undefined;
  const get = (headers as { get?: (n: string) => unknown }).get;
  const value =
    typeof get === "function"
      ? get.call(headers, name)
      : Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
  return typeof value === "string" ? value : undefined;
}
