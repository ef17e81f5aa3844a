import { createHash, randomBytes } from "node:crypto";
import { SimBucket } from "../shared/sim-bucket";
import { type SimRequest, type SimResponse, SimulatorServer } from "../shared/server";

/**
 * A stateful, in-memory BigCommerce for tests, benchmarks and the demo: several stores by hash,
 * catalog products/variants with SKUs, prices and stock, orders created through `POST /v2/orders`
 * (kept with `external_source` / `external_order_id`), shipments (created through the admin API, as
 * a merchant would in the control panel), webhooks (`/v3/hooks`) delivered for real over HTTP, and
 * the app install token endpoint `POST /oauth2/token` (login.bigcommerce.com's path).
 *
 * Fidelity notes:
 * - Paths are the real ones under `/stores/{store_hash}/v2|v3/…`; `X-Auth-Token` is checked per
 *   store; a bad one answers 401 (v2 array error body, v3 `{status,title,type}`).
 * - Rate limit: BigCommerce counts every API call of a store against one quota (150 requests per
 *   30 s on Standard/Plus). `SimulatorServer.rateLimit` keys buckets by operation, so this simulator
 *   keeps one `SimBucket` per store itself (rate 5/s × scale, burst 150) and answers every call with
 *   `X-Rate-Limit-Requests-Left`, `-Requests-Quota`, `-Time-Reset-Ms`, `-Time-Window-Ms`; an empty
 *   bucket answers 429 with the same headers and `Retry-After`.
 * - v2 collections are paged by `page`/`limit` (default 50, max 250) and answer 204 with no body
 *   when empty; v3 collections carry `meta.pagination` with `links`.
 * - Webhook destinations must be https (BigCommerce: port 443 only); loopback http is allowed so
 *   tests and the demo can receive them.
 *
 * Fault operation names: getStore, getVariants, getProducts, createOrder, getOrders, getOrder, updateOrder,
 * getOrderProducts, getShipments, getShipment, getWebhooks, createWebhook, updateWebhook,
 * oauthToken (or `*`).
 *
 * Admin API (besides the shared /__admin/faults, /__admin/exchanges, /__admin/reset):
 *   POST   /__admin/stores                                   {hash, currency?, currencies?, tokens?, restockOnCancel?}
 *   POST   /__admin/stores/:hash/tokens                      {token, clientId?}
 *   DELETE /__admin/stores/:hash/tokens/:token               revoke (next call answers 401)
 *   POST   /__admin/stores/:hash/products                    {name, price, inventory_tracking?, variants:[{sku, price?, inventory_level?, options?}]}
 *   GET    /__admin/stores/:hash/orders                      stored orders with their products
 *   POST   /__admin/stores/:hash/orders/:id/shipments        {tracking_number, shipping_provider?, tracking_carrier?, items:[{order_product_id, quantity}]}
 *   PUT    /__admin/stores/:hash/orders/:id/shipments/:sid   {tracking_number?, shipping_provider?, tracking_carrier?}
 *   GET    /__admin/stores/:hash/hooks                       hooks registered through /v3/hooks
 *   POST   /__admin/stores/:hash/webhooks                    {scope, data} → delivered to matching hooks
 *   GET    /__admin/stores/:hash/deliveries                  every webhook sent, with the answer
 *   POST   /__admin/apps                                     {clientId, clientSecret, redirectUri}
 *   POST   /__admin/apps/:clientId/auth-codes                {store_hash, scope?} → {code, scope, context}
 *   POST|GET /__admin/webhook-sink                           a receiver for hooks pointed at the simulator
 */

export interface SimOptionValue {
  id: number;
  option_id: number;
  label: string;
  option_display_name: string;
}

export interface SimVariant {
  id: number;
  product_id: number;
  sku: string;
  /** Null: inherits the product's price. */
  price: number | null;
  inventory_level: number;
  option_values: SimOptionValue[];
}

export interface SimProduct {
  id: number;
  name: string;
  price: number;
  /** `none` leaves stock alone; `product`/`variant` decrement it on orders. */
  inventory_tracking: "none" | "product" | "variant";
  variants: SimVariant[];
}

export interface SeedVariant {
  id?: number;
  sku: string;
  price?: number | null;
  inventory_level?: number;
  options?: { name: string; label: string }[];
}

export interface SeedProduct {
  id?: number;
  name: string;
  price: number;
  inventory_tracking?: SimProduct["inventory_tracking"];
  variants: SeedVariant[];
}

export interface SeedStore {
  hash: string;
  name?: string;
  currency?: string;
  /** Transactional currencies the store accepts (default: its currency). */
  currencies?: string[];
  /** Tokens accepted on the API, with the app client id they belong to. */
  tokens?: { token: string; clientId?: string }[];
  /** Return stock when an order is cancelled (the store setting; default true). */
  restockOnCancel?: boolean;
}

type Json = Record<string, unknown>;

export interface SimShipment extends Json {
  id: number;
  order_id: number;
  items: { order_product_id: number; product_id: number; quantity: number }[];
}

export interface SimHook {
  id: number;
  client_id: string;
  store_hash: string;
  scope: string;
  destination: string;
  is_active: boolean;
  headers: Record<string, string> | null;
  created_at: number;
  updated_at: number;
}

export interface WebhookDelivery {
  hookId: number;
  destination: string;
  scope: string;
  payload: Json;
  headers: Record<string, string>;
  status: number | undefined;
  error: string | undefined;
}

interface SimStore {
  hash: string;
  id: string;
  name: string;
  currency: string;
  currencies: Set<string>;
  tokens: Map<string, string>;
  restockOnCancel: boolean;
  products: Map<number, SimProduct>;
  orders: Map<number, { order: Json; products: Json[] }>;
  shipments: Map<number, SimShipment[]>;
  hooks: SimHook[];
  deliveries: WebhookDelivery[];
  bucket: SimBucket;
  next: { product: number; variant: number; order: number; orderProduct: number; shipment: number };
}

