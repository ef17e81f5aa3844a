/**
 * Amazon Selling Partner API wire types: only what Marketsync reads or sends.
 * Orders API 2026-01-01 (`searchOrders`, `getOrder`), Orders API v0 (`confirmShipment`) and the
 * Login with Amazon (LWA) token endpoint. Field names follow the official models
 * (`orders_2026-01-01.json`, `ordersV0.json`).
 */

/** Decimal string with no loss of precision ("12.50"). */
export interface AmazonMoney {
  amount: string;
  currencyCode: string;
}

export type AmazonFulfillmentStatus =
  | "PENDING_AVAILABILITY"
  | "PENDING"
  | "UNSHIPPED"
  | "PARTIALLY_SHIPPED"
  | "SHIPPED"
  | "CANCELLED"
  | "UNFULFILLABLE";

export const INCLUDED_DATA = [
  "BUYER",
  "RECIPIENT",
  "PROCEEDS",
  "EXPENSE",
  "PROMOTION",
  "CANCELLATION",
  "FULFILLMENT",
  "PACKAGES",
  "TAX",
  "PAYMENT",
  "FULFILLMENT_ORDERS",
] as const;
export type IncludedData = (typeof INCLUDED_DATA)[number];

export interface AmazonDateTimeRange {
  earliestDateTime?: string;
  latestDateTime?: string;
}

export interface AmazonSalesChannel {
  channelName: string;
  marketplaceId?: string;
  marketplaceName?: string;
}

export interface AmazonBuyer {
  buyerName?: string;
  buyerEmail?: string;
  buyerCompanyName?: string;
  buyerPurchaseOrderNumber?: string;
}

export interface AmazonCustomerAddress {
  name?: string;
  companyName?: string;
  addressLine1?: string;
  addressLine2?: string;
  addressLine3?: string;
  city?: string;
  districtOrCounty?: string;
  stateOrRegion?: string;
  municipality?: string;
  postalCode?: string;
  countryCode?: string;
  phone?: string;
  addressType?: string;
}

export interface AmazonRecipient {
  deliveryAddress?: AmazonCustomerAddress;
}

/** Proceeds categories: ITEM, SHIPPING, GIFT_WRAP, COD_FEE, TAX, DISCOUNT, DELIVERY_TIP, OTHER. */
export interface AmazonOrderProceedsBreakdown {
  type: string;
  status?: string;
  subtotal: AmazonMoney;
}

export interface AmazonOrderProceeds {
  grandTotal?: AmazonMoney;
  breakdowns?: AmazonOrderProceedsBreakdown[];
}

export interface AmazonOrderFulfillment {
  fulfillmentStatus: AmazonFulfillmentStatus;
  /** `AMAZON` (AFN/FBA) or `MERCHANT` (MFN). */
  fulfilledBy?: string;
  fulfillmentServiceLevel?: string;
  shipByWindow?: AmazonDateTimeRange;
  deliverByWindow?: AmazonDateTimeRange;
}

export interface AmazonItemProceedsDetailedBreakdown {
  /** ITEM, SHIPPING, GIFT_WRAP, COD_FEE, OTHER, DISCOUNT. */
  subtype?: string;
  value?: AmazonMoney;
}

export interface AmazonItemProceedsBreakdown {
  type: string;
  subtotal: AmazonMoney;
  detailedBreakdowns?: AmazonItemProceedsDetailedBreakdown[];
}

export interface AmazonItemProceeds {
  proceedsTotal?: AmazonMoney;
  breakdowns?: AmazonItemProceedsBreakdown[];
}

export interface AmazonItemProduct {
  asin?: string;
  title?: string;
  sellerSku?: string;
  price?: { unitPrice?: AmazonMoney; priceDesignation?: string };
}

export interface AmazonItemCancellation {
  cancellationRequest?: { requester?: string; cancelReason?: string };
  cancellationExecution?: { cancelledBy?: string; cancelReason?: string };
}

export interface AmazonItemFulfillment {
  quantityFulfilled?: number;
  quantityUnfulfilled?: number;
}

export interface AmazonItemTax {
  taxCalculationBreakdowns?: { reportingScheme?: string }[];
  /** `model: MARKETPLACE_FACILITATOR` when Amazon withholds and remits the tax. */
  taxCollections?: { model?: string; responsibleParty?: string }[];
}

export interface AmazonOrderItem {
  orderItemId: string;
  quantityOrdered: number;
  programs?: string[];
  product: AmazonItemProduct;
  proceeds?: AmazonItemProceeds;
  promotion?: { breakdowns?: { promotionId?: string }[] };
  cancellation?: AmazonItemCancellation;
  fulfillment?: AmazonItemFulfillment;
  tax?: AmazonItemTax;
}

export interface AmazonPackageItem {
  orderItemId: string;
  quantity: number;
  transparencyCodes?: string[];
}

export interface AmazonOrderPackage {
  packageReferenceId: string;
  createdTime?: string;
  packageStatus?: { status: string; detailedStatus?: string };
  carrier?: string;
  shipTime?: string;
  shippingService?: string;
  trackingNumber?: string;
  packageItems?: AmazonPackageItem[];
}

