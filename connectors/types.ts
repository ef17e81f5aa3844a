import type { Money } from "./money";

/**
 * The normalized domain every connector maps into, and the two interfaces jobs program against.
 * Ids are branded so an eBay order id cannot be passed where an Amazon one is expected.
 */

declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type EbayOrderId = Brand<string, "EbayOrderId">;
export type AmazonOrderId = Brand<string, "AmazonOrderId">;
export type MarketplaceOrderId = EbayOrderId | AmazonOrderId;
export type EbayLineItemId = Brand<string, "EbayLineItemId">;
export type AmazonOrderItemId = Brand<string, "AmazonOrderItemId">;
export type MarketplaceLineId = EbayLineItemId | AmazonOrderItemId;
/** Shopify order GID (`gid://shopify/Order/…`). */
export type ShopifyOrderId = Brand<string, "ShopifyOrderId">;
/** BigCommerce numeric order id, as a string. */
export type BigCommerceOrderId = Brand<string, "BigCommerceOrderId">;
export type StoreOrderId = ShopifyOrderId | BigCommerceOrderId;
/** Shopify variant GID, or BigCommerce `productId:variantId`. */
export type VariantRef = Brand<string, "VariantRef">;

export const ebayOrderId = (id: string) => id as EbayOrderId;
export const amazonOrderId = (id: string) => id as AmazonOrderId;
export const ebayLineItemId = (id: string) => id as EbayLineItemId;
export const amazonOrderItemId = (id: string) => id as AmazonOrderItemId;
export const shopifyOrderId = (id: string) => id as ShopifyOrderId;
export const bigCommerceOrderId = (id: string | number) => String(id) as BigCommerceOrderId;
export const variantRef = (ref: string) => ref as VariantRef;

export type MarketplaceName = "ebay" | "amazon";
export type StoreName = "shopify" | "bigcommerce";

export interface Address {
  name: string | undefined;
  company?: string | undefined;
  line1: string | undefined;
  line2?: string | undefined;
  line3?: string | undefined;
  city: string | undefined;
  /** State, province or region code where the country has them (CA, ON, …). */
  region?: string | undefined;
  postalCode: string | undefined;
  /** ISO 3166-1 alpha-2. */
  countryCode: string | undefined;
  phone?: string | undefined;
}

export interface Buyer {
  name?: string | undefined;
  /** Often a marketplace relay address (…@marketplace.amazon.com, eBay's relay). */
  email?: string | undefined;
  phone?: string | undefined;
  /** Marketplace user id (eBay username), when given. */
  userId?: string | undefined;
}

/**
 * Normalized readiness, whatever the marketplace calls it:
 * pending (not paid / Amazon Pending), ready (paid, to ship), partially_shipped, shipped,
 * cancelled.
 */
export type MarketplaceOrderStatus =
  "pending" | "ready" | "partially_shipped" | "shipped" | "cancelled";

export interface MarketplaceOrderLine {
  lineId: MarketplaceLineId;
  sku: string | undefined;
  title: string;
  quantity: number;
  /** Quantity the marketplace already records as shipped. */
  quantityShipped: number;
  /** Price of one unit as the buyer paid it (tax included when `pricesIncludeTax`). */
  unitPrice: Money;
  /** Line total before discounts: unitPrice × quantity. */
  lineTotal: Money;
  /** Discounts on this line (positive amount). */
  discount: Money;
  /** Tax on this line (already inside the prices when `pricesIncludeTax`). */
  tax: Money;
  /** Shipping charged for this line, when the marketplace splits it per line (Amazon). */
  shipping?: Money | undefined;
  shippingTax?: Money | undefined;
}

export interface MarketplaceOrderTotals {
  subtotal: Money;
  shipping: Money;
  /** All tax, whoever collects it. */
  tax: Money;
  discount: Money;
  /** What the buyer paid. */
  total: Money;
}

