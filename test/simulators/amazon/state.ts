import { randomBytes } from "node:crypto";
import { toDecimal, toMinor } from "../../../connectors/money";
import {
  type AmazonCustomerAddress,
  type AmazonFulfillmentStatus,
  type AmazonItemProceedsBreakdown,
  type AmazonMoney,
  type AmazonOrder,
  type AmazonOrderItem,
  type AmazonOrderPackage,
  type ConfirmShipmentRequest,
  type IncludedData,
  MARKETPLACE_CURRENCY,
  VAT_INCLUSIVE_MARKETPLACES,
} from "../../../connectors/amazon/types";

/**
 * The Amazon simulator's in-memory world: sellers, LWA clients and tokens, orders (kept whole, in
 * the Orders API 2026-01-01 shape, and cut down to the requested `includedData` when served),
 * shipment confirmations received, and switches for documented quirks.
 */

export const SIM_CLIENT_ID = "amzn1.application-oa2-client.marketsync-sim";
export const SIM_CLIENT_SECRET = "sim-client-secret";
export const SIM_SELLER_ID = "A3SIMSELLER0001";
export const SIM_REFRESH_TOKEN = "Atzr|sim-refresh-token-seller-1";

export const MARKETPLACE_NAMES: Record<string, string> = {
  ATVPDKIKX0DER: "Amazon.com",
  A2EUQ1WTGCTBG2: "Amazon.ca",
  A13V1IB3VIYZZH: "Amazon.fr",
  A1PA6795UKMFR9: "Amazon.de",
  APJ6JRA9NG5V4: "Amazon.it",
  A1RKKUPIHCS9HS: "Amazon.es",
  A1F83G8C2ARO7P: "Amazon.co.uk",
};

export const FULFILLMENT_STATUSES: AmazonFulfillmentStatus[] = [
  "PENDING_AVAILABILITY",
  "PENDING",
  "UNSHIPPED",
  "PARTIALLY_SHIPPED",
  "SHIPPED",
  "CANCELLED",
  "UNFULFILLABLE",
];

export interface SeedItemInput {
  orderItemId?: string;
  sku: string;
  title: string;
  asin?: string;
  quantity: number;
  /** Listed unit price, decimal string (VAT-inclusive in EU/UK marketplaces). */
  unitPrice: string;
  /** Tax on the whole line's items (not per unit). */
  tax?: string;
  shipping?: string;
  shippingTax?: string;
  /** Promotion on the items (positive decimal). */
  discount?: string;
  shippingDiscount?: string;
  quantityShipped?: number;
  /** The buyer asked to cancel this item (reason). */
  cancellationRequest?: string;
}

export interface SeedOrderInput {
  orderId?: string;
  sellerId?: string;
  marketplaceId?: string;
  fulfilledBy?: "MERCHANT" | "AMAZON";
  status?: AmazonFulfillmentStatus;
  createdTime?: string;
  lastUpdatedTime?: string;
  buyer?: { name?: string; email?: string; companyName?: string };
  shipTo?: AmazonCustomerAddress;
  /** Amazon collects and remits the tax (default: true in the US marketplace). */
  marketplaceFacilitator?: boolean;
  items: SeedItemInput[];
}

export interface StoredOrder {
  sellerId: string;
  order: AmazonOrder;
}

export interface ShipmentConfirmation {
  orderId: string;
  sellerId: string;
  receivedAt: string;
  request: ConfirmShipmentRequest;
  /** What the simulator recorded (the carrier may be dropped: see `quirks`). */
  package: AmazonOrderPackage;
}

export interface AccessTokenRecord {
  sellerId: string;
  clientId: string;
  expiresAt: number;
}

export interface RefreshTokenRecord {
  sellerId: string;
  clientId: string;
  revoked: boolean;
}

export interface Quirks {
  /** Answer 204 to confirmShipment but record the package without its carrier. */
  dropCarrierOnConfirm: boolean;
}

export class SimulatorError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const money = (minor: number, currency: string): AmazonMoney => ({
  amount: toDecimal(minor, currency),
  currencyCode: currency,
});

function iso(value: string | undefined, fallback: number): string {
  if (value === undefined) return new Date(fallback).toISOString();
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new SimulatorError(400, `not a date-time: ${value}`);
  return new Date(t).toISOString();
}

