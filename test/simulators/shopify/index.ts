import { createHmac, randomUUID } from "node:crypto";
import {
  type DocumentNode,
  execute,
  getOperationAST,
  GraphQLError,
  parse,
  validate,
} from "graphql";
import { SimBucket } from "../shared/sim-bucket";
import { type SimRequest, type SimResponse, SimulatorServer } from "../shared/server";
import { requestedCost } from "./cost";
import { simulatorSchema } from "./schema";

/**
 * A stateful, in-memory Shopify Admin (GraphQL 2026-07) for tests and the demo. Several shops in one
 * server, each known by its access token (and the `X-Shopify-Shop-Domain` header the connector's
 * upstream override adds). Implements what the Shopify connector uses: productVariants search,
 * orderCreate, orders search, orderCancel, order/fulfillment reads, webhook subscriptions, the
 * token endpoint for expiring offline tokens, cost-based throttling (HTTP 200 + THROTTLED) and
 * signed webhooks for fulfillments/create|update, orders/cancelled and app/uninstalled.
 *
 * Fault operations: `graphql` (POST /admin/api/:version/graphql.json), `oauth.token`
 * (POST /admin/oauth/access_token).
 */

export const SHOPIFY_INVALID_TOKEN_BODY = {
  errors: "[API] Invalid API key or access token (unrecognized login or wrong password)",
};
/** Published Standard-plan figures: restore 100 points/s; bucket 2,000 points; 1,000 max per query. */
export const SHOPIFY_RESTORE_RATE = 100;
export const SHOPIFY_BUCKET_SIZE = 2000;
export const SHOPIFY_MAX_QUERY_COST = 1000;

export interface ShopifySimulatorOptions {
  scale?: number;
  port?: number;
  /** The app's client id and secret: the token endpoint checks them; webhooks are signed with the secret. */
  apiKey?: string;
  apiSecret?: string;
  bucketSize?: number;
  restoreRate?: number;
}

export interface SeedShop {
  domain: string;
  accessToken: string;
  currency?: string;
  name?: string;
  /** Expiring offline tokens: a refresh token and the access token's lifetime. */
  refreshToken?: string;
  accessTokenTtlSeconds?: number;
}

export interface SeedVariant {
  sku: string | null;
  price: string;
  title?: string;
  inventoryQuantity?: number;
  tracked?: boolean;
}

interface VariantRec {
  id: number;
  productId: number;
  productTitle: string;
  sku: string | null;
  title: string;
  price: string;
  inventoryQuantity: number;
  tracked: boolean;
}
interface LineRec {
  id: number;
  variantId: number | undefined;
  sku: string | null;
  title: string;
  quantity: number;
  price: string;
  properties: { name: string; value: string }[];
}
interface FulfillmentRec {
  id: number;
  orderId: number;
  name: string;
  status: "SUCCESS" | "CANCELLED" | "PENDING" | "OPEN";
  createdAt: string;
  updatedAt: string;
  locationId: number | undefined;
  tracking: { company: string | null; number: string | null; url: string | null };
  lines: { id: number; lineItemId: number; quantity: number }[];
}
export interface OrderRec {
  id: number;
  name: string;
  createdAt: string;
  processedAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  cancelReason: string | null;
  currency: string;
  email: string | null;
  sourceName: string | null;
  sourceIdentifier: string | null;
  tags: string[];
  taxesIncluded: boolean;
  totalPrice: string;
  financialStatus: string;
  lines: LineRec[];
  fulfillments: FulfillmentRec[];
  /** The orderCreate input as received, for assertions. */
  input: Record<string, unknown>;
  options: Record<string, unknown> | undefined;
  refunded: boolean;
  restocked: boolean;
}
interface SubscriptionRec {
  id: number;
  topic: string;
  uri: string;
  format: string;
  createdAt: string;
}
export interface WebhookDelivery {
  id: string;
  topic: string;
  uri: string;
  status: number | undefined;
  error: string | undefined;
  body: unknown;
  headers: Record<string, string>;
}
interface ShopState {
  id: number;
  domain: string;
  name: string;
  currency: string;
  variants: VariantRec[];
  locations: { id: number; name: string }[];
  orders: OrderRec[];
  subscriptions: SubscriptionRec[];
  deliveries: WebhookDelivery[];
  nextOrderNumber: number;
  bucket: SimBucket;
  /** Webhooks are recorded but not sent (a lost delivery, an app endpoint that was down). */
  webhooksPaused: boolean;
}

export interface ShopifySimulator {
  server: SimulatorServer;
  url: string;
  stop(): Promise<void>;
  reset(): void;
  addShop(shop: SeedShop): void;
  addProduct(
    shop: string,
    product: { title: string; variants: SeedVariant[] },
  ): { productId: string; variantIds: string[] };
  addLocation(shop: string, name: string): string;
  orders(shop: string): OrderRec[];
  variant(shop: string, variantGid: string): VariantRec | undefined;
  /** Ship lines of an order (all lines when `lines` is omitted); sends fulfillments/create. */
  createFulfillment(
    shop: string,
    orderGid: string,
    input: {
      company?: string;
      number?: string;
      url?: string;
      lines?: { lineItemId: string; quantity: number }[];
    },
  ): Promise<string>;
  /** Changes a fulfillment's tracking; sends fulfillments/update. */
  updateTracking(
    shop: string,
    fulfillmentGid: string,
    tracking: { company?: string; number?: string; url?: string },
  ): Promise<void>;
  /** Sends a webhook of `topic` (e.g. APP_UNINSTALLED) to its subscribers with the given payload. */
  sendWebhook(shop: string, topic: string, payload: unknown): Promise<WebhookDelivery[]>;
  deliveries(shop: string): WebhookDelivery[];
  /** While paused, webhooks are recorded as undelivered (`error: "paused"`) instead of sent. */
  pauseWebhooks(shop: string, paused: boolean): void;
  subscriptions(shop: string): { id: string; topic: string; uri: string }[];
  /** Makes the shop's current access token(s) expired (401 until refreshed). */
  expireAccessTokens(shop: string): void;
  /** A new, non-expiring access token for an existing shop (what a new token exchange issues). */
  issueAccessToken(shop: string): string;
  /** Empties the shop's cost bucket (the next query is THROTTLED). */
  drainBucket(shop: string): void;
}

