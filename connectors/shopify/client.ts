import type { ConnectorLogger } from "../types";
import "@shopify/shopify-api/adapters/node";
import {
  type ApiVersion,
  GraphqlQueryError,
  LogSeverity,
  Session,
  shopifyApi,
} from "@shopify/shopify-api";
import {
  AuthExpired,
  AuthRevoked,
  type ConnectorError,
  NotFound,
  Rejected,
  Transient,
} from "../errors";
import type { OperationQueue } from "../rate-limit/operation-queue";
import type { RateLimitRegistry } from "../rate-limit/registry";
import type {
  CreateStoreOrderInput,
  MarketplaceName,
  MarketplaceOrderId,
  OnTokenRefresh,
  StoreConnector,
  StoreFulfillment,
  StoreOrderId,
  StoreOrderRef,
  StoreVariant,
  TokenSet,
  WebhookRegistration,
} from "../types";
import {
  ESTIMATED_COST,
  FULFILLMENT,
  FULFILLMENT_LINES,
  ORDER_CANCEL,
  ORDER_CREATE,
  ORDER_FULFILLMENTS,
  ORDERS_BY_SOURCE,
  VARIANTS_BY_SKU,
  WEBHOOK_SUBSCRIPTION_CREATE,
  WEBHOOK_SUBSCRIPTIONS,
} from "./documents";
import { mapRefreshError, mapShopifyError, userErrorsToError } from "./errors";
import { ensureFetchWrapper, registerShopOverride } from "./fetch-override";
import {
  fulfillmentFromNode,
  marketplaceTag,
  normalizeSku,
  orderRefFromNode,
  searchValue,
  toOrderCreateVariables,
  variantFromNode,
  variantSearchQuery,
} from "./order-mapper";
import type {
  CostExtension,
  FulfillmentData,
  FulfillmentLinesData,
  FulfillmentNode,
  OrderCancelData,
  OrderCreateData,
  OrderFulfillmentsData,
  OrdersBySourceData,
  VariantsBySkuData,
  WebhookSubscriptionCreateData,
  WebhookSubscriptionNode,
  WebhookSubscriptionsData,
} from "./types";

export const DEFAULT_SHOPIFY_API_VERSION = "2026-07";

/** pino-compatible subset. */
export type { ConnectorLogger } from "../types";

export interface ShopifyConnectorOptions {
  /** The shop's permanent domain, `example.myshopify.com`. */
  shop: string;
  /** Offline access token (`X-Shopify-Access-Token`). */
  accessToken: string;
  /** Present with expiring offline tokens: a 401 then refreshes once and retries. */
  refreshToken?: string | undefined;
  accessTokenExpiresAt?: Date | undefined;
  /** The app's client id and secret (token refresh; the library requires them). */
  apiKey: string;
  apiSecret: string;
  /** Admin API version, default 2026-07 (the app's SHOPIFY_API_VERSION). */
  apiVersion?: string | undefined;
  /**
   * Upstream override (config SHOPIFY_ENDPOINT, e.g. `http://127.0.0.1:4103`): all of this shop's
   * Admin traffic, OAuth token refresh included, goes to this origin with the real paths.
   */
  endpoint?: string | undefined;
  queues: RateLimitRegistry;
  /** Rate-limit account key (one bucket per app and shop at Shopify): usually the shop domain. */
  accountKey: string;
  onTokenRefresh?: OnTokenRefresh | undefined;
  /** Per-request timeout, default 15 s. */
  timeoutMs?: number | undefined;
  logger?: ConnectorLogger | undefined;
  /** The app's host name, required by the library's config (not used for Admin calls). */
  appHost?: string | undefined;
  /** productVariants page size, default 50. */
  variantPageSize?: number | undefined;
}

export interface ShopifyStoreConnector extends StoreConnector {
  readonly store: "shopify";
  readonly shop: string;
  /** Tokens in use now (after any refresh). */
  currentTokens(): TokenSet | { accessToken: string; refreshToken?: string; expiresAt?: Date };
}

const SKUS_PER_QUERY = 20;
const MAX_PAGES = 50;
const REFRESH_MARGIN_MS = 60_000;