export class AmazonState {
  orders = new Map<string, StoredOrder>();
  confirmations: ShipmentConfirmation[] = [];
  clients = new Map<string, string>();
  refreshTokens = new Map<string, RefreshTokenRecord>();
  accessTokens = new Map<string, AccessTokenRecord>();
  /** paginationToken → the search it continues. */
  pageTokens = new Map<string, { filter: string; offset: number }>();
  quirks: Quirks = { dropCarrierOnConfirm: false };
  tokenTtlSeconds = 3600;
  private orderCounter = 0;
  private itemCounter = 0;

  constructor() {
    this.reset();
  }

  reset(): void {
    this.orders.clear();
    this.confirmations = [];
    this.clients = new Map([[SIM_CLIENT_ID, SIM_CLIENT_SECRET]]);
    this.refreshTokens = new Map([
      [SIM_REFRESH_TOKEN, { sellerId: SIM_SELLER_ID, clientId: SIM_CLIENT_ID, revoked: false }],
    ]);
    this.accessTokens.clear();
    this.pageTokens.clear();
    this.quirks = { dropCarrierOnConfirm: false };
    this.tokenTtlSeconds = 3600;
    this.orderCounter = 0;
    this.itemCounter = 0;
  }

  issueAccessToken(
    sellerId = SIM_SELLER_ID,
    clientId = SIM_CLIENT_ID,
    ttlSeconds = this.tokenTtlSeconds,
  ): { token: string; expiresIn: number } {
    const token = `Atza|sim-${randomBytes(18).toString("base64url")}`;
    this.accessTokens.set(token, { sellerId, clientId, expiresAt: Date.now() + ttlSeconds * 1000 });
    return { token, expiresIn: ttlSeconds };
  }

  expireAccessTokens(): void {
    for (const record of this.accessTokens.values()) record.expiresAt = Date.now() - 1;
  }

  revokeRefreshToken(token?: string): void {
    for (const [key, record] of this.refreshTokens) {
      if (token === undefined || key === token) record.revoked = true;
    }
  }

  nextOrderId(): string {
    this.orderCounter += 1;
    const n = String(this.orderCounter).padStart(7, "0");
    return `113-${n}-${String(7_654_321 - this.orderCounter).padStart(7, "0")}`;
  }

