import { type Money, MoneyFormatError, toMinor } from "../money";
import {
  type Address,
  type ConfirmShipmentInput,
  ebayLineItemId,
  ebayOrderId,
  type MarketplaceOrder,
  type MarketplaceOrderLine,
  type MarketplaceOrderStatus,
  type MarketplaceShipment,
} from "../types";
import type {
  EbayAmount,
  EbayExtendedContact,
  EbayLineItem,
  EbayOrder,
  EbayShippingFulfillment,
  EbayShippingFulfillmentDetails,
} from "./types";

/**
 * eBay Sell Fulfillment shapes ⇄ the normalized domain. Money is parsed from eBay's decimal strings
 * into integer minor units (never through floats). Orders are expected to be read with
 * `fieldGroups=TAX_BREAKDOWN`, without which eBay leaves Collect-and-Remit tax out of `total`.
 */

/** eBay marketplaces whose listing prices include VAT (EU, UK, Switzerland). */
export const VAT_INCLUSIVE_MARKETPLACES: ReadonlySet<string> = new Set([
  "EBAY_AT",
  "EBAY_BE",
  "EBAY_CH",
  "EBAY_DE",
  "EBAY_ES",
  "EBAY_FR",
  "EBAY_GB",
  "EBAY_IE",
  "EBAY_IT",
  "EBAY_NL",
  "EBAY_PL",
]);

export class EbayMappingError extends Error {
  override name = "EbayMappingError";
}

function amount(value: EbayAmount | undefined, currency: string): Money {
  if (!value?.value) return { amountMinor: 0, currency };
  const cur = (value.currency ?? currency).toUpperCase();
  if (cur !== currency) {
    throw new EbayMappingError(`amount in ${cur} on an order in ${currency}`);
  }
  return { amountMinor: toMinor(value.value, cur), currency };
}

const abs = (m: Money): Money => ({ ...m, amountMinor: Math.abs(m.amountMinor) });
const add = (currency: string, ...items: Money[]): Money => ({
  currency,
  amountMinor: items.reduce((sum, m) => sum + m.amountMinor, 0),
});
const zero = (currency: string): Money => ({ amountMinor: 0, currency });

function date(value: string | undefined, field: string): Date {
  const d = value ? new Date(value) : undefined;
  if (!d || Number.isNaN(d.getTime())) throw new EbayMappingError(`invalid ${field}: ${value}`);
  return d;
}

function orderCurrency(order: EbayOrder): string {
  const c =
    order.pricingSummary?.total?.currency ??
    order.pricingSummary?.priceSubtotal?.currency ??
    order.lineItems?.[0]?.lineItemCost?.currency;
  if (!c) throw new EbayMappingError(`order ${order.orderId} has no currency`);
  return c.toUpperCase();
}

export function isCancelled(order: EbayOrder): boolean {
  return (
    order.cancelStatus?.cancelState === "CANCELED" || order.orderPaymentStatus === "FULLY_REFUNDED"
  );
}

export function buyerCancellationRequested(order: EbayOrder): boolean {
  if (order.cancelStatus?.cancelState === "IN_PROGRESS") return true;
  return (order.cancelStatus?.cancelRequests ?? []).some(
    (r) => r.cancelRequestState === "REQUESTED",
  );
}

export function mapStatus(order: EbayOrder): MarketplaceOrderStatus {
  if (isCancelled(order)) return "cancelled";
  if (order.orderFulfillmentStatus === "FULFILLED") return "shipped";
  if (order.orderFulfillmentStatus === "IN_PROGRESS") return "partially_shipped";
  const paid =
    order.orderPaymentStatus === "PAID" || order.orderPaymentStatus === "PARTIALLY_REFUNDED";
  return paid ? "ready" : "pending";
}

function rawStatus(order: EbayOrder): string {
  const parts = [order.orderPaymentStatus ?? "UNKNOWN", order.orderFulfillmentStatus ?? "UNKNOWN"];
  const cancel = order.cancelStatus?.cancelState;
  if (cancel && cancel !== "NONE_REQUESTED") parts.push(`CANCEL_${cancel}`);
  return parts.join("/");
}

