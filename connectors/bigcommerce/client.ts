import type { ConnectorLogger as Logger } from "../types";
import { NotFound, Rejected, Transient } from "../errors";
import type { RateLimitRegistry } from "../rate-limit/registry";
import {
  type MarketplaceName,
  type MarketplaceOrderId,
  type StoreConnector,
  type StoreFulfillment,
  type StoreOrderId,
  type StoreOrderRef,
  type StoreVariant,
  type WebhookRegistration,
} from "../types";
import { errorFromResponse, errorFromThrown } from "./errors";
import {
  buildOrderPost,
  parseMarker,
  toStoreFulfillment,
  toStoreOrderRef,
  toStoreVariant,
  toStoreVariantOfProduct,
} from "./order-mapper";
import {
  BC_STATUS,
  type BcCollection,
  type BcHook,
  type BcHookPost,
  type BcOrder,
  type BcOrderProduct,
  type BcProduct,
  type BcShipment,
  type BcStoreInfo,
  type BcVariant,
} from "./types";

/**
 * BigCommerce store connector (REST v2 orders/shipments, v3 catalog variants and webhooks).
 *
 * API calls use a thin `fetch` client, not node-bigcommerce's `get/post/put`: the library's
 * transport hides the response headers (so the rate-limit headers could not pace our queue),
 * has no timeout, and on a 429 without `X-Retry-After` re-sends immediately, forever. Here every
 * call runs inside the store's `bigcommerce/api` queue, reports `X-Rate-Limit-Requests-Left` /
 * `X-Rate-Limit-Time-Reset-Ms` to it, and throws `RateLimited` on a 429 so the queue pauses and
 * retries a bounded number of times. node-bigcommerce is used for OAuth only (see `oauth.ts`).
 *
 * BigCommerce store tokens do not expire (there is no refresh flow, so no `onTokenRefresh`); a 401
 * means the app was uninstalled or the token revoked and maps to `AuthRevoked`. `accessToken` may
 * be a function, so a token replaced by a reinstall is picked up without rebuilding the connector.
 */

export const API_ORIGIN = "https://api.bigcommerce.com";

export type { ConnectorLogger as Logger } from "../types";

export interface BigCommerceConnectorOptions {
  storeHash: string;
  /** Store API token (`X-Auth-Token`), or a function returning the current one. */
  accessToken: string | (() => string | Promise<string>);
  /** The app's client id, sent as `X-Auth-Client` when given. */
  clientId?: string | undefined;
  /**
   * Upstream override (config BIGCOMMERCE_ENDPOINT, e.g. `http://127.0.0.1:4104`): replaces
   * `https://api.bigcommerce.com`; paths stay the real ones (`/stores/{hash}/v2/orders`).
   */
  endpoint?: string | undefined;
  queues: RateLimitRegistry;
  /** Rate-limit account key; BigCommerce limits per store, so normally the store hash. */
  accountKey: string;
  /** Written to `external_source` on created orders: the app's id (App Marketplace rule). */
  externalSource?: string | undefined;
  /** Custom header BigCommerce sends with every webhook, so our route can verify it. */
  webhookSecret?: { header: string; value: string } | undefined;
  /**
   * The store's default currency, when the caller already knows it (saved at install): variant
   * prices then need no `GET /v2/store`, which takes the Information read-only OAuth scope.
   */
  currency?: string | undefined;
  timeoutMs?: number | undefined;
  /** Page size for list calls (BigCommerce allows up to 250). */
  pageSize?: number | undefined;
  logger?: Logger | undefined;
}

export interface BigCommerceStoreConnector extends StoreConnector {
  readonly store: "bigcommerce";
  /** Store currency and admin URL (`GET /v2/store`), fetched once. */
  storeInfo(): Promise<BcStoreInfo>;
}

interface Answer<T> {
  status: number;
  headers: Headers;
  body: T;
}

const noop = () => undefined;
const silent: Logger = { debug: noop, info: noop, warn: noop, error: noop };