export interface MarketplaceOrder {
  marketplace: MarketplaceName;
  id: MarketplaceOrderId;
  status: MarketplaceOrderStatus;
  /** The marketplace's own status words, for display and the admin's filters. */
  rawStatus: string;
  createdAt: Date;
  updatedAt: Date;
  /** Amazon marketplace id (A13V1IB3VIYZZH) or eBay marketplace (EBAY_FR). */
  marketplaceId: string | undefined;
  currency: string;
  /** Fulfilled by the marketplace (Amazon AFN/FBA, eBay-managed shipping). */
  fulfilledByMarketplace: boolean;
  /** Tax collected and remitted by the marketplace (eBay Collect and Remit, Amazon facilitator). */
  taxCollectedByMarketplace: boolean;
  /** Prices include VAT (EU marketplaces). */
  pricesIncludeTax: boolean;
  buyerCancellationRequested: boolean;
  buyer: Buyer;
  shipTo: Address | undefined;
  lines: MarketplaceOrderLine[];
  totals: MarketplaceOrderTotals;
  /** Ship-by date, when the marketplace gives one. */
  shipBy?: Date | undefined;
  /** The vendor payload as received (kept encrypted by the import). */
  raw: unknown;
}

export interface OrderPage {
  orders: MarketplaceOrder[];
  /** Opaque token for the next page; undefined on the last page. */
  nextPageToken: string | undefined;
}

export interface ListOrdersQuery {
  /** Orders last updated at or after this instant. */
  updatedSince: Date;
  /** Optional upper bound (exclusive where the API allows). */
  updatedBefore?: Date | undefined;
  pageToken?: string | undefined;
}

export interface ShipmentLineInput {
  lineId: MarketplaceLineId;
  quantity: number;
}

export interface ConfirmShipmentInput {
  orderId: MarketplaceOrderId;
  /** Marketplace carrier code (Amazon carrierCode / eBay shippingCarrierCode). */
  carrierCode: string;
  /** Free-text carrier name, used when carrierCode is `Other`. */
  carrierName?: string | undefined;
  trackingNumber: string;
  shippedAt: Date;
  /** Shipping service name, when known (Amazon shippingMethod). */
  shippingMethod?: string | undefined;
  lines: ShipmentLineInput[];
}

export interface ConfirmShipmentResult {
  /** eBay fulfillment id from the Location header; Amazon returns none. */
  fulfillmentId: string | undefined;
}

export interface MarketplaceShipment {
  fulfillmentId: string | undefined;
  carrierCode: string | undefined;
  trackingNumber: string | undefined;
  shippedAt: Date | undefined;
  lines: ShipmentLineInput[];
}

/**
 * Why the seller cancels, in the words both marketplaces accept: `buyer_asked` only when the buyer
 * did ask (it spares the seller a defect), otherwise `cannot_fulfill`.
 */
export type MarketplaceCancelReason = "buyer_asked" | "cannot_fulfill";

export interface CancelOrderOptions {
  reason: MarketplaceCancelReason;
  /** The account's seller id on the marketplace (Amazon feeds name their merchant). */
  sellerId: string;
}

/**
 * A cancellation the marketplace took in: neither answers with the outcome (Amazon processes a
 * feed later; eBay opens a cancellation request), so `reference` is what to ask about afterwards.
 */
export interface CancelOrderResult {
  /** Amazon feed id, eBay cancel id. */
  reference: string;
}

export type CancellationStatus =
  | { state: "pending" }
  | { state: "cancelled" }
  /** The marketplace refused or could not process it; its own words for the merchant. */
  | { state: "refused"; message: string };

export interface MarketplaceConnector {
  readonly marketplace: MarketplaceName;
  listOrders(query: ListOrdersQuery): Promise<OrderPage>;
  getOrder(id: MarketplaceOrderId): Promise<MarketplaceOrder>;
  confirmShipment(input: ConfirmShipmentInput): Promise<ConfirmShipmentResult>;
  listShipments(id: MarketplaceOrderId): Promise<MarketplaceShipment[]>;
  /** Seller-initiated cancellation of a whole order that has not shipped. Not idempotent. */
  cancelOrder(id: MarketplaceOrderId, options: CancelOrderOptions): Promise<CancelOrderResult>;
  /** Where a cancellation submitted by `cancelOrder` stands. */
  cancellationStatus(id: MarketplaceOrderId, reference: string): Promise<CancellationStatus>;
}

export interface StoreVariant {
  ref: VariantRef;
  sku: string;
  title: string;
  /** Shopify product GID or BigCommerce product id. */
  productId: string;
  /** Sellable stock, when the store tracks it; undefined when untracked. */
  inventoryQuantity: number | undefined;
  price: Money | undefined;
}

export interface CreateStoreOrderLine {
  variant: VariantRef;
  sku: string | undefined;
  title: string;
  quantity: number;
  /** Unit price as charged (tax-inclusive when the order's `taxesIncluded`). */
  unitPrice: Money;
  /** Discount on the whole line (positive). */
  discount: Money;
  tax: Money;
  /** Marketplace line id, kept on the store line (custom attribute / notes) for the way back. */
  marketplaceLineId: MarketplaceLineId;
}