/** eBay-managed shipping label, eBay International Shipping, GSP or eBay fulfillment. */
export function isFulfilledByMarketplace(order: EbayOrder): boolean {
  const p = order.program;
  return (
    p?.ebayShipping?.shippingLabelProvidedBy === "EBAY" ||
    p?.ebayInternationalShipping !== undefined ||
    p?.fulfillmentProgram?.fulfilledBy === "EBAY" ||
    (order.fulfillmentStartInstructions ?? []).some((f) => f.ebaySupportedFulfillment === true)
  );
}

function marketplaceOf(order: EbayOrder): string | undefined {
  const line = order.lineItems?.[0];
  return line?.purchaseMarketplaceId ?? line?.listingMarketplaceId;
}

function lineTax(line: EbayLineItem, currency: string): Money {
  const taxes = line.taxes ?? [];
  if (taxes.length > 0) return add(currency, ...taxes.map((t) => amount(t.amount, currency)));
  return add(
    currency,
    ...(line.ebayCollectAndRemitTaxes ?? []).map((t) => amount(t.amount, currency)),
  );
}

function lineDiscount(line: EbayLineItem, currency: string): Money {
  const promotions = line.appliedPromotions ?? [];
  if (promotions.length > 0) {
    return add(currency, ...promotions.map((p) => abs(amount(p.discountAmount, currency))));
  }
  if (line.discountedLineItemCost?.value && line.lineItemCost?.value) {
    const cost = amount(line.lineItemCost, currency);
    const discounted = amount(line.discountedLineItemCost, currency);
    return { currency, amountMinor: Math.max(0, cost.amountMinor - discounted.amountMinor) };
  }
  return zero(currency);
}

function mapLine(line: EbayLineItem, currency: string): MarketplaceOrderLine {
  if (!line.lineItemId) throw new EbayMappingError("line item without lineItemId");
  const quantity = line.quantity ?? 1;
  if (!Number.isInteger(quantity) || quantity <= 0) {
    throw new EbayMappingError(`line ${line.lineItemId} has quantity ${line.quantity}`);
  }
  const lineTotal = amount(line.lineItemCost, currency);
  // lineItemCost is unit price × quantity, so this divides exactly; if eBay ever sent a total that
  // does not, the unit price is rounded down and lineTotal stays eBay's exact figure.
  const unitPrice = { currency, amountMinor: Math.floor(lineTotal.amountMinor / quantity) };
  const delivery = line.deliveryCost;
  const shipping = add(
    currency,
    amount(delivery?.shippingCost, currency),
    amount(delivery?.handlingCost, currency),
    { currency, amountMinor: -Math.abs(amount(delivery?.discountAmount, currency).amountMinor) },
  );
  return {
    lineId: ebayLineItemId(line.lineItemId),
    sku: line.sku || undefined,
    title: line.title ?? "",
    quantity,
    quantityShipped: line.lineItemFulfillmentStatus === "FULFILLED" ? quantity : 0,
    unitPrice,
    lineTotal,
    discount: lineDiscount(line, currency),
    tax: lineTax(line, currency),
    shipping,
  };
}

function mapAddress(contact: EbayExtendedContact | undefined): Address | undefined {
  const a = contact?.contactAddress;
  if (!contact || !a) return undefined;
  return {
    name: contact.fullName,
    company: contact.companyName,
    line1: a.addressLine1,
    line2: a.addressLine2,
    city: a.city,
    region: a.stateOrProvince,
    postalCode: a.postalCode,
    countryCode: a.countryCode,
    phone: contact.primaryPhone?.phoneNumber,
  };
}