const noopLogger: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} };

export function createShopifyConnector(options: ShopifyConnectorOptions): ShopifyStoreConnector {
  return new ShopifyConnector(options);
}

class ShopifyConnector implements ShopifyStoreConnector {
  readonly store = "shopify" as const;
  readonly shop: string;
  private readonly api;
  private readonly queue: OperationQueue;
  private readonly timeoutMs: number;
  private readonly log: ConnectorLogger;
  private readonly pageSize: number;
  private tokens: {
    accessToken: string;
    refreshToken?: string | undefined;
    expiresAt?: Date | undefined;
  };
  private client;
  private refreshing: Promise<void> | undefined;

  constructor(private readonly options: ShopifyConnectorOptions) {
    this.shop = options.shop.trim().toLowerCase();
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.log = options.logger ?? noopLogger;
    this.pageSize = options.variantPageSize ?? 50;
    this.queue = options.queues.queue("shopify", options.accountKey, "graphql");
    this.tokens = {
      accessToken: options.accessToken,
      refreshToken: options.refreshToken,
      expiresAt: options.accessTokenExpiresAt,
    };
    if (options.endpoint) registerShopOverride(this.shop, options.endpoint);
    const log = this.log;
    this.api = shopifyApi({
      apiKey: options.apiKey,
      apiSecretKey: options.apiSecret,
      apiVersion: (options.apiVersion ?? DEFAULT_SHOPIFY_API_VERSION) as ApiVersion,
      hostName: options.appHost ?? "marketsync.invalid",
      isEmbeddedApp: false,
      logger: {
        level: LogSeverity.Warning,
        log: (severity, message) => {
          const fields = { lib: "shopify-api", shop: this.shop };
          if (severity === LogSeverity.Error) log.error(fields, message);
          else if (severity === LogSeverity.Warning) log.warn(fields, message);
          else log.debug(fields, message);
        },
      },
    });
    this.client = this.makeClient();
  }

  currentTokens() {
    return { ...this.tokens } as ReturnType<ShopifyStoreConnector["currentTokens"]>;
  }

  // -- StoreConnector ----------------------------------------------------------------------------

  async findVariantsBySku(skus: string[]): Promise<Map<string, StoreVariant[]>> {
    const result = new Map<string, StoreVariant[]>();
    const wanted = new Map<string, string[]>(); // normalized → the caller's spellings
    for (const sku of skus) {
      result.set(sku, []);
      const key = normalizeSku(sku);
      if (!key) continue;
      wanted.set(key, [...(wanted.get(key) ?? []), sku]);
    }
    const keys = [...wanted.keys()];
    for (let i = 0; i < keys.length; i += SKUS_PER_QUERY) {
      const chunk = keys.slice(i, i + SKUS_PER_QUERY);
      const query = chunk.map((k) => `sku:${searchValue(k)}`).join(" OR ");
      let after: string | null = null;
      for (let page = 0; page < MAX_PAGES; page++) {
        const data: VariantsBySkuData = await this.call<VariantsBySkuData>(
          "findVariantsBySku",
          VARIANTS_BY_SKU,
          { query, first: this.pageSize, after },
          ESTIMATED_COST.VARIANTS_BY_SKU(this.pageSize),
        );
        for (const node of data.productVariants.nodes) {
          if (!node.sku) continue;
          // Shopify's search is tokenized and prefix-matching: keep exact matches only.
          for (const original of wanted.get(normalizeSku(node.sku)) ?? []) {
            result.get(original)!.push(variantFromNode(node, data.shop.currencyCode));
          }
        }
        const { hasNextPage, endCursor } = data.productVariants.pageInfo;
        if (!hasNextPage || !endCursor) break;
        if (page === MAX_PAGES - 1) {
          this.log.warn({ shop: this.shop, query }, "variant search stopped after max pages");
        }
        after = endCursor;
      }
    }
    return result;
  }