export function createBigCommerceConnector(
  options: BigCommerceConnectorOptions,
): BigCommerceStoreConnector {
  const base = `${(options.endpoint ?? API_ORIGIN).replace(/\/+$/, "")}/stores/${encodeURIComponent(options.storeHash)}`;
  const queue = options.queues.queue("bigcommerce", options.accountKey, "api");
  const timeoutMs = options.timeoutMs ?? 15_000;
  const pageSize = Math.min(250, Math.max(1, options.pageSize ?? 250));
  const externalSource = options.externalSource ?? "marketsync";
  const log = options.logger ?? silent;
  let storeInfoPromise: Promise<BcStoreInfo> | undefined;

  async function token(): Promise<string> {
    return typeof options.accessToken === "function"
      ? await options.accessToken()
      : options.accessToken;
  }

  async function call<T>(
    operation: string,
    method: "GET" | "POST" | "PUT",
    path: string,
    init: { query?: Record<string, string | number>; body?: unknown } = {},
  ): Promise<Answer<T>> {
    const url = new URL(`${base}${path}`);
    for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, String(v));
    let auth: string;
    try {
      auth = await token();
    } catch (error) {
      throw new Transient({
        platform: "bigcommerce",
        operation,
        message: `access token provider failed: ${(error as Error)?.message ?? String(error)}`,
        cause: error,
      });
    }
    return queue.run(async () => {
      let response: Response;
      let text: string;
      try {
        response = await fetch(url, {
          method,
          headers: {
            accept: "application/json",
            "x-auth-token": auth,
            ...(options.clientId ? { "x-auth-client": options.clientId } : {}),
            // The Orders v2 spec marks Content-Type as a required header even on some GETs.
            "content-type": "application/json",
          },
          ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
          signal: AbortSignal.timeout(timeoutMs),
        });
        text = await response.text();
      } catch (error) {
        const mapped = errorFromThrown(operation, error);
        log.warn({ err: mapped.toLog() }, "bigcommerce call failed");
        throw mapped;
      }
      observe(response.headers);
      let body: unknown = undefined;
      if (text) {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      if (!response.ok) {
        const mapped = errorFromResponse(operation, {
          status: response.status,
          headers: response.headers,
          body,
        });
        log[mapped.kind === "rate_limited" ? "debug" : "warn"](
          { err: mapped.toLog() },
          "bigcommerce call refused",
        );
        throw mapped;
      }
      if (response.status !== 204 && (body === null || typeof body !== "object")) {
        // A 2xx that is not JSON (a proxy's HTML page, a truncated body): worth another try.
        throw new Transient({
          platform: "bigcommerce",
          operation,
          status: response.status,
          message: `HTTP ${response.status} without a JSON body`,
        });
      }
      log.debug({ operation, status: response.status }, "bigcommerce call");
      return { status: response.status, headers: response.headers, body: body as T };
    });
  }

  function observe(headers: Headers): void {
    const left = headers.get("x-rate-limit-requests-left");
    if (left === null) return;
    const available = Number(left);
    const resetInMs = Number(headers.get("x-rate-limit-time-reset-ms"));
    const quota = Number(headers.get("x-rate-limit-requests-quota"));
    if (!Number.isFinite(available)) return;
    queue.observe({
      available,
      ...(Number.isFinite(resetInMs) ? { resetInMs } : {}),
      ...(Number.isFinite(quota) && quota > 0 ? { capacity: quota } : {}),
    });
  }

  /** A runaway pagination (a server repeating full pages) ends here instead of looping. */
  const MAX_PAGES = 1_000;

  /** v2 collections: `page`/`limit`; an empty page is a 204 with no body. */
  async function v2All<T>(operation: string, path: string, query: Record<string, string> = {}) {
    const all: T[] = [];
    for (let page = 1; ; page++) {
      const { status, body } = await call<T[] | undefined>(operation, "GET", path, {
        query: { ...query, page, limit: pageSize },
      });
      const items = status === 204 || !Array.isArray(body) ? [] : body;
      all.push(...items);
      if (items.length < pageSize || page >= MAX_PAGES) return all;
    }
  }

  /** v3 collections: `meta.pagination` says how many pages there are. */
  async function v3All<T>(operation: string, path: string, query: Record<string, string> = {}) {
    const all: T[] = [];
    for (let page = 1; ; page++) {
      const { body } = await call<BcCollection<T>>(operation, "GET", path, {
        query: { ...query, page, limit: pageSize },
      });
      all.push(...(body?.data ?? []));
      const pagination = body?.meta?.pagination;
      if (!pagination || pagination.current_page >= pagination.total_pages || page >= MAX_PAGES)
        return all;
    }
  }

  function storeInfo(): Promise<BcStoreInfo> {
    storeInfoPromise ??= call<BcStoreInfo>("getStore", "GET", "/v2/store").then(
      (a) => a.body,
      (error: unknown) => {
        storeInfoPromise = undefined;
        throw error;
      },
    );
    return storeInfoPromise;
  }

  async function storeCurrency(): Promise<string> {
    if (options.currency) return options.currency.toUpperCase();
    const info = await storeInfo();
    if (!info.currency) {
      throw new Rejected({
        platform: "bigcommerce",
        operation: "getStore",
        message: "store information has no currency",
      });
    }
    return info.currency.toUpperCase();
  }

  const numericId = (id: string, operation: string) => {
    if (!/^\d+$/.test(id)) {
      throw new NotFound({
        platform: "bigcommerce",
        operation,
        message: `not a BigCommerce id: ${id}`,
      });
    }
    return id;
  };

  async function getOrder(id: string, operation: string): Promise<BcOrder> {
    return (await call<BcOrder>(operation, "GET", `/v2/orders/${numericId(id, operation)}`)).body;
  }

  async function fulfillmentContext(orderId: string, operation: string) {
    const [order, products] = await Promise.all([
      getOrder(orderId, operation),
      v2All<BcOrderProduct>(operation, `/v2/orders/${orderId}/products`),
    ]);
    return { marker: parseMarker(order.staff_notes), products };
  }

  const connector: BigCommerceStoreConnector = {
    store: "bigcommerce",
    storeInfo,

    async findVariantsBySku(skus: string[]): Promise<Map<string, StoreVariant[]>> {
      const result = new Map<string, StoreVariant[]>();
      const wanted = new Map<string, string[]>();
      for (const sku of skus) {
        const key = sku.trim().toLowerCase();
        result.set(sku, []);
        if (!key) continue;
        wanted.set(key, [...(wanted.get(key) ?? []), sku]);
      }
      if (wanted.size === 0) return result;
      const currency = await storeCurrency();
      // The spec's `/catalog/variants` filter is `sku` (one value); `sku:in` is not declared.
      await Promise.all(
        [...wanted.entries()].map(async ([key, originals]) => {
          const variants = await v3All<BcVariant>("getVariants", "/v3/catalog/variants", {
            sku: originals[0]!.trim(),
          });
          const matches = variants
            .filter((v) => v.sku.trim().toLowerCase() === key)
            .map((v) => toStoreVariant(v, currency));
          for (const original of originals) result.set(original, matches);
        }),
      );
      return result;
    },

    async searchVariants(term: string, limit: number): Promise<StoreVariant[]> {
      const keyword = term.trim();
      const max = Math.min(250, Math.max(1, Math.floor(limit)));
      if (!keyword) return [];
      const currency = await storeCurrency();
      // `keyword` searches name, description, SKU and brand (catalog/products_catalog.v3.yml); the
      // first page is enough, since products with several variants only add results beyond `max`.
      const { body } = await call<BcCollection<BcProduct>>(
        "searchProducts",
        "GET",
        "/v3/catalog/products",
        { query: { keyword, include: "variants", page: 1, limit: max } },
      );
      return (body?.data ?? [])
        .flatMap((p) => (p.variants ?? []).map((v) => toStoreVariantOfProduct(p, v, currency)))
        .slice(0, max);
    },

    async createOrder(input): Promise<StoreOrderRef> {
      const built = buildOrderPost(input, { externalSource });
      if (built.totalMismatchMinor !== 0) {
        log.warn(
          {
            marketplaceOrderId: input.marketplaceOrderId,
            mismatchMinor: built.totalMismatchMinor,
            handling: input.marketplaceTaxHandling,
          },
          "bigcommerce order total differs from the marketplace total",
        );
      }
      if (!input.inventory.decrement) {
        log.info(
          { marketplaceOrderId: input.marketplaceOrderId },
          "bigcommerce v2 orders always adjust stock per the store's settings; decrement=false not honoured",
        );
      }
      const [{ body }, info] = await Promise.all([
        call<BcOrder>("createOrder", "POST", "/v2/orders", { body: built.body }),
        storeInfo().catch(() => undefined),
      ]);
      return toStoreOrderRef(body, { adminBaseUrl: info?.control_panel_base_url });
    },

    async findOrderByMarketplaceRef(
      marketplace: MarketplaceName,
      marketplaceOrderId: MarketplaceOrderId,
    ): Promise<StoreOrderRef | undefined> {
      // The spec declares `external_order_id` as a filter but says nothing of how it matches and
      // offers no `external_source` filter: every candidate is checked here, exactly.
      const candidates = await v2All<BcOrder>("findOrders", "/v2/orders", {
        external_order_id: marketplaceOrderId,
      });
      const ours = candidates
        .filter(
          (o) =>
            o.external_order_id === marketplaceOrderId &&
            o.external_source === externalSource &&
            !o.is_deleted,
        )
        .filter((o) => {
          const marker = parseMarker(o.staff_notes);
          return !marker || marker.m === marketplace;
        })
        .sort((a, b) => a.id - b.id);
      const found = ours[0];
      if (!found) return undefined;
      if (ours.length > 1) {
        log.warn(
          { marketplaceOrderId, storeOrderIds: ours.map((o) => o.id) },
          "several bigcommerce orders carry one marketplace order",
        );
      }
      const info = await storeInfo().catch(() => undefined);
      return toStoreOrderRef(found, { adminBaseUrl: info?.control_panel_base_url });
    },

    async cancelOrder(id: StoreOrderId, opts): Promise<void> {
      const order = await getOrder(id, "cancelOrder");
      if (order.status_id === BC_STATUS.cancelled) return;
      if (!opts.restock) {
        log.info(
          { orderId: id },
          "bigcommerce restocks cancelled orders per the store's inventory settings",
        );
      }
      const note = `Cancelled by Marketsync: ${opts.reason}`;
      await call<BcOrder>("cancelOrder", "PUT", `/v2/orders/${id}`, {
        body: {
          status_id: BC_STATUS.cancelled,
          staff_notes: order.staff_notes ? `${order.staff_notes}\n${note}` : note,
        },
      });
    },

    async getFulfillment(orderId: StoreOrderId, fulfillmentId: string): Promise<StoreFulfillment> {
      const op = "getShipment";
      const shipmentId = numericId(fulfillmentId, op);
      const [{ body: shipment }, context] = await Promise.all([
        call<BcShipment>(op, "GET", `/v2/orders/${numericId(orderId, op)}/shipments/${shipmentId}`),
        fulfillmentContext(orderId, op),
      ]);
      return toStoreFulfillment(shipment, context.products, context.marker);
    },

    async listFulfillments(orderId: StoreOrderId): Promise<StoreFulfillment[]> {
      const op = "listShipments";
      const shipments = await v2All<BcShipment>(
        op,
        `/v2/orders/${numericId(orderId, op)}/shipments`,
      );
      if (shipments.length === 0) return [];
      const context = await fulfillmentContext(orderId, op);
      return shipments.map((s) => toStoreFulfillment(s, context.products, context.marker));
    },

    async registerWebhooks(registrations: WebhookRegistration[]): Promise<WebhookRegistration[]> {
      const existing = await v3All<BcHook>("listHooks", "/v3/hooks");
      const secretHeaders = options.webhookSecret
        ? { [options.webhookSecret.header]: options.webhookSecret.value }
        : undefined;
      for (const reg of registrations) {
        const match = existing.find(
          (h) => h.scope === reg.topic && h.destination === reg.callbackUrl,
        );
        const headersOk =
          !secretHeaders ||
          Object.entries(secretHeaders).every(([k, v]) => match?.headers?.[k] === v);
        if (match && match.is_active && headersOk) continue;
        if (match) {
          const { body } = await call<{ data: BcHook }>(
            "updateHook",
            "PUT",
            `/v3/hooks/${match.id}`,
            {
              body: { is_active: true, ...(secretHeaders ? { headers: secretHeaders } : {}) },
            },
          );
          Object.assign(match, body.data);
          continue;
        }
        const post: BcHookPost = {
          scope: reg.topic,
          destination: reg.callbackUrl,
          is_active: true,
          ...(secretHeaders ? { headers: secretHeaders } : {}),
        };
        const { body } = await call<{ data: BcHook }>("createHook", "POST", "/v3/hooks", {
          body: post,
        });
        existing.push(body.data);
      }
      return existing
        .filter((h) => h.is_active)
        .map((h) => ({ topic: h.scope, callbackUrl: h.destination }));
    },
  };
  return connector;
}