const gid = (type: string, id: number) => `gid://shopify/${type}/${id}`;
function parseGid(value: unknown, type: string): number | undefined {
  if (typeof value !== "string") return undefined;
  const m = new RegExp(`^gid://shopify/${type}/(\\d+)$`).exec(value);
  return m ? Number(m[1]) : undefined;
}

// Decimal strings → integer hundredths (or units for 0-decimal currencies) without floats.
const ZERO_DECIMAL = new Set([
  "JPY",
  "KRW",
  "VND",
  "CLP",
  "ISK",
  "HUF",
  "TWD",
  "UGX",
  "XAF",
  "XOF",
]);
function toUnits(amount: string, currency: string): number {
  const exp = ZERO_DECIMAL.has(currency) ? 0 : 2;
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount);
  if (!m) throw new Error(`bad amount ${amount}`);
  const frac = (m[3] ?? "").padEnd(exp, "0");
  if (/[1-9]/.test(frac.slice(exp))) throw new Error(`too many decimals in ${amount}`);
  const v = Number(`${m[2]}${frac.slice(0, exp)}`);
  return m[1] === "-" ? -v : v;
}
function fromUnits(units: number, currency: string): string {
  const exp = ZERO_DECIMAL.has(currency) ? 0 : 2;
  if (exp === 0) return String(units);
  const sign = units < 0 ? "-" : "";
  const digits = String(Math.abs(units)).padStart(3, "0");
  return `${sign}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

// --- Shopify search syntax (the subset we need): `a:"x" OR b:y`, AND/implicit AND, quoted values.
interface Term {
  field: string | undefined;
  value: string;
  /** A bare value's unescaped leading / trailing `*` (Shopify's wildcard); quoted values have none. */
  wildcard?: { start: boolean; end: boolean };
}
export function parseSearch(query: string): Term[][] {
  const tokens: string[] = [];
  const re = /\s*((?:[\w.]+:)?(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|(?:\\.|[^\s()\\])+))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(query))) tokens.push(m[1]!);
  const groups: Term[][] = [[]];
  for (const token of tokens) {
    if (token === "OR") {
      groups.push([]);
      continue;
    }
    if (token === "AND") continue;
    const fm = /^([\w.]+):(.*)$/.exec(token);
    const raw = fm ? fm[2]! : token;
    const field = fm?.[1]?.toLowerCase();
    if (/^(["']).*\1$/.test(raw)) {
      groups[groups.length - 1]!.push({ field, value: raw.slice(1, -1).replace(/\\(.)/g, "$1") });
      continue;
    }
    const start = raw.startsWith("*");
    const end = raw.length > 1 && raw.endsWith("*") && !raw.endsWith("\\*");
    const core = raw.slice(start ? 1 : 0, end ? -1 : undefined).replace(/\\(.)/g, "$1");
    groups[groups.length - 1]!.push({ field, value: core, wildcard: { start, end } });
  }
  return groups.filter((g) => g.length > 0);
}
/** A field value against a term: exact (case-insensitive) unless `*` opens or closes the term. */
function wildcardMatch(field: string, t: Term): boolean {
  const have = field.toLowerCase();
  const want = t.value.toLowerCase();
  const { start = false, end = false } = t.wildcard ?? {};
  if (start && end) return have.includes(want);
  if (start) return have.endsWith(want);
  if (end) return have.startsWith(want);
  return have === want;
}
function matches(query: string | undefined, test: (t: Term) => boolean): boolean {
  if (!query?.trim()) return true;
  return parseSearch(query).some((group) => group.every(test));
}

function paginate<T>(
  items: T[],
  args: { first?: number; after?: string },
  cursorOf: (t: T) => number,
) {
  const first = args.first;
  if (first === undefined || first === null) {
    throw new GraphQLError("you must provide one of first or last");
  }
  if (first > 250) throw new GraphQLError("The maximum page size is 250");
  let start = 0;
  if (args.after) {
    const after = Number(
      Buffer.from(args.after, "base64")
        .toString("utf8")
        .replace(/^cursor:/, ""),
    );
    start = items.findIndex((i) => cursorOf(i) > after);
    if (start < 0) start = items.length;
  }
  const page = items.slice(start, start + first);
  const cursor = (i: T) => Buffer.from(`cursor:${cursorOf(i)}`).toString("base64");
  return {
    nodes: page,
    edges: page.map((node) => ({ cursor: cursor(node), node })),
    pageInfo: {
      hasNextPage: start + first < items.length,
      hasPreviousPage: start > 0,
      startCursor: page[0] ? cursor(page[0]) : null,
      endCursor: page.length ? cursor(page[page.length - 1]!) : null,
    },
  };
}

export async function startShopifySimulator(
  options: ShopifySimulatorOptions = {},
): Promise<ShopifySimulator> {
  const server = new SimulatorServer({
    name: "shopify",
    ...(options.scale !== undefined ? { scale: options.scale } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
  });
  const apiKey = options.apiKey ?? "sim-api-key";
  const apiSecret = options.apiSecret ?? "sim-api-secret";
  const bucketSize = options.bucketSize ?? SHOPIFY_BUCKET_SIZE;
  const restoreRate = (options.restoreRate ?? SHOPIFY_RESTORE_RATE) * server.scale;
  const schema = simulatorSchema();

  const shops = new Map<string, ShopState>();
  const accessTokens = new Map<string, { shop: string; expiresAt: number | undefined }>();
  const refreshTokens = new Map<string, { shop: string; ttl: number }>();
  let nextId = 1000;
  const id = () => ++nextId;
  const now = () => new Date().toISOString();
  const documents = new Map<string, DocumentNode>();

  function shopOf(domain: string): ShopState {
    const shop = shops.get(domain.toLowerCase());
    if (!shop) throw new Error(`unknown shop ${domain}`);
    return shop;
  }

  // ---------------------------------------------------------------------------------------------
  // Webhooks

  async function deliver(
    shop: ShopState,
    topic: string,
    payload: unknown,
  ): Promise<WebhookDelivery[]> {
    const body = JSON.stringify(payload);
    const out: WebhookDelivery[] = [];
    for (const sub of shop.subscriptions.filter((s) => s.topic === topic)) {
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "x-shopify-topic": topic.toLowerCase().replace("_", "/"),
        "x-shopify-hmac-sha256": createHmac("sha256", apiSecret)
          .update(body, "utf8")
          .digest("base64"),
        "x-shopify-shop-domain": shop.domain,
        "x-shopify-webhook-id": randomUUID(),
        "x-shopify-event-id": randomUUID(),
        "x-shopify-triggered-at": now(),
        "x-shopify-api-version": "2026-07",
      };
      const delivery: WebhookDelivery = {
        id: headers["x-shopify-webhook-id"]!,
        topic,
        uri: sub.uri,
        status: undefined,
        error: undefined,
        body: payload,
        headers,
      };
      if (shop.webhooksPaused) {
        delivery.error = "paused";
        shop.deliveries.push(delivery);
        out.push(delivery);
        continue;
      }
      try {
        const res = await fetch(sub.uri, {
          method: "POST",
          headers,
          body,
          signal: AbortSignal.timeout(5_000),
        });
        delivery.status = res.status;
        await res.arrayBuffer();
      } catch (error) {
        delivery.error = (error as Error).message;
      }
      shop.deliveries.push(delivery);
      out.push(delivery);
    }
    return out;
  }

  function restLineItem(line: LineRec, quantity = line.quantity) {
    return {
      id: line.id,
      admin_graphql_api_id: gid("LineItem", line.id),
      variant_id: line.variantId ?? null,
      title: line.title,
      quantity,
      sku: line.sku,
      price: line.price,
      properties: line.properties,
      fulfillable_quantity: line.quantity,
    };
  }

  function fulfillmentPayload(shop: ShopState, order: OrderRec, f: FulfillmentRec) {
    return {
      id: f.id,
      admin_graphql_api_id: gid("Fulfillment", f.id),
      order_id: order.id,
      name: f.name,
      status: f.status.toLowerCase(),
      service: "manual",
      created_at: f.createdAt,
      updated_at: f.updatedAt,
      location_id: f.locationId ?? null,
      shipment_status: null,
      origin_address: null,
      receipt: {},
      tracking_company: f.tracking.company,
      tracking_number: f.tracking.number,
      tracking_numbers: f.tracking.number ? [f.tracking.number] : [],
      tracking_url: f.tracking.url,
      tracking_urls: f.tracking.url ? [f.tracking.url] : [],
      line_items: f.lines.map((fl) => {
        const line = order.lines.find((l) => l.id === fl.lineItemId)!;
        return restLineItem(line, fl.quantity);
      }),
      shop_domain: shop.domain,
    };
  }

  function orderPayload(order: OrderRec) {
    return {
      id: order.id,
      admin_graphql_api_id: gid("Order", order.id),
      name: order.name,
      created_at: order.createdAt,
      updated_at: order.updatedAt,
      processed_at: order.processedAt,
      cancelled_at: order.cancelledAt,
      cancel_reason: order.cancelReason?.toLowerCase() ?? null,
      currency: order.currency,
      email: order.email,
      financial_status: order.financialStatus,
      source_name: order.sourceName,
      source_identifier: order.sourceIdentifier,
      tags: order.tags.join(", "),
      taxes_included: order.taxesIncluded,
      total_price: order.totalPrice,
      line_items: order.lines.map((l) => restLineItem(l)),
    };
  }

  // ---------------------------------------------------------------------------------------------
  // GraphQL objects (plain data + functions for fields with arguments)

  function variantObject(v: VariantRec) {
    return {
      id: gid("ProductVariant", v.id),
      sku: v.sku,
      title: v.title,
      displayName: `${v.productTitle} - ${v.title}`,
      price: v.price,
      inventoryQuantity: v.inventoryQuantity,
      inventoryItem: { id: gid("InventoryItem", v.id), tracked: v.tracked },
      product: { id: gid("Product", v.productId), title: v.productTitle },
    };
  }

  function moneyBag(amount: string, currency: string) {
    const money = { amount, currencyCode: currency };
    return { shopMoney: money, presentmentMoney: money };
  }

  function lineObject(shop: ShopState, order: OrderRec, line: LineRec) {
    const variant = shop.variants.find((v) => v.id === line.variantId);
    return {
      id: gid("LineItem", line.id),
      sku: line.sku,
      title: line.title,
      quantity: line.quantity,
      customAttributes: line.properties.map((p) => ({ key: p.name, value: p.value })),
      originalUnitPriceSet: moneyBag(line.price, order.currency),
      variant: variant ? variantObject(variant) : null,
    };
  }

  function fulfillmentObject(
    shop: ShopState,
    order: OrderRec,
    f: FulfillmentRec,
  ): Record<string, unknown> {
    return {
      id: gid("Fulfillment", f.id),
      name: f.name,
      status: f.status,
      createdAt: f.createdAt,
      updatedAt: f.updatedAt,
      order: () => orderObject(shop, order),
      trackingInfo: ({ first }: { first?: number }) =>
        (f.tracking.number || f.tracking.company ? [f.tracking] : []).slice(0, first ?? 1),
      fulfillmentLineItems: (args: { first?: number; after?: string }) =>
        paginate(
          f.lines.map((fl) => ({
            id: gid("FulfillmentLineItem", fl.id),
            quantity: fl.quantity,
            lineItem: lineObject(
              shop,
              order,
              order.lines.find((l) => l.id === fl.lineItemId)!,
            ),
            _cursor: fl.id,
          })),
          args,
          (x) => x._cursor,
        ),
    };
  }

  function orderObject(shop: ShopState, order: OrderRec): Record<string, unknown> {
    return {
      id: gid("Order", order.id),
      name: order.name,
      createdAt: order.createdAt,
      processedAt: order.processedAt,
      cancelledAt: order.cancelledAt,
      cancelReason: order.cancelReason,
      currencyCode: order.currency,
      email: order.email,
      sourceName: order.sourceName,
      sourceIdentifier: order.sourceIdentifier,
      tags: order.tags,
      taxesIncluded: order.taxesIncluded,
      totalPriceSet: moneyBag(order.totalPrice, order.currency),
      customAttributes: [],
      lineItems: (args: { first?: number; after?: string }) =>
        paginate(
          order.lines.map((l) => ({ ...lineObject(shop, order, l), _cursor: l.id })),
          args,
          (x) => x._cursor,
        ),
      fulfillments: ({ first }: { first?: number }) =>
        order.fulfillments.slice(0, first ?? 250).map((f) => fulfillmentObject(shop, order, f)),
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Mutations

  type Err = { field: string[]; message: string; code?: string };

  function orderCreate(
    shop: ShopState,
    input: Record<string, unknown>,
    opts: Record<string, unknown> | undefined,
  ) {
    const errors: Err[] = [];
    const currency = (input.currency as string | undefined) ?? shop.currency;
    const lineInputs = (input.lineItems as Record<string, unknown>[] | undefined) ?? [];
    if (lineInputs.length === 0) {
      errors.push({
        field: ["order", "lineItems"],
        message: "Line items must have at least one line item",
        code: "INVALID",
      });
    }
    const checkMoney = (bag: unknown, field: string[]) => {
      const m = (bag as { shopMoney?: { amount: string; currencyCode: string } } | undefined)
        ?.shopMoney;
      if (!m) return 0;
      if (m.currencyCode !== currency) {
        errors.push({
          field,
          message: `Currency code must match the order currency (${currency})`,
          code: "INVALID",
        });
        return 0;
      }
      try {
        return toUnits(m.amount, currency);
      } catch (e) {
        errors.push({ field, message: (e as Error).message, code: "INVALID" });
        return 0;
      }
    };
    const lines: LineRec[] = [];
    let subtotal = 0;
    let tax = 0;
    lineInputs.forEach((li, i) => {
      const field = ["order", "lineItems", String(i)];
      const variantId =
        li.variantId === undefined ? undefined : parseGid(li.variantId, "ProductVariant");
      const variant =
        variantId === undefined ? undefined : shop.variants.find((v) => v.id === variantId);
      if (li.variantId !== undefined && !variant) {
        errors.push({
          field: [...field, "variantId"],
          message: "Variant does not exist",
          code: "INVALID",
        });
        return;
      }
      if (!variant && !li.title) {
        errors.push({
          field: [...field, "title"],
          message: "Title can't be blank for a custom line item",
          code: "INVALID",
        });
      }
      const quantity = li.quantity as number;
      if (quantity < 1) {
        errors.push({
          field: [...field, "quantity"],
          message: "Quantity must be greater than or equal to 1",
          code: "INVALID",
        });
      }
      const price = li.priceSet
        ? checkMoney(li.priceSet, [...field, "priceSet"])
        : toUnits(variant?.price ?? "0", currency);
      subtotal += price * quantity;
      for (const [t, tl] of (
        (li.taxLines as Record<string, unknown>[] | undefined) ?? []
      ).entries()) {
        tax += checkMoney(tl.priceSet, [...field, "taxLines", String(t), "priceSet"]);
      }
      lines.push({
        id: id(),
        variantId: variant?.id,
        sku: (li.sku as string | undefined) ?? variant?.sku ?? null,
        title: (li.title as string | undefined) ?? variant?.productTitle ?? "",
        quantity,
        price: fromUnits(price, currency),
        properties: (li.properties as { name: string; value: string }[] | undefined) ?? [],
      });
    });
    let shipping = 0;
    for (const [s, sl] of (
      (input.shippingLines as Record<string, unknown>[] | undefined) ?? []
    ).entries()) {
      shipping += checkMoney(sl.priceSet, ["order", "shippingLines", String(s), "priceSet"]);
      for (const tl of (sl.taxLines as Record<string, unknown>[] | undefined) ?? []) {
        tax += checkMoney(tl.priceSet, ["order", "shippingLines", String(s), "taxLines"]);
      }
    }
    const discountInput = (
      input.discountCode as { itemFixedDiscountCode?: { amountSet?: unknown } } | undefined
    )?.itemFixedDiscountCode;
    const discount = discountInput
      ? checkMoney(discountInput.amountSet, ["order", "discountCode"])
      : 0;
    for (const [t, tr] of (
      (input.transactions as Record<string, unknown>[] | undefined) ?? []
    ).entries()) {
      checkMoney(tr.amountSet, ["order", "transactions", String(t), "amountSet"]);
    }
    const processedAt = (input.processedAt as string | undefined) ?? now();
    if (Date.parse(processedAt) > Date.now() + 60_000) {
      errors.push({
        field: ["order", "processedAt"],
        message: "Processed at can't be in the future",
        code: "PROCESSED_AT_INVALID",
      });
    }
    const behaviour = (opts?.inventoryBehaviour as string | undefined) ?? "BYPASS";
    if (behaviour === "DECREMENT_OBEYING_POLICY") {
      for (const line of lines) {
        const v = shop.variants.find((x) => x.id === line.variantId);
        if (v?.tracked && v.inventoryQuantity < line.quantity) {
          errors.push({
            field: ["order", "lineItems"],
            message: `Unable to claim inventory for ${v.sku ?? v.title}`,
            code: "INVENTORY_CLAIM_FAILED",
          });
        }
      }
    }
    if (errors.length > 0) return { order: null, userErrors: errors };

    if (behaviour !== "BYPASS") {
      for (const line of lines) {
        const v = shop.variants.find((x) => x.id === line.variantId);
        if (v?.tracked) v.inventoryQuantity -= line.quantity;
      }
    }
    const taxesIncluded = Boolean(input.taxesIncluded);
    const total = subtotal - discount + shipping + (taxesIncluded ? 0 : tax);
    const orderId = id();
    const order: OrderRec = {
      id: orderId,
      name: (input.name as string | undefined) ?? `#${shop.nextOrderNumber++}`,
      createdAt: now(),
      processedAt,
      updatedAt: now(),
      cancelledAt: null,
      cancelReason: null,
      currency,
      email: (input.email as string | undefined) ?? null,
      sourceName: (input.sourceName as string | undefined) ?? null,
      sourceIdentifier: (input.sourceIdentifier as string | undefined) ?? null,
      tags: ((input.tags as string[] | undefined) ?? []).map((t) => t.trim()).filter(Boolean),
      taxesIncluded,
      totalPrice: fromUnits(total, currency),
      financialStatus: ((input.financialStatus as string | undefined) ?? "PENDING").toLowerCase(),
      lines,
      fulfillments: [],
      input,
      options: opts,
      refunded: false,
      restocked: false,
    };
    if (input.fulfillmentStatus === "FULFILLED") {
      const ts = now();
      order.fulfillments.push({
        id: id(),
        orderId,
        name: `${order.name}.1`,
        status: "SUCCESS",
        createdAt: ts,
        updatedAt: ts,
        locationId: shop.locations[0]?.id,
        tracking: { company: null, number: null, url: null },
        lines: lines.map((l) => ({ id: id(), lineItemId: l.id, quantity: l.quantity })),
      });
    }
    shop.orders.push(order);
    return { order: orderObject(shop, order), userErrors: [] };
  }

  function orderCancel(shop: ShopState, args: Record<string, unknown>) {
    const err = (message: string, code: string, field = ["orderId"]) => ({
      job: null,
      orderCancelUserErrors: [{ field, message, code }],
      userErrors: [{ field, message }],
    });
    const orderId = parseGid(args.orderId, "Order");
    const order = shop.orders.find((o) => o.id === orderId);
    if (!order) return err("Order does not exist", "NOT_FOUND");
    if (order.cancelledAt) return err("Order has already been cancelled", "INVALID");
    const refundMethod = args.refundMethod as
      { originalPaymentMethodsRefund?: boolean } | undefined;
    if (args.refund !== undefined && refundMethod !== undefined) {
      return err("Only one of refund or refundMethod can be provided", "INVALID", ["refund"]);
    }
    order.refunded = Boolean(args.refund ?? refundMethod?.originalPaymentMethodsRefund ?? false);
    order.cancelledAt = now();
    order.updatedAt = order.cancelledAt;
    order.cancelReason = args.reason as string;
    if (args.restock) {
      order.restocked = true;
      for (const line of order.lines) {
        const v = shop.variants.find((x) => x.id === line.variantId);
        if (v?.tracked) v.inventoryQuantity += line.quantity;
      }
    }
    void deliver(shop, "ORDERS_CANCELLED", orderPayload(order));
    return {
      job: { id: gid("Job", id()), done: false },
      orderCancelUserErrors: [],
      userErrors: [],
    };
  }

  function webhookSubscriptionCreate(shop: ShopState, args: Record<string, unknown>) {
    const input = args.webhookSubscription as {
      uri?: string;
      callbackUrl?: string;
      format?: string;
    };
    const uri = input.uri ?? input.callbackUrl;
    const topic = args.topic as string;
    const field = ["webhookSubscription", "callbackUrl"];
    const fail = (message: string) => ({
      webhookSubscription: null,
      userErrors: [{ field, message }],
    });
    if (!uri) return fail("Address can't be blank");
    let parsed: URL;
    try {
      parsed = new URL(uri);
    } catch {
      return fail("Address is invalid");
    }
    // Shopify requires https; the simulator also accepts http on loopback so tests can receive.
    const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname);
    if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && loopback)) {
      return fail(`Address protocol ${parsed.protocol}// is not supported`);
    }
    if (shop.subscriptions.some((s) => s.topic === topic && s.uri === uri)) {
      return fail("Address for this topic has already been taken");
    }
    const sub: SubscriptionRec = {
      id: id(),
      topic,
      uri,
      format: input.format ?? "JSON",
      createdAt: now(),
    };
    shop.subscriptions.push(sub);
    return { webhookSubscription: subscriptionObject(sub), userErrors: [] };
  }

  function subscriptionObject(s: SubscriptionRec) {
    return {
      id: gid("WebhookSubscription", s.id),
      topic: s.topic,
      uri: s.uri,
      format: s.format,
      createdAt: s.createdAt,
      updatedAt: s.createdAt,
    };
  }

  function rootValue(shop: ShopState) {
    return {
      shop: {
        id: gid("Shop", shop.id),
        name: shop.name,
        myshopifyDomain: shop.domain,
        currencyCode: shop.currency,
      },
      productVariants: (args: {
        first?: number;
        after?: string;
        query?: string;
        reverse?: boolean;
      }) => {
        const list = shop.variants.filter((v) =>
          matches(args.query, (t) => {
            const value = t.value.toLowerCase();
            // Shopify's sku filter is tokenized/prefix: "abc" also finds "ABC-2".
            if (t.field === "sku") {
              const sku = (v.sku ?? "").toLowerCase();
              return t.wildcard?.start ? sku.includes(value) : sku.startsWith(value);
            }
            // `title` is the variant's own title (the spec's filter table), not the product's.
            if (t.field === "title") return wildcardMatch(v.title, t);
            if (t.field === "id") return String(v.id) === t.value;
            if (t.field === "product_id") return String(v.productId) === t.value;
            if (t.field === undefined)
              return `${v.sku ?? ""} ${v.title} ${v.productTitle}`.toLowerCase().includes(value);
            return false;
          }),
        );
        const page = paginate(args.reverse ? [...list].reverse() : list, args, (v) => v.id);
        return {
          ...page,
          nodes: page.nodes.map(variantObject),
          edges: page.edges.map((e) => ({ cursor: e.cursor, node: variantObject(e.node) })),
        };
      },
      orders: (args: { first?: number; after?: string; query?: string; reverse?: boolean }) => {
        const list = shop.orders.filter((o) =>
          matches(args.query, (t) => {
            if (t.field === "source_identifier") return o.sourceIdentifier === t.value;
            if (t.field === "source_name") return o.sourceName === t.value;
            if (t.field === "tag")
              return o.tags.some((tag) => tag.toLowerCase() === t.value.toLowerCase());
            if (t.field === "name") return o.name === t.value || o.name === `#${t.value}`;
            if (t.field === "id") return String(o.id) === t.value;
            if (t.field === "status")
              return t.value === "cancelled"
                ? o.cancelledAt !== null
                : t.value === "open"
                  ? o.cancelledAt === null
                  : true;
            return false;
          }),
        );
        const page = paginate(args.reverse ? [...list].reverse() : list, args, (o) => o.id);
        return {
          ...page,
          nodes: page.nodes.map((o) => orderObject(shop, o)),
          edges: page.edges.map((e) => ({ cursor: e.cursor, node: orderObject(shop, e.node) })),
        };
      },
      order: ({ id: orderGid }: { id: string }) => {
        const order = shop.orders.find((o) => o.id === parseGid(orderGid, "Order"));
        return order ? orderObject(shop, order) : null;
      },
      fulfillment: ({ id: fGid }: { id: string }) => {
        const fid = parseGid(fGid, "Fulfillment");
        for (const order of shop.orders) {
          const f = order.fulfillments.find((x) => x.id === fid);
          if (f) return fulfillmentObject(shop, order, f);
        }
        return null;
      },
      webhookSubscriptions: (args: {
        first?: number;
        after?: string;
        topics?: string[];
        uri?: string;
      }) => {
        const list = shop.subscriptions.filter(
          (s) =>
            (!args.topics || args.topics.includes(s.topic)) && (!args.uri || args.uri === s.uri),
        );
        const page = paginate(list, args, (s) => s.id);
        return {
          ...page,
          nodes: page.nodes.map(subscriptionObject),
          edges: page.edges.map((e) => ({ cursor: e.cursor, node: subscriptionObject(e.node) })),
        };
      },
      orderCreate: (args: { order: Record<string, unknown>; options?: Record<string, unknown> }) =>
        orderCreate(shop, args.order, args.options),
      orderCancel: (args: Record<string, unknown>) => orderCancel(shop, args),
      webhookSubscriptionCreate: (args: Record<string, unknown>) =>
        webhookSubscriptionCreate(shop, args),
    };
  }

  // ---------------------------------------------------------------------------------------------
  // HTTP

  function authenticate(req: SimRequest): ShopState | undefined {
    const token = req.headers["x-shopify-access-token"];
    if (typeof token !== "string") return undefined;
    const record = accessTokens.get(token);
    if (!record) return undefined;
    if (record.expiresAt !== undefined && record.expiresAt <= Date.now()) return undefined;
    const claimed = req.headers["x-shopify-shop-domain"];
    if (typeof claimed === "string" && claimed.toLowerCase() !== record.shop) return undefined;
    return shops.get(record.shop);
  }

  function throttleStatus(shop: ShopState) {
    return {
      maximumAvailable: bucketSize,
      currentlyAvailable: Math.floor(shop.bucket.available()),
      restoreRate,
    };
  }

  server.route("POST", "/admin/api/:version/graphql.json", "graphql", (req): SimResponse => {
    const shop = authenticate(req);
    if (!shop) return { status: 401, body: SHOPIFY_INVALID_TOKEN_BODY };
    if (
      !/^\d{4}-(01|04|07|10)$/.test(req.params.version ?? "") &&
      req.params.version !== "unstable"
    ) {
      return { status: 404, body: { errors: "Not Found" } };
    }
    const body = req.body as
      { query?: unknown; variables?: unknown; operationName?: unknown } | undefined;
    if (!body || typeof body !== "object" || typeof body.query !== "string") {
      return { status: 400, body: { errors: { query: "Required parameter missing or invalid" } } };
    }
    let document = documents.get(body.query);
    if (!document) {
      try {
        document = parse(body.query);
      } catch (error) {
        const e = error as GraphQLError;
        return { status: 200, body: { errors: [{ message: e.message, locations: e.locations }] } };
      }
      const problems = validate(schema, document);
      if (problems.length > 0) {
        return {
          status: 200,
          body: { errors: problems.map((p) => ({ message: p.message, locations: p.locations })) },
        };
      }
      documents.set(body.query, document);
    }
    const operationName = typeof body.operationName === "string" ? body.operationName : undefined;
    const operation = getOperationAST(document, operationName);
    if (!operation) {
      return { status: 200, body: { errors: [{ message: "An operation name is required" }] } };
    }
    const variables = (body.variables ?? {}) as Record<string, unknown>;
    const cost = requestedCost(schema, document, operation, variables);
    if (cost > SHOPIFY_MAX_QUERY_COST) {
      return {
        status: 200,
        body: {
          errors: [
            {
              message: `Query cost is ${cost}, which exceeds the single query max cost limit (${SHOPIFY_MAX_QUERY_COST}).`,
              extensions: { code: "MAX_COST_EXCEEDED", cost, maxCost: SHOPIFY_MAX_QUERY_COST },
            },
          ],
        },
      };
    }
    const taken = shop.bucket.tryTake(cost);
    if (!taken.ok) {
      server.throttledCount.set("graphql", (server.throttledCount.get("graphql") ?? 0) + 1);
      return {
        status: 200,
        body: {
          errors: [
            {
              message: "Throttled",
              extensions: {
                code: "THROTTLED",
                documentation: "https://shopify.dev/api/usage/rate-limits",
              },
            },
          ],
          extensions: {
            cost: {
              requestedQueryCost: cost,
              actualQueryCost: null,
              throttleStatus: throttleStatus(shop),
            },
          },
        },
      };
    }
    const result = execute({
      schema,
      document,
      rootValue: rootValue(shop),
      variableValues: variables,
      ...(operationName ? { operationName } : {}),
    }) as Awaited<ReturnType<typeof execute>>;
    const extensions = {
      cost: {
        requestedQueryCost: cost,
        actualQueryCost: cost,
        throttleStatus: throttleStatus(shop),
      },
    };
    const errors = result.errors?.map((e) => ({
      message: e.message,
      ...(e.locations ? { locations: e.locations } : {}),
      ...(e.path ? { path: e.path } : {}),
      ...(e.extensions && Object.keys(e.extensions).length ? { extensions: e.extensions } : {}),
    }));
    return {
      status: 200,
      body: {
        ...(result.data !== undefined ? { data: result.data } : {}),
        ...(errors ? { errors } : {}),
        extensions,
      },
    };
  });

  server.route("POST", "/admin/oauth/access_token", "oauth.token", (req): SimResponse => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const shopHeader = req.headers["x-shopify-shop-domain"];
    if (body.client_id !== apiKey || body.client_secret !== apiSecret) {
      return {
        status: 400,
        body: { error: "invalid_client", error_description: "Client authentication failed" },
      };
    }
    if (body.grant_type !== "refresh_token") {
      return {
        status: 400,
        body: {
          error: "unsupported_grant_type",
          error_description: "Only refresh_token is simulated",
        },
      };
    }
    const record =
      typeof body.refresh_token === "string" ? refreshTokens.get(body.refresh_token) : undefined;
    if (!record || (typeof shopHeader === "string" && shopHeader.toLowerCase() !== record.shop)) {
      return {
        status: 400,
        body: {
          error: "invalid_grant",
          error_description: "The refresh token is invalid or expired",
        },
      };
    }
    refreshTokens.delete(body.refresh_token as string);
    const accessToken = `shpat_${randomUUID().replace(/-/g, "")}`;
    const refreshToken = `shprt_${randomUUID().replace(/-/g, "")}`;
    accessTokens.set(accessToken, { shop: record.shop, expiresAt: Date.now() + record.ttl * 1000 });
    refreshTokens.set(refreshToken, record);
    return {
      status: 200,
      body: {
        access_token: accessToken,
        scope: "read_products,write_orders,read_orders,read_fulfillments",
        expires_in: record.ttl,
        refresh_token: refreshToken,
        refresh_token_expires_in: 7_776_000,
      },
    };
  });

  // ---------------------------------------------------------------------------------------------
  // Typed helpers (also reachable over HTTP under /__admin/shopify/…)

  const sim: ShopifySimulator = {
    server,
    get url() {
      return server.url;
    },
    stop: () => server.stop(),
    reset: () => server.reset(),
    addShop(seed) {
      const domain = seed.domain.toLowerCase();
      shops.set(domain, {
        id: id(),
        domain,
        name: seed.name ?? domain.split(".")[0]!,
        currency: seed.currency ?? "USD",
        variants: [],
        locations: [{ id: id(), name: "Shop location" }],
        orders: [],
        subscriptions: [],
        deliveries: [],
        nextOrderNumber: 1001,
        webhooksPaused: false,
        bucket: new SimBucket(restoreRate, bucketSize),
      });
      const ttl = seed.accessTokenTtlSeconds;
      accessTokens.set(seed.accessToken, {
        shop: domain,
        expiresAt: ttl !== undefined ? Date.now() + ttl * 1000 : undefined,
      });
      if (seed.refreshToken)
        refreshTokens.set(seed.refreshToken, { shop: domain, ttl: ttl ?? 3600 });
    },
    addProduct(domain, product) {
      const shop = shopOf(domain);
      const productId = id();
      const variantIds = product.variants.map((v, i) => {
        const rec: VariantRec = {
          id: id(),
          productId,
          productTitle: product.title,
          sku: v.sku,
          title: v.title ?? (product.variants.length > 1 ? `Variant ${i + 1}` : "Default Title"),
          price: v.price,
          inventoryQuantity: v.inventoryQuantity ?? 0,
          tracked: v.tracked ?? true,
        };
        shop.variants.push(rec);
        return gid("ProductVariant", rec.id);
      });
      return { productId: gid("Product", productId), variantIds };
    },
    addLocation(domain, name) {
      const loc = { id: id(), name };
      shopOf(domain).locations.push(loc);
      return gid("Location", loc.id);
    },
    orders: (domain) => shopOf(domain).orders,
    variant: (domain, variantGid) =>
      shopOf(domain).variants.find((v) => v.id === parseGid(variantGid, "ProductVariant")),
    async createFulfillment(domain, orderGid, input) {
      const shop = shopOf(domain);
      const order = shop.orders.find((o) => o.id === parseGid(orderGid, "Order"));
      if (!order) throw new Error(`no order ${orderGid}`);
      const lines = input.lines
        ? input.lines.map((l) => {
            const lineItemId = parseGid(l.lineItemId, "LineItem");
            if (!order.lines.some((x) => x.id === lineItemId))
              throw new Error(`no line ${l.lineItemId}`);
            return { id: id(), lineItemId: lineItemId!, quantity: l.quantity };
          })
        : order.lines.map((l) => ({ id: id(), lineItemId: l.id, quantity: l.quantity }));
      const ts = now();
      const f: FulfillmentRec = {
        id: id(),
        orderId: order.id,
        name: `${order.name}.${order.fulfillments.length + 1}`,
        status: "SUCCESS",
        createdAt: ts,
        updatedAt: ts,
        locationId: shop.locations[0]?.id,
        tracking: {
          company: input.company ?? null,
          number: input.number ?? null,
          url: input.url ?? null,
        },
        lines,
      };
      order.fulfillments.push(f);
      await deliver(shop, "FULFILLMENTS_CREATE", fulfillmentPayload(shop, order, f));
      return gid("Fulfillment", f.id);
    },
    async updateTracking(domain, fulfillmentGid, tracking) {
      const shop = shopOf(domain);
      const fid = parseGid(fulfillmentGid, "Fulfillment");
      for (const order of shop.orders) {
        const f = order.fulfillments.find((x) => x.id === fid);
        if (!f) continue;
        f.tracking = {
          company: tracking.company ?? f.tracking.company,
          number: tracking.number ?? f.tracking.number,
          url: tracking.url ?? f.tracking.url,
        };
        f.updatedAt = now();
        await deliver(shop, "FULFILLMENTS_UPDATE", fulfillmentPayload(shop, order, f));
        return;
      }
      throw new Error(`no fulfillment ${fulfillmentGid}`);
    },
    sendWebhook: (domain, topic, payload) => deliver(shopOf(domain), topic, payload),
    deliveries: (domain) => shopOf(domain).deliveries,
    pauseWebhooks(domain, paused) {
      shopOf(domain).webhooksPaused = paused;
    },
    subscriptions: (domain) =>
      shopOf(domain).subscriptions.map((s) => ({
        id: gid("WebhookSubscription", s.id),
        topic: s.topic,
        uri: s.uri,
      })),
    expireAccessTokens(domain) {
      for (const record of accessTokens.values()) {
        if (record.shop === domain.toLowerCase()) record.expiresAt = Date.now() - 1;
      }
    },
    issueAccessToken(domain) {
      const shop = shopOf(domain);
      const accessToken = `shpat_${randomUUID().replace(/-/g, "")}`;
      accessTokens.set(accessToken, { shop: shop.domain, expiresAt: undefined });
      return accessToken;
    },
    drainBucket(domain) {
      const shop = shopOf(domain);
      shop.bucket.tryTake(Math.floor(shop.bucket.available()));
    },
  };

  const wrap =
    (fn: (req: SimRequest) => unknown, status = 200) =>
    async (req: SimRequest): Promise<SimResponse> => {
      try {
        const body = await fn(req);
        return { status, body: body ?? {} };
      } catch (error) {
        return { status: 400, body: { error: (error as Error).message } };
      }
    };
  const b = <T>(req: SimRequest) => (req.body ?? {}) as T;
  server
    .route(
      "POST",
      "/__admin/shopify/shops",
      "admin.shops",
      wrap((req) => sim.addShop(b<SeedShop>(req)), 201),
    )
    .route(
      "POST",
      "/__admin/shopify/shops/:shop/products",
      "admin.products",
      wrap(
        (req) =>
          sim.addProduct(req.params.shop!, b<{ title: string; variants: SeedVariant[] }>(req)),
        201,
      ),
    )
    .route(
      "POST",
      "/__admin/shopify/shops/:shop/locations",
      "admin.locations",
      wrap(
        (req) => ({ id: sim.addLocation(req.params.shop!, b<{ name: string }>(req).name) }),
        201,
      ),
    )
    .route(
      "GET",
      "/__admin/shopify/shops/:shop/orders",
      "admin.orders",
      wrap((req) => ({ orders: sim.orders(req.params.shop!) })),
    )
    .route(
      "POST",
      "/__admin/shopify/shops/:shop/orders/:orderId/fulfillments",
      "admin.fulfillments",
      wrap(
        async (req) => ({
          id: await sim.createFulfillment(
            req.params.shop!,
            gid("Order", Number(req.params.orderId)),
            b<{ company?: string; number?: string; url?: string }>(req),
          ),
        }),
        201,
      ),
    )
    .route(
      "POST",
      "/__admin/shopify/shops/:shop/fulfillments/:fulfillmentId/tracking",
      "admin.tracking",
      wrap(async (req) => {
        await sim.updateTracking(
          req.params.shop!,
          gid("Fulfillment", Number(req.params.fulfillmentId)),
          b<{ company?: string; number?: string; url?: string }>(req),
        );
        return {};
      }),
    )
    .route(
      "POST",
      "/__admin/shopify/shops/:shop/webhooks",
      "admin.webhooks",
      wrap(async (req) => {
        const { topic, payload } = b<{ topic: string; payload: unknown }>(req);
        return { deliveries: await sim.sendWebhook(req.params.shop!, topic, payload ?? {}) };
      }),
    )
    .route(
      "GET",
      "/__admin/shopify/shops/:shop/webhooks",
      "admin.webhooks",
      wrap((req) => ({
        subscriptions: sim.subscriptions(req.params.shop!),
        deliveries: sim.deliveries(req.params.shop!),
      })),
    )
    .route(
      "POST",
      "/__admin/shopify/shops/:shop/tokens/expire",
      "admin.tokens",
      wrap((req) => sim.expireAccessTokens(req.params.shop!)),
    )
    .route(
      "POST",
      "/__admin/shopify/shops/:shop/bucket/drain",
      "admin.bucket",
      wrap((req) => sim.drainBucket(req.params.shop!)),
    );

  server.onReset(() => {
    for (const shop of shops.values()) shop.bucket = new SimBucket(restoreRate, bucketSize);
  });

  await server.start();
  return sim;
}