  async searchVariants(term: string, limit: number): Promise<StoreVariant[]> {
    const words = term.trim();
    if (!words) return [];
    // Same document, cost estimate and throttle handling as the SKU lookup; one page only.
    const first = Math.min(250, Math.max(1, Math.floor(limit)));
    const data = await this.call<VariantsBySkuData>(
      "searchVariants",
      VARIANTS_BY_SKU,
      { query: variantSearchQuery(words), first, after: null },
      ESTIMATED_COST.VARIANTS_BY_SKU(first),
    );
    return data.productVariants.nodes.map((node) => variantFromNode(node, data.shop.currencyCode));
  }

  async createOrder(input: CreateStoreOrderInput): Promise<StoreOrderRef> {
    let variables;
    try {
      variables = toOrderCreateVariables(input);
    } catch (error) {
      throw new Rejected({
        platform: "shopify",
        operation: "createOrder",
        message: (error as Error).message,
        vendorMessage: (error as Error).message,
        cause: error,
      });
    }
    const data = await this.call<OrderCreateData>(
      "createOrder",
      ORDER_CREATE,
      variables,
      ESTIMATED_COST.ORDER_CREATE,
    );
    const payload = data.orderCreate;
    const failure = userErrorsToError(payload?.userErrors ?? [], "createOrder");
    if (failure) throw failure;
    if (!payload?.order) {
      throw new Rejected({
        platform: "shopify",
        operation: "createOrder",
        message: "orderCreate returned no order and no userErrors",
      });
    }
    this.log.info(
      { shop: this.shop, order: payload.order.id, marketplaceOrderId: input.marketplaceOrderId },
      "shopify order created",
    );
    return orderRefFromNode(payload.order, this.shop);
  }

  async findOrderByMarketplaceRef(
    marketplace: MarketplaceName,
    marketplaceOrderId: MarketplaceOrderId,
  ): Promise<StoreOrderRef | undefined> {
    const tag = marketplaceTag(marketplace, marketplaceOrderId);
    const query = `source_identifier:${searchValue(marketplaceOrderId)} OR tag:${searchValue(tag)}`;
    const data = await this.call<OrdersBySourceData>(
      "findOrderByMarketplaceRef",
      ORDERS_BY_SOURCE,
      { query },
      ESTIMATED_COST.ORDERS_BY_SOURCE,
    );
    const matches = data.orders.nodes.filter(
      (o) =>
        o.tags.includes(tag) ||
        (o.sourceIdentifier === marketplaceOrderId && o.sourceName === marketplace),
    );
    const chosen = matches.find((o) => o.cancelledAt === null) ?? matches[0];
    return chosen ? orderRefFromNode(chosen, this.shop) : undefined;
  }

  async cancelOrder(
    id: StoreOrderId,
    options: { restock: boolean; reason: string },
  ): Promise<void> {
    const data = await this.call<OrderCancelData>(
      "cancelOrder",
      ORDER_CANCEL,
      {
        orderId: id,
        restock: options.restock,
        reason: "OTHER",
        // The marketplace refunds the buyer: Shopify must not refund anything.
        refundMethod: { originalPaymentMethodsRefund: false },
        staffNote: options.reason.slice(0, 255),
      },
      ESTIMATED_COST.ORDER_CANCEL,
    );
    const failure = userErrorsToError(data.orderCancel?.orderCancelUserErrors ?? [], "cancelOrder");
    if (failure) throw failure;
    if (!data.orderCancel?.job) {
      throw new Rejected({
        platform: "shopify",
        operation: "cancelOrder",
        message: "orderCancel returned no job and no userErrors",
      });
    }
  }

  async getFulfillment(orderId: StoreOrderId, fulfillmentId: string): Promise<StoreFulfillment> {
    const data = await this.call<FulfillmentData>(
      "getFulfillment",
      FULFILLMENT,
      { id: fulfillmentId },
      ESTIMATED_COST.FULFILLMENT,
    );
    const node = data.fulfillment;
    if (!node || node.order.id !== orderId) {
      throw new NotFound({
        platform: "shopify",
        operation: "getFulfillment",
        message: `fulfillment ${fulfillmentId} of order ${orderId} not found`,
      });
    }
    return fulfillmentFromNode(await this.withAllLines(node));
  }