  seedOrder(input: SeedOrderInput): AmazonOrder {
    if (!input.items?.length) throw new SimulatorError(400, "an order needs items");
    const orderId = input.orderId ?? this.nextOrderId();
    if (!/^\d{3}-\d{7}-\d{7}$/.test(orderId)) {
      throw new SimulatorError(400, `order id must be in 3-7-7 format: ${orderId}`);
    }
    if (this.orders.has(orderId)) throw new SimulatorError(409, `order ${orderId} exists`);
    const marketplaceId = input.marketplaceId ?? "ATVPDKIKX0DER";
    const currency = MARKETPLACE_CURRENCY[marketplaceId];
    if (!currency) throw new SimulatorError(400, `unknown marketplace ${marketplaceId}`);
    const vatInclusive = VAT_INCLUSIVE_MARKETPLACES.has(marketplaceId);
    const facilitator = input.marketplaceFacilitator ?? marketplaceId === "ATVPDKIKX0DER";
    const fulfilledBy = input.fulfilledBy ?? "MERCHANT";
    const created = iso(input.createdTime, Date.now() - 3_600_000);
    const updated = iso(input.lastUpdatedTime, Date.parse(created));
    const status = input.status ?? "UNSHIPPED";
    if (!FULFILLMENT_STATUSES.includes(status)) {
      throw new SimulatorError(400, `unknown status ${status}`);
    }

    const totals = new Map<string, number>();
    const add = (type: string, minor: number) => totals.set(type, (totals.get(type) ?? 0) + minor);
    let grand = 0;
    const orderItems: AmazonOrderItem[] = input.items.map((item) => {
      if (!Number.isInteger(item.quantity) || item.quantity < 1) {
        throw new SimulatorError(400, `quantity must be a positive integer (${item.sku})`);
      }
      const minor = (v: string | undefined) => (v === undefined ? 0 : toMinor(v, currency));
      const unit = minor(item.unitPrice);
      const itemTotal = unit * item.quantity;
      const shipping = minor(item.shipping);
      const tax = minor(item.tax);
      const shippingTax = minor(item.shippingTax);
      const discount = minor(item.discount);
      const shippingDiscount = minor(item.shippingDiscount);
      const breakdowns: AmazonItemProceedsBreakdown[] = [
        { type: "ITEM", subtotal: money(itemTotal, currency) },
      ];
      add("ITEM", itemTotal);
      if (shipping) {
        breakdowns.push({ type: "SHIPPING", subtotal: money(shipping, currency) });
        add("SHIPPING", shipping);
      }
      if (tax || shippingTax) {
        breakdowns.push({
          type: "TAX",
          subtotal: money(tax + shippingTax, currency),
          detailedBreakdowns: [
            ...(tax ? [{ subtype: "ITEM", value: money(tax, currency) }] : []),
            ...(shippingTax ? [{ subtype: "SHIPPING", value: money(shippingTax, currency) }] : []),
          ],
        });
        add("TAX", tax + shippingTax);
      }
      if (discount || shippingDiscount) {
        // Proceeds are what the seller receives: promotions reduce them (negative amounts).
        breakdowns.push({
          type: "DISCOUNT",
          subtotal: money(-(discount + shippingDiscount), currency),
          detailedBreakdowns: [
            ...(discount ? [{ subtype: "ITEM", value: money(-discount, currency) }] : []),
            ...(shippingDiscount
              ? [{ subtype: "SHIPPING", value: money(-shippingDiscount, currency) }]
              : []),
          ],
        });
        add("DISCOUNT", -(discount + shippingDiscount));
      }
      const lineTotal =
        itemTotal + shipping - discount - shippingDiscount + (vatInclusive ? 0 : tax + shippingTax);
      grand += lineTotal;
      const shipped =
        status === "SHIPPED" ? item.quantity : Math.min(item.quantity, item.quantityShipped ?? 0);
      this.itemCounter += 1;
      return {
        orderItemId: item.orderItemId ?? String(40_000_000_000_000 + this.itemCounter),
        quantityOrdered: item.quantity,
        product: {
          ...(item.asin
            ? { asin: item.asin }
            : { asin: `B0SIM${String(this.itemCounter).padStart(5, "0")}` }),
          title: item.title,
          sellerSku: item.sku,
          price: { unitPrice: money(unit, currency) },
        },
        proceeds: { proceedsTotal: money(lineTotal, currency), breakdowns },
        ...(item.discount || item.shippingDiscount
          ? { promotion: { breakdowns: [{ promotionId: `SIM-PROMO-${this.itemCounter}` }] } }
          : {}),
        ...(item.cancellationRequest !== undefined
          ? {
              cancellation: {
                cancellationRequest: { requester: "BUYER", cancelReason: item.cancellationRequest },
              },
            }
          : {}),
        fulfillment: { quantityFulfilled: shipped, quantityUnfulfilled: item.quantity - shipped },
        tax: {
          ...(vatInclusive ? { taxCalculationBreakdowns: [{ reportingScheme: "UOSS" }] } : {}),
          ...(facilitator
            ? {
                taxCollections: [
                  {
                    model: "MARKETPLACE_FACILITATOR",
                    responsibleParty: vatInclusive
                      ? "Amazon Services Europe S.a.r.L."
                      : "Amazon Services LLC",
                  },
                ],
              }
            : {}),
        },
      };
    });

    const createdMs = Date.parse(created);
    const order: AmazonOrder = {
      orderId,
      createdTime: created,
      lastUpdatedTime: updated,
      salesChannel: {
        channelName: "AMAZON",
        marketplaceId,
        ...(MARKETPLACE_NAMES[marketplaceId]
          ? { marketplaceName: MARKETPLACE_NAMES[marketplaceId] }
          : {}),
      },
      buyer: {
        buyerName: input.buyer?.name ?? "Sim Buyer",
        ...(fulfilledBy === "MERCHANT"
          ? {
              buyerEmail:
                input.buyer?.email ?? `${orderId.replace(/-/g, "")}@marketplace.amazon.com`,
            }
          : {}),
        ...(input.buyer?.companyName ? { buyerCompanyName: input.buyer.companyName } : {}),
      },
      recipient: {
        deliveryAddress: input.shipTo ?? {
          name: input.buyer?.name ?? "Sim Buyer",
          addressLine1: "410 Terry Ave N",
          city: "Seattle",
          stateOrRegion: "WA",
          postalCode: "98109",
          countryCode: "US",
          addressType: "RESIDENTIAL",
        },
      },
      proceeds: {
        grandTotal: money(grand, currency),
        breakdowns: [...totals].map(([type, minor]) => ({
          type,
          subtotal: money(minor, currency),
        })),
      },
      fulfillment: {
        fulfillmentStatus: status,
        fulfilledBy,
        fulfillmentServiceLevel: "STANDARD",
        shipByWindow: {
          earliestDateTime: new Date(createdMs).toISOString(),
          latestDateTime: new Date(createdMs + 2 * 86_400_000).toISOString(),
        },
      },
      orderItems,
      packages: [],
    };
    this.orders.set(orderId, { sellerId: input.sellerId ?? SIM_SELLER_ID, order });
    return structuredClone(order);
  }