interface SimApp {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export const QUOTA = 150;
export const WINDOW_MS = 30_000;
const STATUS_TYPE = "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes";

export const ORDER_STATUSES: Record<number, string> = {
  0: "Incomplete",
  1: "Pending",
  2: "Shipped",
  3: "Partially Shipped",
  4: "Refunded",
  5: "Cancelled",
  6: "Declined",
  7: "Awaiting Payment",
  8: "Awaiting Pickup",
  9: "Awaiting Shipment",
  10: "Completed",
  11: "Awaiting Fulfillment",
  12: "Manual Verification Required",
  13: "Disputed",
  14: "Partially Refunded",
};

/** Webhook scopes accepted by POST /v3/hooks (the subset of the documented list we may meet). */
export const WEBHOOK_SCOPES = new Set([
  "store/order/*",
  "store/order/created",
  "store/order/updated",
  "store/order/archived",
  "store/order/statusUpdated",
  "store/order/message/created",
  "store/order/refund/created",
  "store/shipment/*",
  "store/shipment/created",
  "store/shipment/updated",
  "store/shipment/deleted",
  "store/product/*",
  "store/product/updated",
  "store/sku/*",
  "store/sku/updated",
  "store/app/uninstalled",
  "store/information/updated",
]);

/** Fields `order_Post` (orders.v2 spec) allows a client to write. */
const ORDER_POST_FIELDS = new Set([
  "billing_address",
  "default_currency_code",
  "products",
  "shipping_addresses",
  "consignments",
  "fees",
  "base_handling_cost",
  "base_shipping_cost",
  "base_wrapping_cost",
  "channel_id",
  "customer_id",
  "customer_message",
  "date_created",
  "discount_amount",
  "order_source",
  "ebay_order_id",
  "external_merchant_id",
  "external_source",
  "geoip_country",
  "geoip_country_iso2",
  "handling_cost_ex_tax",
  "handling_cost_inc_tax",
  "ip_address",
  "ip_address_v6",
  "items_shipped",
  "items_total",
  "order_is_digital",
  "payment_method",
  "payment_provider_id",
  "refunded_amount",
  "shipping_cost_ex_tax",
  "shipping_cost_inc_tax",
  "staff_notes",
  "status_id",
  "subtotal_ex_tax",
  "subtotal_inc_tax",
  "tax_provider_id",
  "customer_locale",
  "external_order_id",
  "total_ex_tax",
  "total_inc_tax",
  "wrapping_cost_ex_tax",
  "wrapping_cost_inc_tax",
]);
const ORDER_PUT_FIELDS = new Set([...ORDER_POST_FIELDS].filter((f) => f !== "consignments"));
const MONEY_FIELDS = [
  "base_handling_cost",
  "base_shipping_cost",
  "base_wrapping_cost",
  "discount_amount",
  "handling_cost_ex_tax",
  "handling_cost_inc_tax",
  "shipping_cost_ex_tax",
  "shipping_cost_inc_tax",
  "subtotal_ex_tax",
  "subtotal_inc_tax",
  "total_ex_tax",
  "total_inc_tax",
  "wrapping_cost_ex_tax",
  "wrapping_cost_inc_tax",
];
const ADDRESS_FIELDS = [
  "first_name",
  "last_name",
  "company",
  "street_1",
  "street_2",
  "city",
  "state",
  "zip",
  "country",
  "country_iso2",
  "phone",
  "email",
];
const COUNTRY_NAMES: Record<string, string> = {
  US: "United States",
  CA: "Canada",
  GB: "United Kingdom",
  FR: "France",
  DE: "Germany",
  ES: "Spain",
  IT: "Italy",
  NL: "Netherlands",
  BE: "Belgium",
  AU: "Australia",
};

/** Exact decimal arithmetic in ten-thousandths (BigCommerce keeps four decimals). */
function to4(value: unknown): number | undefined {
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value : "";
  const m = /^(-?)(\d+)(?:\.(\d{1,4})0*)?$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[2]) * 10_000 + Number((m[3] ?? "").padEnd(4, "0"));
  return m[1] === "-" ? -n : n;
}

function from4(n: number): string {
  const sign = n < 0 ? "-" : "";
  const abs = String(Math.abs(n)).padStart(5, "0");
  return `${sign}${abs.slice(0, -4)}.${abs.slice(-4)}`;
}

const rfc2822 = (d: Date) => d.toUTCString().replace(/GMT$/, "+0000");

const v2Error = (status: number, message: string): SimResponse => ({
  status,
  body: [{ status, message }],
});
const v3Error = (status: number, title: string, errors?: Json): SimResponse => ({
  status,
  body: { status, title, type: STATUS_TYPE, ...(errors ? { errors } : {}) },
});

export interface BigCommerceSimulator {
  server: SimulatorServer;
  url: string;
  stop(): Promise<void>;
  /** Clears stores, apps, faults, exchanges and buckets. */
  reset(): void;
  createStore(seed: SeedStore): { hash: string; id: string };
  addToken(hash: string, token: string, clientId?: string): void;
  revokeToken(hash: string, token: string): void;
  seedProduct(hash: string, product: SeedProduct): SimProduct;
  variant(hash: string, sku: string): SimVariant | undefined;
  orders(hash: string): { order: Json; products: Json[] }[];
  order(hash: string, id: number): { order: Json; products: Json[] } | undefined;
  /** What a merchant does in the control panel; sends store/shipment/created to the hooks. */
  createShipment(
    hash: string,
    orderId: number,
    input: {
      tracking_number: string;
      shipping_provider?: string;
      tracking_carrier?: string;
      shipping_method?: string;
      tracking_link?: string;
      items: { order_product_id: number; quantity: number }[];
    },
  ): Promise<SimShipment>;
  updateShipment(
    hash: string,
    orderId: number,
    shipmentId: number,
    patch: Partial<Pick<SimShipment, "tracking_number" | "shipping_provider" | "tracking_carrier">>,
  ): Promise<SimShipment>;
  shipments(hash: string, orderId: number): SimShipment[];
  hooks(hash: string): SimHook[];
  /** Delivers `scope` to every active hook of the store that subscribes to it. */
  sendWebhook(hash: string, scope: string, data: Json): Promise<WebhookDelivery[]>;
  deliveries(hash: string): WebhookDelivery[];
  /** Registers an app so POST /oauth2/token accepts its credentials. */
  registerApp(app: SimApp): void;
  /** What BigCommerce sends to the auth callback when a merchant installs the app. */
  issueAuthCode(
    clientId: string,
    hash: string,
    scope?: string,
  ): { code: string; scope: string; context: string };
}