  async listFulfillments(orderId: StoreOrderId): Promise<StoreFulfillment[]> {
    const data = await this.call<OrderFulfillmentsData>(
      "listFulfillments",
      ORDER_FULFILLMENTS,
      { id: orderId },
      ESTIMATED_COST.ORDER_FULFILLMENTS,
    );
    if (!data.order) {
      throw new NotFound({
        platform: "shopify",
        operation: "listFulfillments",
        message: `order ${orderId} not found`,
      });
    }
    const nodes: FulfillmentNode[] = [];
    for (const node of data.order.fulfillments) nodes.push(await this.withAllLines(node));
    return nodes.map(fulfillmentFromNode);
  }

  async registerWebhooks(registrations: WebhookRegistration[]): Promise<WebhookRegistration[]> {
    const existing = await this.listWebhookSubscriptions();
    const has = (r: WebhookRegistration) =>
      existing.some((s) => s.topic === r.topic && s.uri === r.callbackUrl);
    for (const registration of registrations) {
      if (has(registration)) continue;
      const data = await this.call<WebhookSubscriptionCreateData>(
        "registerWebhooks",
        WEBHOOK_SUBSCRIPTION_CREATE,
        {
          topic: registration.topic,
          webhookSubscription: { uri: registration.callbackUrl, format: "JSON" },
        },
        ESTIMATED_COST.WEBHOOK_SUBSCRIPTION_CREATE,
      );
      const payload = data.webhookSubscriptionCreate;
      const failure = userErrorsToError(payload?.userErrors ?? [], "registerWebhooks");
      if (failure) throw failure;
      if (payload?.webhookSubscription) existing.push(payload.webhookSubscription);
    }
    return existing.map((s) => ({ topic: s.topic, callbackUrl: s.uri }));
  }

  // -- plumbing ----------------------------------------------------------------------------------