export interface CreateStoreOrderInput {
  marketplace: MarketplaceName;
  marketplaceOrderId: MarketplaceOrderId;
  /** Store order name to use instead of the store's numbering, when the merchant asks for it. */
  name?: string | undefined;
  currency: string;
  taxesIncluded: boolean;
  /** Tax was collected and remitted by the marketplace: record it as such, or not at all. */
  taxCollectedByMarketplace: boolean;
  /** `leave_out`: no tax lines (totals still reconcile through the transaction). */
  marketplaceTaxHandling: "record" | "leave_out";
  lines: CreateStoreOrderLine[];
  shipping: { title: string; price: Money; tax: Money } | undefined;
  total: Money;
  buyer: { name: string | undefined; email: string | undefined; phone: string | undefined };
  shipTo: Address;
  billTo?: Address | undefined;
  tags: string[];
  note?: string | undefined;
  /** Decrement stock (at a location when the store has several), or not. */
  inventory: { decrement: boolean; locationId?: string | undefined };
  /** Already fulfilled by the marketplace: recorded for the merchant's books, nothing to ship. */
  alreadyFulfilled: boolean;
  processedAt: Date;
}

export interface StoreOrderRef {
  id: StoreOrderId;
  /** What the merchant sees: `#1001`, or the BigCommerce order number. */
  name: string;
  /** Link to the order in the store admin. */
  adminUrl: string | undefined;
  totalPrice: Money | undefined;
  cancelled: boolean;
}

export interface StoreFulfillmentLine {
  /** The marketplace line this store line came from (read back from the store line). */
  marketplaceLineId: MarketplaceLineId | undefined;
  sku: string | undefined;
  quantity: number;
}

export interface StoreFulfillment {
  /** Shopify fulfillment GID or BigCommerce shipment id. */
  id: string;
  orderId: StoreOrderId;
  status: "success" | "cancelled" | "pending" | "other";
  /** Carrier as the store names it (Shopify tracking company, BigCommerce provider/carrier). */
  carrier: string | undefined;
  trackingNumber: string | undefined;
  trackingUrl: string | undefined;
  createdAt: Date;
  updatedAt: Date;
  lines: StoreFulfillmentLine[];
}

export interface WebhookRegistration {
  /** Topic in the platform's spelling (`FULFILLMENTS_CREATE`, `store/shipment/created`). */
  topic: string;
  callbackUrl: string;
}

export interface StoreConnector {
  readonly store: StoreName;
  /** Exact SKU matches, compared ignoring case and surrounding spaces; several may match one SKU. */
  findVariantsBySku(skus: string[]): Promise<Map<string, StoreVariant[]>>;
  /**
   * Variants found by the store's own search for `term` (product name or SKU, as the platform's
   * search understands it), at most `limit`, in the store's relevance order; one request, no paging,
   * because a merchant picking a variant refines the words rather than scrolling.
   */
  searchVariants(term: string, limit: number): Promise<StoreVariant[]>;
  createOrder(input: CreateStoreOrderInput): Promise<StoreOrderRef>;
  /** The order created for a marketplace order, found by its marketplace reference. */
  findOrderByMarketplaceRef(
    marketplace: MarketplaceName,
    marketplaceOrderId: MarketplaceOrderId,
  ): Promise<StoreOrderRef | undefined>;
  /** Cancels without refunding the buyer (the marketplace refunds), restocking when asked. */
  cancelOrder(id: StoreOrderId, options: { restock: boolean; reason: string }): Promise<void>;
  getFulfillment(orderId: StoreOrderId, fulfillmentId: string): Promise<StoreFulfillment>;
  listFulfillments(orderId: StoreOrderId): Promise<StoreFulfillment[]>;
  /** Creates the missing subscriptions; returns what is registered afterwards. */
  registerWebhooks(registrations: WebhookRegistration[]): Promise<WebhookRegistration[]>;
}

/** OAuth tokens a connector refreshed: the caller persists them (encrypted) for next time. */
export interface TokenSet {
  accessToken: string;
  /** Present when the platform rotates refresh tokens. */
  refreshToken?: string | undefined;
  expiresAt: Date;
}

export type OnTokenRefresh = (tokens: TokenSet) => Promise<void> | void;

/** The logging connectors need (pino's logger fits); they never log tokens or buyer details. */
export interface ConnectorLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