export interface AmazonOrder {
  orderId: string;
  orderAliases?: { aliasId: string; aliasType: string }[];
  createdTime: string;
  lastUpdatedTime: string;
  programs?: string[];
  salesChannel: AmazonSalesChannel;
  buyer?: AmazonBuyer;
  recipient?: AmazonRecipient;
  proceeds?: AmazonOrderProceeds;
  fulfillment?: AmazonOrderFulfillment;
  orderItems: AmazonOrderItem[];
  packages?: AmazonOrderPackage[];
}

export interface SearchOrdersResponse {
  orders: AmazonOrder[];
  pagination?: { nextToken?: string };
  lastUpdatedBefore?: string;
  createdBefore?: string;
}

export interface GetOrderResponse {
  order: AmazonOrder;
}

export interface SearchOrdersQuery {
  createdAfter?: string;
  createdBefore?: string;
  lastUpdatedAfter?: string;
  lastUpdatedBefore?: string;
  fulfillmentStatuses?: AmazonFulfillmentStatus[];
  marketplaceIds?: string[];
  fulfilledBy?: ("MERCHANT" | "AMAZON")[];
  maxResultsPerPage?: number;
  paginationToken?: string;
  includedData?: IncludedData[];
}

/** Orders API v0 `ConfirmShipmentRequest`. */
export interface ConfirmShipmentRequest {
  marketplaceId: string;
  packageDetail: {
    /** Positive numeric string, unique within the order. */
    packageReferenceId: string;
    carrierCode: string;
    /** Required when `carrierCode` is `Other`. */
    carrierName?: string;
    shippingMethod?: string;
    trackingNumber: string;
    shipDate: string;
    shipFromSupplySourceId?: string;
    orderItems: { orderItemId: string; quantity: number; transparencyCodes?: string[] }[];
  };
  codCollectionMethod?: "DirectPayment";
}

/** SP-API error body (`ErrorList`; v0 `ConfirmShipmentErrorResponse` has the same shape). */
export interface AmazonError {
  code: string;
  message: string;
  details?: string;
}
export interface AmazonErrorList {
  errors: AmazonError[];
}

/** LWA `POST /auth/o2/token` answer. */
export interface LwaTokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token?: string;
}

/** LWA error body (RFC 6749 §5.2). */
export interface LwaErrorResponse {
  error: string;
  error_description?: string;
}

/** Marketplaces whose listed prices include VAT (EU single market, plus UK and TR). */
export const VAT_INCLUSIVE_MARKETPLACES: ReadonlySet<string> = new Set([
  "A13V1IB3VIYZZH", // France
  "A1PA6795UKMFR9", // Germany
  "APJ6JRA9NG5V4", // Italy
  "A1RKKUPIHCS9HS", // Spain
  "A1805IZSGTT6HS", // Netherlands
  "A2NODRKZP88ZB9", // Sweden
  "A1C3SOZRARQ6R3", // Poland
  "AMEN7PMS3EDWL", // Belgium
  "A28R8C7NBKEWEA", // Ireland
  "A1F83G8C2ARO7P", // United Kingdom
  "A33AVAJ2PDY3EV", // Turkey
]);

/** Default currency of each marketplace, used when a payload carries no money field. */
export const MARKETPLACE_CURRENCY: Readonly<Record<string, string>> = {
  ATVPDKIKX0DER: "USD",
  A2EUQ1WTGCTBG2: "CAD",
  A1AM78C64UM0Y8: "MXN",
  A2Q3Y263D00KWC: "BRL",
  A13V1IB3VIYZZH: "EUR",
  A1PA6795UKMFR9: "EUR",
  APJ6JRA9NG5V4: "EUR",
  A1RKKUPIHCS9HS: "EUR",
  A1805IZSGTT6HS: "EUR",
  AMEN7PMS3EDWL: "EUR",
  A28R8C7NBKEWEA: "EUR",
  A2NODRKZP88ZB9: "SEK",
  A1C3SOZRARQ6R3: "PLN",
  A1F83G8C2ARO7P: "GBP",
  A33AVAJ2PDY3EV: "TRY",
  A1VC38T7YXB528: "JPY",
  A39IBJ37TRP1C6: "AUD",
  A19VAU5U5O7RUS: "SGD",
  A21TJRUUN4KGV: "INR",
};

// --- Feeds API 2021-06-30 (feeds_2021-06-30.json): seller cancellations go through it -----------

export const ORDER_ACKNOWLEDGEMENT_FEED = "POST_ORDER_ACKNOWLEDGEMENT_DATA";

export interface CreateFeedDocumentSpecification {
  contentType: string;
}

export interface CreateFeedDocumentResponse {
  feedDocumentId: string;
  /** Presigned upload URL, valid five minutes. */
  url: string;
}

export interface CreateFeedSpecification {
  feedType: string;
  marketplaceIds: string[];
  inputFeedDocumentId: string;
  feedOptions?: Record<string, string>;
}

export interface CreateFeedResponse {
  feedId: string;
}

export type FeedProcessingStatus = "CANCELLED" | "DONE" | "FATAL" | "IN_PROGRESS" | "IN_QUEUE";

export interface AmazonFeed {
  feedId: string;
  feedType: string;
  marketplaceIds?: string[];
  createdTime: string;
  processingStatus: FeedProcessingStatus;
  processingStartTime?: string;
  processingEndTime?: string;
  resultFeedDocumentId?: string;
}

export interface FeedDocument {
  feedDocumentId: string;
  url: string;
  compressionAlgorithm?: "GZIP";
}