export function mapOrder(order: EbayOrder): MarketplaceOrder {
  if (!order.orderId) throw new EbayMappingError("order without orderId");
  const currency = orderCurrency(order);
  const lines = (order.lineItems ?? []).map((l) => mapLine(l, currency));
  const ps = order.pricingSummary ?? {};

  const subtotal = ps.priceSubtotal?.value
    ? amount(ps.priceSubtotal, currency)
    : add(currency, ...lines.map((l) => l.lineTotal));
  const shipping = ps.deliveryCost?.value
    ? add(currency, amount(ps.deliveryCost, currency), {
        currency,
        amountMinor: -Math.abs(amount(ps.deliveryDiscount, currency).amountMinor),
      })
    : add(currency, ...lines.map((l) => l.shipping ?? zero(currency)));
  const discount = ps.priceDiscount?.value
    ? abs(amount(ps.priceDiscount, currency))
    : add(currency, ...lines.map((l) => l.discount));
  const tax = ps.tax?.value ? amount(ps.tax, currency) : add(currency, ...lines.map((l) => l.tax));
  const total = amount(ps.total, currency);

  const marketplaceId = marketplaceOf(order);
  const taxCollectedByMarketplace =
    order.ebayCollectAndRemitTax === true ||
    (order.lineItems ?? []).some((l) => (l.ebayCollectAndRemitTaxes ?? []).length > 0);

  // Whether the tax is inside the prices: the order's own arithmetic decides when it can (eBay adds
  // Collect-and-Remit VAT on top for some cross-border sales on EU/UK sites); otherwise the site.
  const net = subtotal.amountMinor + shipping.amountMinor - discount.amountMinor;
  let pricesIncludeTax =
    marketplaceId !== undefined && VAT_INCLUSIVE_MARKETPLACES.has(marketplaceId);
  if (tax.amountMinor !== 0 && ps.total?.value) {
    if (net + tax.amountMinor === total.amountMinor) pricesIncludeTax = false;
    else if (net === total.amountMinor) pricesIncludeTax = true;
  }

  const shipByDates = (order.lineItems ?? [])
    .map((l) => l.lineItemFulfillmentInstructions?.shipByDate)
    .filter((d): d is string => Boolean(d))
    .map((d) => date(d, "shipByDate"));
  const shipBy = shipByDates.length
    ? new Date(Math.min(...shipByDates.map((d) => d.getTime())))
    : undefined;

  const shipToContact = order.fulfillmentStartInstructions?.[0]?.shippingStep?.shipTo;
  const registration = order.buyer?.buyerRegistrationAddress;

  return {
    marketplace: "ebay",
    id: ebayOrderId(order.orderId),
    status: mapStatus(order),
    rawStatus: rawStatus(order),
    createdAt: date(order.creationDate, "creationDate"),
    updatedAt: date(order.lastModifiedDate ?? order.creationDate, "lastModifiedDate"),
    marketplaceId,
    currency,
    fulfilledByMarketplace: isFulfilledByMarketplace(order),
    taxCollectedByMarketplace,
    pricesIncludeTax,
    buyerCancellationRequested: buyerCancellationRequested(order),
    buyer: {
      userId: order.buyer?.username,
      name: registration?.fullName ?? shipToContact?.fullName,
      email: registration?.email ?? shipToContact?.email,
      phone: registration?.primaryPhone?.phoneNumber ?? shipToContact?.primaryPhone?.phoneNumber,
    },
    shipTo: mapAddress(shipToContact),
    lines,
    totals: { subtotal, shipping, tax, discount, total },
    shipBy,
    raw: order,
  };
}

export function mapShipment(f: EbayShippingFulfillment): MarketplaceShipment {
  const shippedAt = f.shippedDate ? new Date(f.shippedDate) : undefined;
  return {
    fulfillmentId: f.fulfillmentId,
    carrierCode: f.shippingCarrierCode,
    trackingNumber: f.shipmentTrackingNumber,
    shippedAt: shippedAt && !Number.isNaN(shippedAt.getTime()) ? shippedAt : undefined,
    lines: (f.lineItems ?? [])
      .filter((l) => l.lineItemId)
      .map((l) => ({ lineId: ebayLineItemId(l.lineItemId!), quantity: l.quantity ?? 0 })),
  };
}

/** The createShippingFulfillment body for a shipment confirmation. */
export function toShippingFulfillmentDetails(
  input: ConfirmShipmentInput,
): EbayShippingFulfillmentDetails {
  return {
    lineItems: input.lines.map((l) => ({ lineItemId: l.lineId, quantity: l.quantity })),
    shippedDate: input.shippedAt.toISOString(),
    shippingCarrierCode: input.carrierCode,
    trackingNumber: input.trackingNumber,
  };
}

/** The fulfillment id at the end of createShippingFulfillment's Location header. */
export function fulfillmentIdFromLocation(location: string | undefined): string | undefined {
  if (!location) return undefined;
  const path = location.split("?")[0] ?? "";
  const match = /\/shipping_fulfillment\/([^/]+)\/?$/.exec(path);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

export { MoneyFormatError };
