import { type Money, toMinor } from "../money";
import {
  type Address,
  amazonOrderId,
  amazonOrderItemId,
  type MarketplaceOrder,
  type MarketplaceOrderLine,
  type MarketplaceOrderStatus,
  type MarketplaceShipment,
} from "../types";
import {
  type AmazonCustomerAddress,
  type AmazonFulfillmentStatus,
  type AmazonItemProceedsBreakdown,
  type AmazonMoney,
  type AmazonOrder,
  type AmazonOrderItem,
  type AmazonOrderPackage,
  MARKETPLACE_CURRENCY,
  VAT_INCLUSIVE_MARKETPLACES,
} from "./types";

/**
 * Orders API 2026-01-01 order → normalized `MarketplaceOrder`, exactly (integer minor units,
 * parsed from Amazon's decimal strings, never through floats).
 *
 * Money comes from the PROCEEDS dataset, per item: breakdown `ITEM` (unit price × quantity),
 * `SHIPPING`, `TAX` (detailed by subtype ITEM / SHIPPING …) and `DISCOUNT` (detailed likewise).
 * Amazon does not document the sign of DISCOUNT amounts; we take their absolute value. A shipping
 * discount is netted into the line's shipping; an item discount is the line's `discount`.
 * In VAT-inclusive marketplaces (EU, UK) prices already contain the TAX amounts.
 */

const NORMALIZED_STATUS: Record<AmazonFulfillmentStatus, MarketplaceOrderStatus> = {
  PENDING_AVAILABILITY: "pending",
  PENDING: "pending",
  UNSHIPPED: "ready",
  PARTIALLY_SHIPPED: "partially_shipped",
  SHIPPED: "shipped",
  CANCELLED: "cancelled",
  // Amazon will not fulfil it (AFN, non-Amazon channel): nothing will ever ship.
  UNFULFILLABLE: "cancelled",
};

export function mapStatus(status: string | undefined): MarketplaceOrderStatus {
  return NORMALIZED_STATUS[status as AmazonFulfillmentStatus] ?? "pending";
}