  get(orderId: string): StoredOrder {
    const stored = this.orders.get(orderId);
    if (!stored) throw new SimulatorError(404, `no order ${orderId}`);
    return stored;
  }

  /** Moves an order along (the marketplace's side: payment, outside shipping, cancellation). */
  setStatus(orderId: string, status: AmazonFulfillmentStatus): AmazonOrder {
    const { order } = this.get(orderId);
    if (!FULFILLMENT_STATUSES.includes(status)) {
      throw new SimulatorError(400, `unknown status ${status}`);
    }
    order.fulfillment = { ...order.fulfillment, fulfillmentStatus: status };
    if (status === "SHIPPED") {
      for (const item of order.orderItems) {
        item.fulfillment = { quantityFulfilled: item.quantityOrdered, quantityUnfulfilled: 0 };
      }
    }
    if (status === "CANCELLED") {
      for (const item of order.orderItems) {
        item.cancellation = {
          ...item.cancellation,
          cancellationExecution: { cancelledBy: "AMAZON", cancelReason: "Cancelled" },
        };
      }
    }
    this.touch(order);
    return structuredClone(order);
  }

  requestCancellation(orderId: string, reason = "Buyer cancelled"): AmazonOrder {
    const { order } = this.get(orderId);
    for (const item of order.orderItems) {
      item.cancellation = { cancellationRequest: { requester: "BUYER", cancelReason: reason } };
    }
    this.touch(order);
    return structuredClone(order);
  }

  touch(order: AmazonOrder): void {
    // Strictly increasing, so "updated since" polling always sees the change.
    const previous = Date.parse(order.lastUpdatedTime);
    order.lastUpdatedTime = new Date(Math.max(Date.now(), previous + 1)).toISOString();
  }
}

/** The order as served: only the datasets asked for in `includedData`. */
export function project(order: AmazonOrder, included: ReadonlySet<IncludedData>): AmazonOrder {
  const has = (d: IncludedData) => included.has(d);
  const out: AmazonOrder = {
    orderId: order.orderId,
    createdTime: order.createdTime,
    lastUpdatedTime: order.lastUpdatedTime,
    salesChannel: order.salesChannel,
    ...(order.orderAliases ? { orderAliases: order.orderAliases } : {}),
    ...(order.programs ? { programs: order.programs } : {}),
    ...(has("BUYER") && order.buyer ? { buyer: order.buyer } : {}),
    ...(has("RECIPIENT") && order.recipient ? { recipient: order.recipient } : {}),
    ...(has("PROCEEDS") && order.proceeds ? { proceeds: order.proceeds } : {}),
    ...(has("FULFILLMENT") && order.fulfillment ? { fulfillment: order.fulfillment } : {}),
    ...(has("PACKAGES") && order.fulfillment?.fulfilledBy !== "AMAZON"
      ? { packages: order.packages ?? [] }
      : {}),
    orderItems: order.orderItems.map((item) => ({
      orderItemId: item.orderItemId,
      quantityOrdered: item.quantityOrdered,
      ...(item.programs ? { programs: item.programs } : {}),
      product: item.product,
      ...(has("PROCEEDS") && item.proceeds ? { proceeds: item.proceeds } : {}),
      ...(has("PROMOTION") && item.promotion ? { promotion: item.promotion } : {}),
      ...(has("CANCELLATION") && item.cancellation ? { cancellation: item.cancellation } : {}),
      ...(has("FULFILLMENT") && item.fulfillment ? { fulfillment: item.fulfillment } : {}),
      ...(has("TAX") && item.tax ? { tax: item.tax } : {}),
    })),
  };
  return structuredClone(out);
}