export async function startBigCommerceSimulator(
  options: { scale?: number; port?: number } = {},
): Promise<BigCommerceSimulator> {
  const server = new SimulatorServer({
    name: "bigcommerce",
    scale: options.scale ?? 1,
    ...(options.port !== undefined ? { port: options.port } : {}),
  });
  const stores = new Map<string, SimStore>();
  const apps = new Map<string, SimApp>();
  const codes = new Map<
    string,
    { clientId: string; hash: string; scope: string; used: boolean; expiresAt: number }
  >();
  let storeIds = 1_000_000;
  const sink: { headers: SimRequest["headers"]; body: unknown }[] = [];

  server.onReset(() => {
    stores.clear();
    apps.clear();
    codes.clear();
    sink.length = 0;
  });

  function getStore(hash: string): SimStore {
    const store = stores.get(hash);
    if (!store) throw new Error(`no simulated store ${hash}`);
    return store;
  }

  function createStore(seed: SeedStore) {
    const currency = (seed.currency ?? "USD").toUpperCase();
    const store: SimStore = {
      hash: seed.hash,
      id: String(++storeIds),
      name: seed.name ?? `Store ${seed.hash}`,
      currency,
      currencies: new Set([currency, ...(seed.currencies ?? []).map((c) => c.toUpperCase())]),
      tokens: new Map((seed.tokens ?? []).map((t) => [t.token, t.clientId ?? "sim-client"])),
      restockOnCancel: seed.restockOnCancel ?? true,
      products: new Map(),
      orders: new Map(),
      shipments: new Map(),
      hooks: [],
      deliveries: [],
      bucket: new SimBucket((QUOTA / (WINDOW_MS / 1000)) * server.scale, QUOTA),
      next: { product: 111, variant: 1001, order: 100, orderProduct: 1, shipment: 1 },
    };
    stores.set(seed.hash, store);
    return { hash: store.hash, id: store.id };
  }

  function seedProduct(hash: string, seed: SeedProduct): SimProduct {
    const store = getStore(hash);
    const id = seed.id ?? store.next.product++;
    let optionId = 1;
    const product: SimProduct = {
      id,
      name: seed.name,
      price: seed.price,
      inventory_tracking: seed.inventory_tracking ?? "variant",
      variants: seed.variants.map((v) => ({
        id: v.id ?? store.next.variant++,
        product_id: id,
        sku: v.sku,
        price: v.price ?? null,
        inventory_level: v.inventory_level ?? 0,
        option_values: (v.options ?? []).map((o, i) => ({
          id: optionId++,
          option_id: 100 + i,
          label: o.label,
          option_display_name: o.name,
        })),
      })),
    };
    store.products.set(id, product);
    return product;
  }

  const variantPrice = (p: SimProduct, v: SimVariant) => v.price ?? p.price;

  function variantJson(p: SimProduct, v: SimVariant): Json {
    return {
      id: v.id,
      product_id: p.id,
      sku: v.sku,
      sku_id: v.id,
      price: v.price,
      calculated_price: variantPrice(p, v),
      sale_price: null,
      retail_price: null,
      cost_price: 0,
      inventory_level: v.inventory_level,
      inventory_warning_level: 0,
      purchasing_disabled: false,
      purchasing_disabled_message: "",
      bin_picking_number: "",
      upc: "",
      option_values: v.option_values,
    };
  }

  // ---------------------------------------------------------------- API plumbing

  type ApiHandler = (
    req: SimRequest,
    store: SimStore,
    clientId: string,
  ) => SimResponse | Promise<SimResponse>;

  function rateHeaders(store: SimStore): Record<string, string> {
    const left = Math.floor(store.bucket.available());
    const resetMs = left >= 1 ? store.bucket.msUntil(QUOTA) : store.bucket.msUntil(1);
    return {
      "X-Rate-Limit-Requests-Left": String(left),
      "X-Rate-Limit-Requests-Quota": String(QUOTA),
      "X-Rate-Limit-Time-Reset-Ms": String(Math.max(1, resetMs)),
      "X-Rate-Limit-Time-Window-Ms": String(Math.round(WINDOW_MS / server.scale)),
    };
  }

  function api(method: string, path: string, operation: string, handler: ApiHandler): void {
    const v3 = path.startsWith("/v3/");
    server.route(method, `/stores/:store_hash${path}`, operation, async (req) => {
      const store = stores.get(req.params.store_hash ?? "");
      if (!store) {
        return v3 ? v3Error(404, "Store not found") : v2Error(404, "Store not found.");
      }
      const token = req.headers["x-auth-token"];
      const clientId = typeof token === "string" ? store.tokens.get(token) : undefined;
      if (!clientId) {
        return v3
          ? v3Error(
              401,
              "Unauthorized - the v3 Auth client ID or token in the request are not a valid combination for this store.",
            )
          : v2Error(401, "No valid credentials were found in this request.");
      }
      const taken = store.bucket.tryTake(1);
      const headers = rateHeaders(store);
      if (!taken.ok) {
        server.throttledCount.set(operation, (server.throttledCount.get(operation) ?? 0) + 1);
        const retryMs = Math.max(1, taken.retryAfterMs);
        const throttled = v3
          ? v3Error(429, "Too many requests")
          : v2Error(429, "You have exceeded the rate limit of your plan. Please try again later.");
        return {
          ...throttled,
          headers: {
            ...headers,
            "X-Rate-Limit-Time-Reset-Ms": String(retryMs),
            "Retry-After": String(Math.ceil(retryMs / 1000)),
          },
        };
      }
      const response = await handler(req, store, clientId);
      return { ...response, headers: { ...headers, ...response.headers } };
    });
  }

  function pageArgs(req: SimRequest, v3: boolean): { page: number; limit: number } | SimResponse {
    const rawPage = req.query.get("page");
    const rawLimit = req.query.get("limit");
    const page = rawPage === null ? 1 : Number(rawPage);
    const limit = rawLimit === null ? 50 : Number(rawLimit);
    if (!Number.isInteger(page) || page < 1) {
      return v3
        ? v3Error(422, "The filter(s): page is invalid", { page: "must be a positive integer" })
        : v2Error(400, "The field 'page' is invalid.");
    }
    if (!Number.isInteger(limit) || limit < 1) {
      return v3
        ? v3Error(422, "The filter(s): limit is invalid", { limit: "must be a positive integer" })
        : v2Error(400, "The field 'limit' is invalid.");
    }
    return { page, limit: Math.min(limit, 250) };
  }

  function v3Page<T>(items: T[], page: number, limit: number): Json {
    const totalPages = Math.max(1, Math.ceil(items.length / limit));
    const slice = items.slice((page - 1) * limit, page * limit);
    return {
      data: slice,
      meta: {
        pagination: {
          total: items.length,
          count: slice.length,
          per_page: limit,
          current_page: page,
          total_pages: totalPages,
          links: {
            ...(page > 1 ? { previous: `?page=${page - 1}&limit=${limit}` } : {}),
            current: `?page=${page}&limit=${limit}`,
            ...(page < totalPages ? { next: `?page=${page + 1}&limit=${limit}` } : {}),
          },
        },
      },
    };
  }

  function v2Page<T>(items: T[], page: number, limit: number): SimResponse {
    const slice = items.slice((page - 1) * limit, page * limit);
    return slice.length ? { status: 200, body: slice } : { status: 204 };
  }

  // ---------------------------------------------------------------- store information

  api("GET", "/v2/store", "getStore", (_req, store) => ({
    status: 200,
    body: {
      id: store.hash,
      domain: `${store.hash}.example.com`,
      secure_url: `https://${store.hash}.example.com`,
      control_panel_base_url: `https://store-${store.hash}.mybigcommerce.com`,
      status: "live",
      name: store.name,
      country: "United States",
      country_code: "US",
      language: "en",
      currency: store.currency,
      currency_symbol: store.currency === "EUR" ? "€" : "$",
      decimal_separator: ".",
      thousands_separator: ",",
      decimal_places: 2,
      currency_symbol_location: "left",
      plan_name: "Standard",
      plan_level: "Standard",
      plan_is_trial: false,
    },
  }));

  // ---------------------------------------------------------------- catalog

  api("GET", "/v3/catalog/variants", "getVariants", (req, store) => {
    const paging = pageArgs(req, true);
    if ("status" in paging) return paging;
    const sku = req.query.get("sku");
    const id = req.query.get("id");
    const productIds = req.query.get("product_id:in");
    const wantedProducts = productIds ? new Set(productIds.split(",").map(Number)) : undefined;
    const all: Json[] = [];
    for (const p of store.products.values()) {
      if (wantedProducts && !wantedProducts.has(p.id)) continue;
      for (const v of p.variants) {
        // Assumed semantics (not documented): exact match, case-insensitive, trailing spaces
        // ignored, as a case-insensitive SQL collation compares.
        if (sku !== null && v.sku.trimEnd().toLowerCase() !== sku.trimEnd().toLowerCase()) continue;
        if (id !== null && String(v.id) !== id) continue;
        all.push(variantJson(p, v));
      }
    }
    return { status: 200, body: v3Page(all, paging.page, paging.limit) };
  });

  const PRODUCT_INCLUDES = new Set([
    "bulk_pricing_rules",
    "channels",
    "custom_fields",
    "images",
    "modifiers",
    "options",
    "parent_relations",
    "primary_image",
    "reviews",
    "variants",
    "videos",
  ]);

  api("GET", "/v3/catalog/products", "getProducts", (req, store) => {
    const paging = pageArgs(req, true);
    if ("status" in paging) return paging;
    const include = (req.query.get("include") ?? "").split(",").filter(Boolean);
    const unknown = include.filter((i) => !PRODUCT_INCLUDES.has(i));
    if (unknown.length)
      return v3Error(422, "The filter(s): include is invalid", { include: unknown.join(",") });
    const keyword = req.query.get("keyword")?.trim().toLowerCase();
    // BigCommerce documents `keyword` as matching name, description, SKU and brand, by a search
    // engine it does not describe; a case-insensitive substring of the product name or of any
    // variant SKU stands in for it here (products have no description or brand in this simulator).
    const all = [...store.products.values()]
      .filter(
        (p) =>
          !keyword ||
          p.name.toLowerCase().includes(keyword) ||
          p.variants.some((v) => v.sku.toLowerCase().includes(keyword)),
      )
      .map((p) => ({
        id: p.id,
        name: p.name,
        type: "physical",
        sku: p.variants.length === 1 ? p.variants[0]!.sku : "",
        price: p.price,
        calculated_price: p.price,
        inventory_tracking: p.inventory_tracking,
        inventory_level: p.variants.reduce((n, v) => n + v.inventory_level, 0),
        base_variant_id: p.variants.length === 1 ? p.variants[0]!.id : null,
        ...(include.includes("variants")
          ? { variants: p.variants.map((v) => variantJson(p, v)) }
          : {}),
      }));
    return { status: 200, body: v3Page(all, paging.page, paging.limit) };
  });

  // ---------------------------------------------------------------- orders

  function validateAddress(value: unknown, field: string): string | undefined {
    if (!value || typeof value !== "object" || Array.isArray(value))
      return `The field '${field}' is invalid.`;
    const address = value as Json;
    for (const key of Object.keys(address)) {
      if (![...ADDRESS_FIELDS, "shipping_method"].includes(key))
        return `The field '${field}.${key}' cannot be written to. Please remove it from your request before trying again.`;
      if (typeof address[key] !== "string") return `The field '${field}.${key}' is invalid.`;
    }
    if (!address.zip) return `The required field '${field}.zip' was not supplied.`;
    if (!address.country && !address.country_iso2)
      return `The required field '${field}.country' was not supplied.`;
    const iso2 = address.country_iso2;
    if (typeof iso2 === "string" && !/^[A-Z]{2}$/.test(iso2))
      return `The field '${field}.country_iso2' is invalid.`;
    return undefined;
  }

  function addressJson(value: Json): Json {
    const out: Json = {};
    for (const key of ADDRESS_FIELDS) out[key] = typeof value[key] === "string" ? value[key] : "";
    if (!out.country && typeof out.country_iso2 === "string")
      out.country = COUNTRY_NAMES[out.country_iso2] ?? out.country_iso2;
    return out;
  }

  function orderJson(store: SimStore, order: Json): Json {
    const id = order.id as number;
    const base = `https://api.bigcommerce.com/stores/${store.hash}/v2/orders/${id}`;
    return {
      ...order,
      status: ORDER_STATUSES[order.status_id as number] ?? "",
      products: { url: `${base}/products`, resource: `/orders/${id}/products` },
      shipping_addresses: {
        url: `${base}/shipping_addresses`,
        resource: `/orders/${id}/shipping_addresses`,
      },
      coupons: { url: `${base}/coupons`, resource: `/orders/${id}/coupons` },
    };
  }

  api("POST", "/v2/orders", "createOrder", (req, store) => {
    const body = req.body;
    if (!body || typeof body !== "object" || Array.isArray(body))
      return v2Error(400, "The request body is not a valid order.");
    const input = body as Json;
    for (const key of Object.keys(input)) {
      if (!ORDER_POST_FIELDS.has(key))
        return v2Error(
          400,
          `The field '${key}' cannot be written to. Please remove it from your request before trying again.`,
        );
    }
    if (input.billing_address === undefined)
      return v2Error(400, "The required field 'billing_address' was not supplied.");
    const billingProblem = validateAddress(input.billing_address, "billing_address");
    if (billingProblem) return v2Error(400, billingProblem);
    if (input.consignments !== undefined)
      return v2Error(400, "Consignments are not supported by this simulator.");
    if (!Array.isArray(input.products) || input.products.length === 0)
      return v2Error(400, "The required field 'products' was not supplied.");
    const shippingAddresses = input.shipping_addresses ?? [];
    if (!Array.isArray(shippingAddresses))
      return v2Error(400, "The field 'shipping_addresses' is invalid.");
    for (const [i, a] of shippingAddresses.entries()) {
      const problem = validateAddress(a, `shipping_addresses[${i}]`);
      if (problem) return v2Error(400, problem);
    }
    for (const field of MONEY_FIELDS) {
      if (input[field] !== undefined && to4(input[field]) === undefined)
        return v2Error(400, `The field '${field}' is invalid.`);
    }
    const statusId = input.status_id ?? 1;
    if (!Number.isInteger(statusId) || ORDER_STATUSES[statusId as number] === undefined)
      return v2Error(400, `The field 'status_id' is invalid.`);
    if (input.customer_id !== undefined && input.customer_id !== 0)
      return v2Error(400, `The customer with ID '${String(input.customer_id)}' does not exist.`);
    const currency =
      typeof input.default_currency_code === "string"
        ? input.default_currency_code.toUpperCase()
        : store.currency;
    if (!store.currencies.has(currency))
      return v2Error(400, `The currency '${currency}' is not enabled for this store.`);
    if (typeof input.staff_notes === "string" && input.staff_notes.length > 65_535)
      return v2Error(400, "The field 'staff_notes' is too long.");
    const dateCreated =
      typeof input.date_created === "string" ? Date.parse(input.date_created) : Date.now();
    if (Number.isNaN(dateCreated)) return v2Error(400, "The field 'date_created' is invalid.");

    // Products: catalog ones by product_id (+ variant_id), custom ones by name.
    const lines: {
      product: SimProduct | undefined;
      variant: SimVariant | undefined;
      name: string;
      sku: string;
      quantity: number;
      inc: number;
      ex: number;
    }[] = [];
    for (const [i, raw] of (input.products as unknown[]).entries()) {
      if (!raw || typeof raw !== "object")
        return v2Error(400, `The field 'products[${i}]' is invalid.`);
      const p = raw as Json;
      const quantity = p.quantity;
      if (!Number.isInteger(quantity) || (quantity as number) < 1)
        return v2Error(400, `The field 'products[${i}].quantity' is invalid.`);
      let product: SimProduct | undefined;
      let variant: SimVariant | undefined;
      if (p.product_id !== undefined) {
        product = store.products.get(Number(p.product_id));
        if (!product)
          return v2Error(400, `The product with ID '${String(p.product_id)}' could not be found.`);
        if (p.variant_id !== undefined) {
          variant = product.variants.find((v) => v.id === p.variant_id);
          if (!variant)
            return v2Error(
              400,
              `The variant with ID '${String(p.variant_id)}' does not belong to product '${product.id}'.`,
            );
        } else if (product.variants.length === 1) {
          variant = product.variants[0];
        } else if (!Array.isArray(p.product_options)) {
          return v2Error(
            400,
            `The product '${product.name}' has options: supply 'variant_id' or 'product_options'.`,
          );
        } else {
          variant = product.variants[0];
        }
      } else if (typeof p.name !== "string" || !p.name) {
        return v2Error(400, `The required field 'products[${i}].name' was not supplied.`);
      }
      const catalogPrice = product && variant ? to4(variantPrice(product, variant)) : undefined;
      const inc = p.price_inc_tax === undefined ? catalogPrice : to4(p.price_inc_tax);
      const ex = p.price_ex_tax === undefined ? (inc ?? catalogPrice) : to4(p.price_ex_tax);
      if (inc === undefined || inc < 0)
        return v2Error(400, `The field 'products[${i}].price_inc_tax' is invalid.`);
      if (ex === undefined || ex < 0 || ex > inc)
        return v2Error(400, `The field 'products[${i}].price_ex_tax' is invalid.`);
      lines.push({
        product,
        variant,
        name: product?.name ?? (p.name as string),
        sku: variant?.sku ?? (typeof p.sku === "string" ? p.sku : ""),
        quantity: quantity as number,
        inc,
        ex,
      });
    }

    const id = store.next.order++;
    const now = new Date();
    const shipInc = to4(input.shipping_cost_inc_tax ?? input.base_shipping_cost ?? "0") ?? 0;
    const shipEx = to4(input.shipping_cost_ex_tax ?? input.shipping_cost_inc_tax ?? "0") ?? 0;
    const discount = to4(input.discount_amount ?? "0") ?? 0;
    const subInc = lines.reduce((s, l) => s + l.inc * l.quantity, 0);
    const subEx = lines.reduce((s, l) => s + l.ex * l.quantity, 0);
    const subtotalInc = to4(input.subtotal_inc_tax) ?? subInc;
    const subtotalEx = to4(input.subtotal_ex_tax) ?? subEx;
    const totalInc = to4(input.total_inc_tax) ?? subtotalInc + shipInc - discount;
    const totalEx = to4(input.total_ex_tax) ?? subtotalEx + shipEx - discount;
    const billing = addressJson(input.billing_address as Json);
    const itemsTotal = lines.reduce((s, l) => s + l.quantity, 0);
    const order: Json = {
      id,
      customer_id: 0,
      date_created: rfc2822(new Date(dateCreated)),
      date_modified: rfc2822(now),
      date_shipped: "",
      status_id: statusId,
      cart_id: "",
      subtotal_ex_tax: from4(subtotalEx),
      subtotal_inc_tax: from4(subtotalInc),
      subtotal_tax: from4(subtotalInc - subtotalEx),
      base_shipping_cost: from4(to4(input.base_shipping_cost) ?? shipInc),
      shipping_cost_ex_tax: from4(shipEx),
      shipping_cost_inc_tax: from4(shipInc),
      shipping_cost_tax: from4(shipInc - shipEx),
      shipping_cost_tax_class_id: 2,
      base_handling_cost: "0.0000",
      handling_cost_ex_tax: "0.0000",
      handling_cost_inc_tax: "0.0000",
      handling_cost_tax: "0.0000",
      handling_cost_tax_class_id: 2,
      base_wrapping_cost: "0.0000",
      wrapping_cost_ex_tax: "0.0000",
      wrapping_cost_inc_tax: "0.0000",
      wrapping_cost_tax: "0.0000",
      wrapping_cost_tax_class_id: 3,
      total_ex_tax: from4(totalEx),
      total_inc_tax: from4(totalInc),
      total_tax: from4(totalInc - totalEx),
      items_total: itemsTotal,
      items_shipped: 0,
      payment_method: typeof input.payment_method === "string" ? input.payment_method : "Manual",
      payment_provider_id: "",
      payment_status: "",
      refunded_amount: "0.0000",
      order_is_digital: false,
      store_credit_amount: "0.0000",
      gift_certificate_amount: "0.0000",
      ip_address: "",
      ip_address_v6: "",
      geoip_country: "",
      geoip_country_iso2: "",
      currency_id: 1,
      currency_code: currency,
      currency_exchange_rate: "1.0000000000",
      default_currency_id: 1,
      default_currency_code: currency,
      store_default_currency_code: store.currency,
      store_default_to_transactional_exchange_rate: "1.0000000000",
      staff_notes: typeof input.staff_notes === "string" ? input.staff_notes : "",
      customer_message: typeof input.customer_message === "string" ? input.customer_message : "",
      discount_amount: from4(discount),
      coupon_discount: "0.0000",
      shipping_address_count: Math.max(1, (shippingAddresses as unknown[]).length),
      is_deleted: false,
      ebay_order_id: "0",
      billing_address: billing,
      is_email_opt_in: false,
      order_source: "external",
      channel_id: 1,
      external_source: typeof input.external_source === "string" ? input.external_source : null,
      external_id: null,
      external_merchant_id: null,
      external_order_id: typeof input.external_order_id === "string" ? input.external_order_id : "",
      tax_provider_id: "BasicTaxProvider",
      customer_locale: typeof input.customer_locale === "string" ? input.customer_locale : "en",
      is_tax_inclusive_pricing: false,
    };
    const products: Json[] = lines.map((l) => {
      const tax = l.inc - l.ex;
      return {
        id: store.next.orderProduct++,
        order_id: id,
        product_id: l.product?.id ?? 0,
        variant_id: l.variant?.id ?? 0,
        order_address_id: id,
        name: l.name,
        name_customer: l.name,
        name_merchant: l.name,
        sku: l.sku,
        upc: "",
        type: "physical",
        base_price: from4(l.ex),
        price_ex_tax: from4(l.ex),
        price_inc_tax: from4(l.inc),
        price_tax: from4(tax),
        base_total: from4(l.ex * l.quantity),
        total_ex_tax: from4(l.ex * l.quantity),
        total_inc_tax: from4(l.inc * l.quantity),
        total_tax: from4(tax * l.quantity),
        quantity: l.quantity,
        base_cost_price: "0.0000",
        cost_price_inc_tax: "0.0000",
        cost_price_ex_tax: "0.0000",
        cost_price_tax: "0.0000",
        weight: 0,
        width: "0.0000",
        height: "0.0000",
        depth: "0.0000",
        is_refunded: false,
        quantity_refunded: 0,
        refund_amount: "0.0000",
        return_id: 0,
        wrapping_id: 0,
        wrapping_name: null,
        base_wrapping_cost: "0.0000",
        wrapping_cost_ex_tax: "0.0000",
        wrapping_cost_inc_tax: "0.0000",
        wrapping_cost_tax: "0.0000",
        wrapping_message: "",
        quantity_shipped: 0,
        event_name: null,
        event_date: null,
        fixed_shipping_cost: "0.0000",
        ebay_item_id: "",
        ebay_transaction_id: "",
        option_set_id: null,
        parent_order_product_id: null,
        is_bundled_product: false,
        bin_picking_number: "",
        external_id: null,
        brand: "",
        applied_discounts: [],
        product_options: (l.variant?.option_values ?? []).map((o) => ({
          id: o.id,
          option_id: o.option_id,
          order_product_id: 0,
          product_option_id: o.option_id,
          display_name: o.option_display_name,
          display_value: o.label,
          value: String(o.id),
          type: "Multiple choice",
          name: o.option_display_name,
          display_style: "Dropdown",
        })),
        configurable_fields: [],
        gift_certificate_id: null,
      };
    });
    for (const l of lines) {
      if (l.product && l.variant && l.product.inventory_tracking !== "none")
        l.variant.inventory_level -= l.quantity;
    }
    const firstShipping = (shippingAddresses as Json[])[0];
    store.orders.set(id, { order, products });
    if (firstShipping) (order as Json).__shipping = addressJson(firstShipping);
    void emit(store, "store/order/created", { type: "order", id });
    return { status: 200, body: orderJson(store, stripInternal(order)) };
  });

  function stripInternal(order: Json): Json {
    const { __shipping: _s, ...rest } = order;
    return rest;
  }

  api("GET", "/v2/orders", "getOrders", (req, store) => {
    const paging = pageArgs(req, false);
    if ("status" in paging) return paging;
    const externalId = req.query.get("external_order_id");
    const statusId = req.query.get("status_id");
    const minId = req.query.get("min_id");
    const maxId = req.query.get("max_id");
    const sort = req.query.get("sort") ?? "id";
    const [sortField, sortDir] = sort.split(":");
    if (!["id", "date_created", "date_modified", "status_id"].includes(sortField ?? ""))
      return v2Error(400, `The field 'sort' is invalid.`);
    let list = [...store.orders.values()]
      .map((o) => o.order)
      .filter((o) => !o.is_deleted)
      .filter((o) => externalId === null || o.external_order_id === externalId)
      .filter((o) => statusId === null || String(o.status_id) === statusId)
      .filter((o) => minId === null || (o.id as number) >= Number(minId))
      .filter((o) => maxId === null || (o.id as number) <= Number(maxId));
    const key = (o: Json) =>
      sortField === "id" || sortField === "status_id"
        ? (o[sortField] as number)
        : Date.parse(o[sortField as string] as string);
    list = list.sort((a, b) => key(a) - key(b) || (a.id as number) - (b.id as number));
    if (sortDir === "desc") list.reverse();
    return v2Page(
      list.map((o) => orderJson(store, stripInternal(o))),
      paging.page,
      paging.limit,
    );
  });

  function findOrder(store: SimStore, raw: string | undefined) {
    const stored = store.orders.get(Number(raw));
    return stored && !stored.order.is_deleted ? stored : undefined;
  }

  api("GET", "/v2/orders/:order_id", "getOrder", (req, store) => {
    const stored = findOrder(store, req.params.order_id);
    if (!stored) return v2Error(404, "The requested resource was not found.");
    return { status: 200, body: orderJson(store, stripInternal(stored.order)) };
  });

  api("PUT", "/v2/orders/:order_id", "updateOrder", (req, store) => {
    const stored = findOrder(store, req.params.order_id);
    if (!stored) return v2Error(404, "The requested resource was not found.");
    const input = req.body;
    if (!input || typeof input !== "object" || Array.isArray(input))
      return v2Error(400, "The request body is not a valid order.");
    for (const key of Object.keys(input)) {
      if (!ORDER_PUT_FIELDS.has(key))
        return v2Error(
          400,
          `The field '${key}' cannot be written to. Please remove it from your request before trying again.`,
        );
    }
    const patch = input as Json;
    if (patch.products !== undefined || patch.billing_address !== undefined)
      return v2Error(400, "Changing products or addresses is not supported by this simulator.");
    const order = stored.order;
    const previous = order.status_id as number;
    if (patch.status_id !== undefined) {
      if (
        !Number.isInteger(patch.status_id) ||
        ORDER_STATUSES[patch.status_id as number] === undefined
      )
        return v2Error(400, "The field 'status_id' is invalid.");
    }
    for (const [key, value] of Object.entries(patch)) {
      if (MONEY_FIELDS.includes(key)) {
        const n = to4(value);
        if (n === undefined) return v2Error(400, `The field '${key}' is invalid.`);
        order[key] = from4(n);
      } else {
        order[key] = value;
      }
    }
    order.date_modified = rfc2822(new Date());
    if (patch.status_id === 5 && previous !== 5 && store.restockOnCancel) {
      for (const p of stored.products) {
        const product = store.products.get(p.product_id as number);
        const variant = product?.variants.find((v) => v.id === p.variant_id);
        if (product && variant && product.inventory_tracking !== "none")
          variant.inventory_level += (p.quantity as number) - (p.quantity_shipped as number);
      }
    }
    if (patch.status_id !== undefined && patch.status_id !== previous) {
      void emit(store, "store/order/statusUpdated", {
        type: "order",
        id: order.id,
        status: { previous_status_id: previous, new_status_id: patch.status_id },
      });
    }
    return { status: 200, body: orderJson(store, stripInternal(order)) };
  });

  api("GET", "/v2/orders/:order_id/products", "getOrderProducts", (req, store) => {
    const paging = pageArgs(req, false);
    if ("status" in paging) return paging;
    const stored = findOrder(store, req.params.order_id);
    if (!stored) return v2Error(404, "The requested resource was not found.");
    return v2Page(stored.products, paging.page, paging.limit);
  });

  api("GET", "/v2/orders/:order_id/shipments", "getShipments", (req, store) => {
    const paging = pageArgs(req, false);
    if ("status" in paging) return paging;
    const stored = findOrder(store, req.params.order_id);
    if (!stored) return v2Error(404, "The requested resource was not found.");
    return v2Page(store.shipments.get(stored.order.id as number) ?? [], paging.page, paging.limit);
  });

  api("GET", "/v2/orders/:order_id/shipments/:shipment_id", "getShipment", (req, store) => {
    const stored = findOrder(store, req.params.order_id);
    const shipment = stored
      ? (store.shipments.get(stored.order.id as number) ?? []).find(
          (s) => String(s.id) === req.params.shipment_id,
        )
      : undefined;
    if (!shipment) return v2Error(404, "The requested resource was not found.");
    return { status: 200, body: shipment };
  });

  // ---------------------------------------------------------------- webhooks

  function hookJson(h: SimHook): Json {
    return { ...h };
  }

  function validateHookFields(input: Json, creating: boolean): Json | undefined {
    const errors: Json = {};
    if (creating || input.scope !== undefined) {
      if (typeof input.scope !== "string" || !input.scope) errors.scope = "error.path.missing.";
      else if (!WEBHOOK_SCOPES.has(input.scope)) errors.scope = `Invalid scope: ${input.scope}`;
    }
    if (creating || input.destination !== undefined) {
      if (typeof input.destination !== "string" || !input.destination) {
        errors.destination = "error.path.missing.";
      } else {
        let url: URL | undefined;
        try {
          url = new URL(input.destination);
        } catch {
          url = undefined;
        }
        const loopback = url && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
        if (!url) errors.destination = "must be a valid URL";
        else if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback))
          errors.destination = "must be an https URL";
        else if (url.protocol === "https:" && url.port && url.port !== "443")
          errors.destination = "custom ports are not supported";
      }
    }
    if (input.is_active !== undefined && typeof input.is_active !== "boolean")
      errors.is_active = "must be a boolean";
    if (input.headers !== undefined && input.headers !== null) {
      const h = input.headers;
      if (
        typeof h !== "object" ||
        Array.isArray(h) ||
        Object.values(h).some((v) => typeof v !== "string")
      )
        errors.headers = "must be an object of strings";
    }
    return Object.keys(errors).length ? errors : undefined;
  }

  api("GET", "/v3/hooks", "getWebhooks", (req, store, clientId) => {
    const paging = pageArgs(req, true);
    if ("status" in paging) return paging;
    const scope = req.query.get("scope");
    const destination = req.query.get("destination");
    const active = req.query.get("is_active");
    const list = store.hooks
      .filter((h) => h.client_id === clientId)
      .filter((h) => scope === null || h.scope === scope)
      .filter((h) => destination === null || h.destination === destination)
      .filter((h) => active === null || String(h.is_active) === active)
      .map(hookJson);
    return { status: 200, body: v3Page(list, paging.page, paging.limit) };
  });

  api("POST", "/v3/hooks", "createWebhook", (req, store, clientId) => {
    const input = req.body;
    if (!input || typeof input !== "object" || Array.isArray(input))
      return v3Error(400, "Input is invalid");
    const errors = validateHookFields(input as Json, true);
    if (errors) return v3Error(422, "JSON data is missing or invalid", errors);
    const body = input as Json;
    const duplicate = store.hooks.find(
      (h) =>
        h.client_id === clientId && h.scope === body.scope && h.destination === body.destination,
    );
    if (duplicate)
      return v3Error(422, "Webhook already exists", {
        scope: `a webhook for ${String(body.scope)} and this destination exists (id ${duplicate.id})`,
      });
    const now = Math.floor(Date.now() / 1000);
    const hook: SimHook = {
      id: 20_000 + store.hooks.length + 1,
      client_id: clientId,
      store_hash: store.hash,
      scope: body.scope as string,
      destination: body.destination as string,
      is_active: body.is_active === undefined ? true : (body.is_active as boolean),
      headers: (body.headers as Record<string, string> | null | undefined) ?? null,
      created_at: now,
      updated_at: now,
    };
    store.hooks.push(hook);
    return { status: 200, body: { data: hookJson(hook), meta: {} } };
  });

  api("PUT", "/v3/hooks/:webhook_id", "updateWebhook", (req, store, clientId) => {
    const hook = store.hooks.find(
      (h) => String(h.id) === req.params.webhook_id && h.client_id === clientId,
    );
    if (!hook) return v3Error(404, `Webhook with id [${req.params.webhook_id}] not found`);
    const input = req.body;
    if (!input || typeof input !== "object" || Array.isArray(input))
      return v3Error(400, "Input is invalid");
    const errors = validateHookFields(input as Json, false);
    if (errors) return v3Error(422, "JSON data is missing or invalid", errors);
    const body = input as Json;
    if (typeof body.scope === "string") hook.scope = body.scope;
    if (typeof body.destination === "string") hook.destination = body.destination;
    if (typeof body.is_active === "boolean") hook.is_active = body.is_active;
    if (body.headers !== undefined) hook.headers = body.headers as Record<string, string> | null;
    hook.updated_at = Math.floor(Date.now() / 1000);
    return { status: 200, body: { data: hookJson(hook), meta: {} } };
  });

  function scopeMatches(subscribed: string, scope: string): boolean {
    if (subscribed === scope) return true;
    if (subscribed.endsWith("/*")) return scope.startsWith(subscribed.slice(0, -1));
    return false;
  }

  async function emit(store: SimStore, scope: string, data: Json): Promise<WebhookDelivery[]> {
    const targets = store.hooks.filter((h) => h.is_active && scopeMatches(h.scope, scope));
    const createdAt = Math.floor(Date.now() / 1000);
    return Promise.all(
      targets.map(async (hook) => {
        const payload: Json = {
          scope,
          store_id: store.id,
          data,
          hash: createHash("sha1")
            .update(`${scope}:${JSON.stringify(data)}:${createdAt}:${hook.id}`)
            .digest("hex"),
          created_at: createdAt,
          producer: `stores/${store.hash}`,
        };
        const headers = { "content-type": "application/json", ...(hook.headers ?? {}) };
        const delivery: WebhookDelivery = {
          hookId: hook.id,
          destination: hook.destination,
          scope,
          payload,
          headers,
          status: undefined,
          error: undefined,
        };
        try {
          const res = await fetch(hook.destination, {
            method: "POST",
            headers,
            body: JSON.stringify(payload),
            signal: AbortSignal.timeout(5_000),
          });
          delivery.status = res.status;
          await res.arrayBuffer();
        } catch (error) {
          delivery.error = (error as Error).message;
        }
        store.deliveries.push(delivery);
        return delivery;
      }),
    );
  }

  // ---------------------------------------------------------------- shipments (merchant side)

  async function createShipment(
    hash: string,
    orderId: number,
    input: Parameters<BigCommerceSimulator["createShipment"]>[2],
  ): Promise<SimShipment> {
    const store = getStore(hash);
    const stored = findOrder(store, String(orderId));
    if (!stored) throw new Error(`no order ${orderId} in store ${hash}`);
    if (!input.items?.length) throw new Error("a shipment needs items");
    const items = input.items.map((item) => {
      const product = stored.products.find((p) => p.id === item.order_product_id);
      if (!product) throw new Error(`order ${orderId} has no product ${item.order_product_id}`);
      const left = (product.quantity as number) - (product.quantity_shipped as number);
      if (!Number.isInteger(item.quantity) || item.quantity < 1 || item.quantity > left)
        throw new Error(`cannot ship ${item.quantity} of order product ${item.order_product_id}`);
      return {
        order_product_id: item.order_product_id,
        product_id: product.product_id as number,
        quantity: item.quantity,
      };
    });
    for (const item of items) {
      const product = stored.products.find((p) => p.id === item.order_product_id)!;
      product.quantity_shipped = (product.quantity_shipped as number) + item.quantity;
    }
    const order = stored.order;
    const shipped = stored.products.reduce((s, p) => s + (p.quantity_shipped as number), 0);
    const total = stored.products.reduce((s, p) => s + (p.quantity as number), 0);
    order.items_shipped = shipped;
    const previous = order.status_id as number;
    order.status_id = shipped >= total ? 2 : 3;
    order.date_modified = rfc2822(new Date());
    if (shipped >= total) order.date_shipped = rfc2822(new Date());
    const provider = input.shipping_provider ?? "";
    const shipment: SimShipment = {
      id: store.next.shipment++,
      order_id: orderId,
      customer_id: 0,
      order_address_id: orderId,
      date_created: rfc2822(new Date()),
      tracking_number: input.tracking_number,
      merchant_shipping_cost: "0.0000",
      shipping_method: input.shipping_method ?? "",
      shipping_provider: provider,
      shipping_provider_display_name: provider,
      tracking_carrier: input.tracking_carrier ?? "",
      tracking_link: input.tracking_link ?? "",
      generated_tracking_link: "",
      comments: "",
      billing_address: order.billing_address,
      shipping_address: (order.__shipping as Json | undefined) ?? order.billing_address,
      items,
    };
    const list = store.shipments.get(orderId) ?? [];
    list.push(shipment);
    store.shipments.set(orderId, list);
    await emit(store, "store/shipment/created", { type: "shipment", id: shipment.id, orderId });
    if (previous !== order.status_id) {
      await emit(store, "store/order/statusUpdated", {
        type: "order",
        id: orderId,
        status: { previous_status_id: previous, new_status_id: order.status_id },
      });
    }
    return shipment;
  }

  async function updateShipment(
    hash: string,
    orderId: number,
    shipmentId: number,
    patch: Partial<Pick<SimShipment, "tracking_number" | "shipping_provider" | "tracking_carrier">>,
  ): Promise<SimShipment> {
    const store = getStore(hash);
    const shipment = (store.shipments.get(orderId) ?? []).find((s) => s.id === shipmentId);
    if (!shipment) throw new Error(`no shipment ${shipmentId} on order ${orderId}`);
    Object.assign(shipment, patch);
    if (patch.shipping_provider !== undefined)
      shipment.shipping_provider_display_name = patch.shipping_provider;
    await emit(store, "store/shipment/updated", { type: "shipment", id: shipmentId, orderId });
    return shipment;
  }

  // ---------------------------------------------------------------- OAuth (login.bigcommerce.com)

  server.route("POST", "/oauth2/token", "oauthToken", (req) => {
    const body = (req.body && typeof req.body === "object" ? req.body : {}) as Json;
    const app = typeof body.client_id === "string" ? apps.get(body.client_id) : undefined;
    if (!app || body.client_secret !== app.clientSecret)
      return { status: 401, body: { error: "Invalid client id or secret." } };
    if (body.grant_type !== "authorization_code")
      return { status: 400, body: { error: "Invalid grant type." } };
    if (body.redirect_uri !== app.redirectUri)
      return { status: 400, body: { error: "Invalid redirect_uri." } };
    const grant = typeof body.code === "string" ? codes.get(body.code) : undefined;
    if (!grant || grant.used || grant.clientId !== app.clientId || grant.expiresAt < Date.now())
      return { status: 400, body: { error: "Invalid verification code." } };
    if (body.context !== `stores/${grant.hash}`)
      return { status: 400, body: { error: "Invalid context." } };
    if (typeof body.scope !== "string" || body.scope !== grant.scope)
      return { status: 400, body: { error: "Invalid scope." } };
    grant.used = true;
    const store = getStore(grant.hash);
    const accessToken = randomBytes(16).toString("hex");
    store.tokens.set(accessToken, app.clientId);
    return {
      status: 200,
      body: {
        access_token: accessToken,
        scope: grant.scope,
        user: { id: 9876, username: "merchant@example.com", email: "merchant@example.com" },
        owner: { id: 9876, username: "merchant@example.com", email: "merchant@example.com" },
        context: `stores/${grant.hash}`,
        account_uuid: "00000000-0000-4000-8000-000000000000",
      },
    };
  });

  function registerApp(app: SimApp): void {
    apps.set(app.clientId, app);
  }

  function issueAuthCode(
    clientId: string,
    hash: string,
    scope = "store_v2_orders store_v2_products",
  ) {
    if (!apps.has(clientId)) throw new Error(`no app ${clientId}`);
    getStore(hash);
    const code = randomBytes(12).toString("hex");
    codes.set(code, { clientId, hash, scope, used: false, expiresAt: Date.now() + 10 * 60_000 });
    return { code, scope, context: `stores/${hash}` };
  }

  // ---------------------------------------------------------------- admin API (/__admin/…)

  const adminError = (error: unknown): SimResponse => ({
    status: 400,
    body: { error: (error as Error).message },
  });
  const admin = (method: string, path: string, fn: (req: SimRequest) => unknown) =>
    server.route(method, `/__admin${path}`, "admin.bigcommerce", async (req) => {
      try {
        const body = await fn(req);
        return body === undefined ? { status: 204 } : { status: 200, body };
      } catch (error) {
        return adminError(error);
      }
    });

  admin("POST", "/stores", (req) => createStore(req.body as SeedStore));
  admin("POST", "/stores/:hash/tokens", (req) => {
    const b = req.body as { token: string; clientId?: string };
    addToken(req.params.hash ?? "", b.token, b.clientId);
    return { ok: true };
  });
  admin("DELETE", "/stores/:hash/tokens/:token", (req) => {
    revokeToken(req.params.hash ?? "", req.params.token ?? "");
  });
  admin("POST", "/stores/:hash/products", (req) =>
    seedProduct(req.params.hash ?? "", req.body as SeedProduct),
  );
  admin("GET", "/stores/:hash/orders", (req) => ({ orders: listOrders(req.params.hash ?? "") }));
  admin("POST", "/stores/:hash/orders/:order_id/shipments", (req) =>
    createShipment(
      req.params.hash ?? "",
      Number(req.params.order_id),
      req.body as Parameters<BigCommerceSimulator["createShipment"]>[2],
    ),
  );
  admin("PUT", "/stores/:hash/orders/:order_id/shipments/:shipment_id", (req) =>
    updateShipment(
      req.params.hash ?? "",
      Number(req.params.order_id),
      Number(req.params.shipment_id),
      req.body as Json,
    ),
  );
  admin("GET", "/stores/:hash/hooks", (req) => ({ hooks: getStore(req.params.hash ?? "").hooks }));
  admin("POST", "/stores/:hash/webhooks", (req) => {
    const b = req.body as { scope: string; data: Json };
    return emit(getStore(req.params.hash ?? ""), b.scope, b.data).then((deliveries) => ({
      deliveries,
    }));
  });
  admin("GET", "/stores/:hash/deliveries", (req) => ({
    deliveries: getStore(req.params.hash ?? "").deliveries,
  }));
  // A receiver for hooks pointed back at the simulator (demo, contract tests): keeps what arrived.
  admin("POST", "/webhook-sink", (req) => {
    sink.push({ headers: req.headers, body: req.body });
    return { received: true };
  });
  admin("GET", "/webhook-sink", () => ({ received: sink }));
  admin("POST", "/apps", (req) => {
    registerApp(req.body as SimApp);
    return { ok: true };
  });
  admin("POST", "/apps/:client_id/auth-codes", (req) => {
    const b = req.body as { store_hash: string; scope?: string };
    return issueAuthCode(req.params.client_id ?? "", b.store_hash, b.scope);
  });

  function listOrders(hash: string) {
    return [...getStore(hash).orders.values()].map((o) => ({
      order: stripInternal(o.order),
      products: o.products,
    }));
  }

  function addToken(hash: string, token: string, clientId = "sim-client"): void {
    getStore(hash).tokens.set(token, clientId);
  }
  function revokeToken(hash: string, token: string): void {
    getStore(hash).tokens.delete(token);
  }

  await server.start();

  return {
    server,
    url: server.url,
    stop: () => server.stop(),
    reset: () => server.reset(),
    createStore,
    addToken,
    revokeToken,
    seedProduct,
    variant(hash, sku) {
      for (const p of getStore(hash).products.values())
        for (const v of p.variants) if (v.sku === sku) return v;
      return undefined;
    },
    orders: listOrders,
    order(hash, id) {
      const o = getStore(hash).orders.get(id);
      return o ? { order: stripInternal(o.order), products: o.products } : undefined;
    },
    createShipment,
    updateShipment,
    shipments: (hash, orderId) => getStore(hash).shipments.get(orderId) ?? [],
    hooks: (hash) => getStore(hash).hooks,
    sendWebhook: (hash, scope, data) => emit(getStore(hash), scope, data),
    deliveries: (hash) => getStore(hash).deliveries,
    registerApp,
    issueAuthCode,
  };
}