function blank(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

function amount(value: AmazonMoney | undefined, currency: string): number {
  if (!value) return 0;
  if (value.currencyCode.toUpperCase() !== currency) {
    throw new Error(`mixed currencies in one order: ${value.currencyCode} and ${currency}`);
  }
  return toMinor(value.amount, currency);
}

const m = (amountMinor: number, currency: string): Money => ({ amountMinor, currency });

interface Parts {
  item: number;
  shipping: number;
  itemTax: number;
  shippingTax: number;
  otherTax: number;
  itemDiscount: number;
  shippingDiscount: number;
  /** GIFT_WRAP, COD_FEE, OTHER… charged to the buyer. */
  otherCharges: number;
}

/** Splits a breakdown with `detailedBreakdowns` by subtype; without them it all goes to `main`. */
function bySubtype(
  breakdown: AmazonItemProceedsBreakdown,
  currency: string,
  abs: boolean,
): { item: number; shipping: number; other: number } {
  const norm = (n: number) => (abs ? Math.abs(n) : n);
  const details = breakdown.detailedBreakdowns ?? [];
  if (details.length === 0)
    return { item: norm(amount(breakdown.subtotal, currency)), shipping: 0, other: 0 };
  const out = { item: 0, shipping: 0, other: 0 };
  for (const d of details) {
    const value = norm(amount(d.value, currency));
    if (d.subtype === "ITEM") out.item += value;
    else if (d.subtype === "SHIPPING") out.shipping += value;
    else out.other += value;
  }
  return out;
}

function itemParts(item: AmazonOrderItem, currency: string): Parts {
  const parts: Parts = {
    item: 0,
    shipping: 0,
    itemTax: 0,
    shippingTax: 0,
    otherTax: 0,
    itemDiscount: 0,
    shippingDiscount: 0,
    otherCharges: 0,
  };
  let sawItem = false;
  for (const b of item.proceeds?.breakdowns ?? []) {
    switch (b.type) {
      case "ITEM":
        parts.item += amount(b.subtotal, currency);
        sawItem = true;
        break;
      case "SHIPPING":
        parts.shipping += amount(b.subtotal, currency);
        break;
      case "TAX": {
        const t = bySubtype(b, currency, false);
        parts.itemTax += t.item;
        parts.shippingTax += t.shipping;
        parts.otherTax += t.other;
        break;
      }
      case "DISCOUNT": {
        const d = bySubtype(b, currency, true);
        parts.itemDiscount += d.item + d.other;
        parts.shippingDiscount += d.shipping;
        break;
      }
      default:
        parts.otherCharges += amount(b.subtotal, currency);
    }
  }
  if (!sawItem) {
    // No PROCEEDS dataset: fall back to the listed unit price.
    parts.item = amount(item.product.price?.unitPrice, currency) * item.quantityOrdered;
  }
  return parts;
}

function orderCurrency(order: AmazonOrder): string {
  const fromMoney =
    order.proceeds?.grandTotal?.currencyCode ??
    order.orderItems.find((i) => i.product.price?.unitPrice)?.product.price?.unitPrice
      ?.currencyCode ??
    order.orderItems.flatMap((i) => i.proceeds?.breakdowns ?? [])[0]?.subtotal.currencyCode;
  const marketplaceId = order.salesChannel.marketplaceId;
  const currency =
    fromMoney ?? (marketplaceId ? MARKETPLACE_CURRENCY[marketplaceId] : undefined) ?? undefined;
  if (!currency) throw new Error(`order ${order.orderId}: no currency in the payload`);
  return currency.toUpperCase();
}

export function mapAddress(address: AmazonCustomerAddress | undefined): Address | undefined {
  if (!address) return undefined;
  return {
    name: blank(address.name),
    company: blank(address.companyName),
    line1: blank(address.addressLine1),
    line2: blank(address.addressLine2),
    line3: blank(address.addressLine3),
    city: blank(address.city) ?? blank(address.municipality),
    region: blank(address.stateOrRegion),
    postalCode: blank(address.postalCode),
    countryCode: blank(address.countryCode)?.toUpperCase(),
    phone: blank(address.phone),
  };
}

function date(value: string | undefined, field: string): Date {
  const parsed = value ? new Date(value) : undefined;
  if (!parsed || Number.isNaN(parsed.getTime())) throw new Error(`invalid ${field}: ${value}`);
  return parsed;
}

export function mapOrder(order: AmazonOrder): MarketplaceOrder {
  const currency = orderCurrency(order);
  const marketplaceId = order.salesChannel.marketplaceId;
  const pricesIncludeTax = marketplaceId ? VAT_INCLUSIVE_MARKETPLACES.has(marketplaceId) : false;

  const totals = { subtotal: 0, shipping: 0, tax: 0, discount: 0, other: 0 };
  const lines: MarketplaceOrderLine[] = order.orderItems.map((item) => {
    const p = itemParts(item, currency);
    const quantity = item.quantityOrdered;
    const listedUnit = item.product.price?.unitPrice;
    const unit = listedUnit ? amount(listedUnit, currency) : quantity > 0 ? p.item / quantity : 0;
    if (!Number.isInteger(unit)) {
      throw new Error(`order item ${item.orderItemId}: unit price is not exact`);
    }
    const shipping = p.shipping - p.shippingDiscount;
    totals.subtotal += p.item;
    totals.shipping += shipping;
    totals.tax += p.itemTax + p.shippingTax + p.otherTax;
    totals.discount += p.itemDiscount;
    totals.other += p.otherCharges;
    const quantityShipped =
      item.fulfillment?.quantityFulfilled ??
      (item.fulfillment?.quantityUnfulfilled !== undefined
        ? quantity - item.fulfillment.quantityUnfulfilled
        : 0);
    return {
      lineId: amazonOrderItemId(item.orderItemId),
      sku: blank(item.product.sellerSku),
      title: item.product.title ?? item.product.sellerSku ?? item.product.asin ?? item.orderItemId,
      quantity,
      quantityShipped,
      unitPrice: m(unit, currency),
      lineTotal: m(p.item, currency),
      discount: m(p.itemDiscount, currency),
      tax: m(p.itemTax + p.otherTax, currency),
      shipping: m(shipping, currency),
      shippingTax: m(p.shippingTax, currency),
    };
  });

  const total =
    totals.subtotal +
    totals.shipping -
    totals.discount +
    totals.other +
    (pricesIncludeTax ? 0 : totals.tax);

  const items = order.orderItems;
  const taxCollectedByMarketplace = items.some((i) =>
    (i.tax?.taxCollections ?? []).some((c) => c.model === "MARKETPLACE_FACILITATOR"),
  );
  const rawStatus = order.fulfillment?.fulfillmentStatus ?? "UNKNOWN";
  const status = mapStatus(order.fulfillment?.fulfillmentStatus);
  const buyerCancellationRequested =
    status !== "cancelled" &&
    items.some((i) => i.cancellation?.cancellationRequest?.requester === "BUYER");
  const shipBy = order.fulfillment?.shipByWindow?.latestDateTime;
  const buyer = order.buyer;

  return {
    marketplace: "amazon",
    id: amazonOrderId(order.orderId),
    status,
    rawStatus,
    createdAt: date(order.createdTime, "createdTime"),
    updatedAt: date(order.lastUpdatedTime, "lastUpdatedTime"),
    marketplaceId,
    currency,
    fulfilledByMarketplace: order.fulfillment?.fulfilledBy === "AMAZON",
    taxCollectedByMarketplace,
    pricesIncludeTax,
    buyerCancellationRequested,
    buyer: {
      name: blank(buyer?.buyerName),
      email: blank(buyer?.buyerEmail),
      phone: blank(order.recipient?.deliveryAddress?.phone),
    },
    shipTo: mapAddress(order.recipient?.deliveryAddress),
    lines,
    totals: {
      subtotal: m(totals.subtotal, currency),
      shipping: m(totals.shipping, currency),
      tax: m(totals.tax, currency),
      discount: m(totals.discount, currency),
      total: m(total, currency),
    },
    shipBy: shipBy ? date(shipBy, "shipByWindow.latestDateTime") : undefined,
    raw: order,
  };
}

/** PACKAGES dataset → shipments as the marketplace records them. */
export function mapPackages(packages: AmazonOrderPackage[] | undefined): MarketplaceShipment[] {
  return (packages ?? [])
    .filter((p) => p.packageStatus?.status !== "CANCELLED")
    .map((p) => ({
      fulfillmentId: p.packageReferenceId,
      carrierCode: blank(p.carrier),
      trackingNumber: blank(p.trackingNumber),
      shippedAt: p.shipTime ? date(p.shipTime, "shipTime") : undefined,
      lines: (p.packageItems ?? []).map((i) => ({
        lineId: amazonOrderItemId(i.orderItemId),
        quantity: i.quantity,
      })),
    }));
}