  private async listWebhookSubscriptions(): Promise<WebhookSubscriptionNode[]> {
    const all: WebhookSubscriptionNode[] = [];
    let after: string | null = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const data: WebhookSubscriptionsData = await this.call<WebhookSubscriptionsData>(
        "registerWebhooks",
        WEBHOOK_SUBSCRIPTIONS,
        { first: 100, after },
        ESTIMATED_COST.WEBHOOK_SUBSCRIPTIONS(100),
      );
      all.push(...data.webhookSubscriptions.nodes);
      const { hasNextPage, endCursor } = data.webhookSubscriptions.pageInfo;
      if (!hasNextPage || !endCursor) break;
      after = endCursor;
    }
    return all;
  }

  /**
   * The fulfillment queries carry its first 20 lines (cheap for the usual parcel); a bigger one is
   * read to the end, 250 lines a page, so a confirmation never silently leaves lines out.
   */
  private async withAllLines(node: FulfillmentNode): Promise<FulfillmentNode> {
    let page = node.fulfillmentLineItems.pageInfo;
    if (!page?.hasNextPage) return node;
    const nodes = [...node.fulfillmentLineItems.nodes];
    for (let i = 0; i < MAX_PAGES && page?.hasNextPage && page.endCursor; i++) {
      const data: FulfillmentLinesData = await this.call<FulfillmentLinesData>(
        "getFulfillment",
        FULFILLMENT_LINES,
        { id: node.id, after: page.endCursor },
        ESTIMATED_COST.FULFILLMENT_LINES,
      );
      const lines = data.fulfillment?.fulfillmentLineItems;
      if (!lines) break;
      nodes.push(...lines.nodes);
      page = lines.pageInfo;
    }
    if (page?.hasNextPage) {
      throw new Rejected({
        platform: "shopify",
        operation: "getFulfillment",
        message: `fulfillment ${node.id} has more lines than Marketsync reads (${nodes.length})`,
      });
    }
    return { ...node, fulfillmentLineItems: { nodes, pageInfo: page } };
  }

  private makeClient() {
    // The GraphQL client captures the runtime fetch when constructed: make it ours first.
    ensureFetchWrapper();
    const session = new Session({
      id: `offline_${this.shop}`,
      shop: this.shop,
      state: "",
      isOnline: false,
      accessToken: this.tokens.accessToken,
    });
    return new this.api.clients.Graphql({ session });
  }

  private get expiringTokens(): boolean {
    return Boolean(this.tokens.refreshToken);
  }

  /** One vendor call through the queue; a 401 with expiring tokens refreshes once and retries. */
  private async call<T>(
    operation: string,
    document: string,
    variables: Record<string, unknown> | object,
    cost: number,
  ): Promise<T> {
    if (
      this.tokens.refreshToken &&
      this.tokens.expiresAt &&
      this.tokens.expiresAt.getTime() - Date.now() < REFRESH_MARGIN_MS
    ) {
      await this.refresh();
    }
    try {
      return await this.attempt<T>(operation, document, variables, cost);
    } catch (error) {
      if (!(error instanceof AuthExpired) || !this.tokens.refreshToken) throw error;
      this.log.info({ shop: this.shop, operation }, "shopify access token refused: refreshing");
      await this.refresh();
      try {
        return await this.attempt<T>(operation, document, variables, cost);
      } catch (retryError) {
        if (retryError instanceof AuthExpired) {
          throw new AuthRevoked({
            platform: "shopify",
            operation,
            status: retryError.status,
            message: "access token refused right after a successful refresh",
            cause: retryError,
          });
        }
        throw retryError;
      }
    }
  }

  private attempt<T>(
    operation: string,
    document: string,
    variables: Record<string, unknown> | object,
    cost: number,
  ): Promise<T> {
    return this.queue.run(
      async () => {
        const client = this.client;
        try {
          const response = await client.request(document, {
            variables: variables as Record<string, unknown>,
            // No hidden retries inside the library: the queue owns retries and pacing.
            retries: 0,
            signal: AbortSignal.timeout(this.timeoutMs),
          });
          this.observe((response.extensions as { cost?: CostExtension } | undefined)?.cost);
          if (!response.data) {
            throw new Transient({
              platform: "shopify",
              operation,
              message: "answer without data or errors",
            });
          }
          return response.data as T;
        } catch (error) {
          if (error instanceof GraphqlQueryError) {
            const body = error.body as { extensions?: { cost?: CostExtension } } | undefined;
            this.observe(body?.extensions?.cost);
          }
          const mapped: ConnectorError = mapShopifyError(error, {
            operation,
            expiringTokens: this.expiringTokens,
          });
          this.log.debug({ shop: this.shop, ...mapped.toLog() }, "shopify call failed");
          throw mapped;
        }
      },
      { cost },
    );
  }

  private observe(cost: CostExtension | undefined): void {
    const status = cost?.throttleStatus;
    if (!status) return;
    this.queue.observe({
      available: status.currentlyAvailable,
      capacity: status.maximumAvailable,
      ratePerSecond: status.restoreRate,
    });
  }

  private refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const refreshToken = this.tokens.refreshToken;
    if (!refreshToken) {
      throw new AuthRevoked({
        platform: "shopify",
        operation: "refreshToken",
        message: "no refresh token",
      });
    }
    ensureFetchWrapper(); // the OAuth helper reads the runtime fetch on every call
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Transient({
                platform: "shopify",
                operation: "refreshToken",
                message: `no answer in ${this.timeoutMs} ms`,
              }),
            ),
          this.timeoutMs,
        );
      });
      const { session } = await Promise.race([
        this.api.auth.refreshToken({ shop: this.shop, refreshToken }),
        timeout,
      ]);
      if (!session.accessToken) throw new Error("refresh answered without an access token");
      const expiresAt = session.expires ?? new Date(Date.now() + 3_600_000);
      this.tokens = {
        accessToken: session.accessToken,
        refreshToken: session.refreshToken ?? refreshToken,
        expiresAt,
      };
      this.client = this.makeClient();
      this.log.info({ shop: this.shop, expiresAt }, "shopify access token refreshed");
      await this.options.onTokenRefresh?.({
        accessToken: session.accessToken,
        refreshToken: session.refreshToken ?? refreshToken,
        expiresAt,
      });
    } catch (error) {
      throw mapRefreshError(error);
    } finally {
      clearTimeout(timer);
    }
  }
}
