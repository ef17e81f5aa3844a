import { toDecimal, toMinor } from "../../../connectors/money";
import type {
  EbayAmount,
  EbayLineItem,
  EbayOrder,
  EbayOrderPaymentStatus,
} from "../../../connectors/ebay/types";

/**
 * Builds eBay-shaped orders from a short description, with every amount computed exactly (minor
 * units) the way eBay composes them: lineItemCost = unit × quantity; pricingSummary sums the lines;
 * on VAT-inclusive sites the VAT sits inside the prices, elsewhere tax is added on top.
 */

export const VAT_SITES = new Set([
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

const SITE_CURRENCY: Record<string, string> = {
  EBAY_US: "USD",
  EBAY_MOTORS_US: "USD",
  EBAY_CA: "CAD",
  EBAY_AU: "AUD",
  EBAY_GB: "GBP",
  EBAY_CH: "CHF",
  EBAY_PL: "PLN",
  EBAY_FR: "EUR",
  EBAY_DE: "EUR",
  EBAY_IT: "EUR",
  EBAY_ES: "EUR",
  EBAY_AT: "EUR",
  EBAY_BE: "EUR",
  EBAY_NL: "EUR",
  EBAY_IE: "EUR",
};

export interface SeedLine {
  lineItemId?: string;
  sku?: string;
  title: string;
  quantity?: number;
  /** One unit, as the buyer sees it (VAT included on VAT sites). */
  unitPrice: string;
  /** Shipping for the whole line. */
  shipping?: string;
  /** Promotion on this line (positive). */
  discount?: string;
  promotionDescription?: string;
  /** Tax on this line (VAT included in the price on VAT sites; added on top elsewhere). */
  tax?: string;
  /** STATE_SALES_TAX, VAT, GST… (default: VAT on VAT sites, STATE_SALES_TAX elsewhere). */
  taxType?: string;
  /** eBay collects and remits this tax (default true when `tax` is set). */
  collectAndRemit?: boolean;
  shipByDate?: string;
}

export interface SeedAddress {
  fullName?: string;
  companyName?: string;
  addressLine1?: string;
  addressLine2?: string;
  city?: string;
  stateOrProvince?: string;
  postalCode?: string;
  countryCode?: string;
  phone?: string;
  email?: string;
}

export interface SeedOrderInput {
  /** Seller username (an account added with `addAccount`). */
  seller: string;
  orderId?: string;
  marketplaceId?: string;
  currency?: string;
  lines: SeedLine[];
  buyerUsername?: string;
  shipTo?: SeedAddress;
  paymentStatus?: EbayOrderPaymentStatus;
  /** ISO date; default now. */
  createdAt?: string;
  /** ISO date; default createdAt. */
  modifiedAt?: string;
  /** eBay programs: label by eBay, eBay International Shipping, eBay fulfillment. */
  program?: "EBAY_SHIPPING" | "EBAY_INTERNATIONAL_SHIPPING" | "EBAY_FULFILLMENT";
  buyerCheckoutNotes?: string;
}

/** What the stored order needs beyond its wire form: tax eBay leaves out of totals without TAX_BREAKDOWN. */
export interface OrderRecord {
  order: EbayOrder;
  /** Collect-and-Remit tax added on top of prices, per line id and for the order (minor units). */
  remitOnTop: Map<string, number>;
  remitOnTopTotal: number;
  currency: string;
}

let sequence = 0;

export function nextOrderId(): string {
  sequence += 1;
  const a = String(10_000 + ((sequence * 7_919) % 90_000)).padStart(5, "0");
  const b = String(10_000 + ((sequence * 104_729) % 90_000)).padStart(5, "0");
  return `${26 + (sequence % 3)}-${a}-${b}`;
}

let lineSequence = 0;
function nextLineItemId(): string {
  lineSequence += 1;
  return String(10_061_000_000_000 + lineSequence * 37);
}

const amt = (minor: number, currency: string): EbayAmount => ({
  value: toDecimal(minor, currency),
  currency,
});

export function buildOrder(input: SeedOrderInput, sellerMarketplace: string): OrderRecord {
  const marketplaceId = input.marketplaceId ?? sellerMarketplace;
  const currency = input.currency ?? SITE_CURRENCY[marketplaceId] ?? "USD";
  const vatSite = VAT_SITES.has(marketplaceId);
  const createdAt = input.createdAt ?? new Date().toISOString();
  const orderId = input.orderId ?? nextOrderId();
  const m = (s: string | undefined) => (s ? toMinor(s, currency) : 0);
  const remitOnTop = new Map<string, number>();

  let subtotal = 0;
  let delivery = 0;
  let discount = 0;
  let tax = 0;
  let total = 0;
  let remitOnTopTotal = 0;
  let anyRemit = false;

  const lineItems: EbayLineItem[] = input.lines.map((line) => {
    const quantity = line.quantity ?? 1;
    const lineItemId = line.lineItemId ?? nextLineItemId();
    const cost = m(line.unitPrice) * quantity;
    const ship = m(line.shipping);
    const disc = m(line.discount);
    const lineTax = m(line.tax);
    const remit = lineTax > 0 && (line.collectAndRemit ?? true);
    const taxType = line.taxType ?? (vatSite ? "VAT" : "STATE_SALES_TAX");
    const lineTotal = cost - disc + ship + (vatSite ? 0 : lineTax);
    if (remit && !vatSite) remitOnTop.set(lineItemId, lineTax);
    if (remit && !vatSite) remitOnTopTotal += lineTax;
    anyRemit ||= remit;
    subtotal += cost;
    delivery += ship;
    discount += disc;
    tax += lineTax;
    total += lineTotal;
    const item: EbayLineItem = {
      lineItemId,
      legacyItemId: String(3_960_000_000_00 + lineSequence),
      ...(line.sku ? { sku: line.sku } : {}),
      title: line.title,
      quantity,
      lineItemCost: amt(cost, currency),
      ...(disc > 0 ? { discountedLineItemCost: amt(cost - disc, currency) } : {}),
      total: amt(lineTotal, currency),
      deliveryCost: {
        // eBay writes free shipping as "0.0".
        shippingCost: ship === 0 ? { value: "0.0", currency } : amt(ship, currency),
      },
      appliedPromotions:
        disc > 0
          ? [
              {
                promotionId: `${5_000_000_000 + lineSequence}`,
                description: line.promotionDescription ?? "Promotion",
                discountAmount: amt(disc, currency),
              },
            ]
          : [],
      taxes: lineTax > 0 ? [{ amount: amt(lineTax, currency), taxType }] : [],
      ...(remit
        ? {
            ebayCollectAndRemitTaxes: [
              { taxType, amount: amt(lineTax, currency), collectionMethod: "NET" },
            ],
          }
        : {}),
      lineItemFulfillmentStatus: "NOT_STARTED",
      lineItemFulfillmentInstructions: {
        shipByDate:
          line.shipByDate ?? new Date(Date.parse(createdAt) + 3 * 86_400_000).toISOString(),
        guaranteedDelivery: false,
      },
      listingMarketplaceId: marketplaceId,
      purchaseMarketplaceId: marketplaceId,
      soldFormat: "FIXED_PRICE",
      refunds: [],
      properties: { buyerProtection: true },
    };
    return item;
  });

  const ship = input.shipTo ?? {};
  const shipTo = {
    fullName: ship.fullName ?? "Jane Buyer",
    ...(ship.companyName ? { companyName: ship.companyName } : {}),
    contactAddress: {
      addressLine1: ship.addressLine1 ?? "1 Main St",
      ...(ship.addressLine2 ? { addressLine2: ship.addressLine2 } : {}),
      city: ship.city ?? "San Jose",
      ...(ship.stateOrProvince ? { stateOrProvince: ship.stateOrProvince } : {}),
      postalCode: ship.postalCode ?? "95125",
      countryCode: ship.countryCode ?? "US",
    },
    primaryPhone: { phoneNumber: ship.phone ?? "4085551234" },
    email: ship.email ?? "7a1b2c3d4e5f@members.ebay.com",
  };

  const paymentStatus = input.paymentStatus ?? "PAID";
  const program =
    input.program === "EBAY_SHIPPING"
      ? { ebayShipping: { shippingLabelProvidedBy: "EBAY" } }
      : input.program === "EBAY_INTERNATIONAL_SHIPPING"
        ? { ebayInternationalShipping: { returnsManagedBy: "EBAY" } }
        : input.program === "EBAY_FULFILLMENT"
          ? { fulfillmentProgram: { fulfilledBy: "EBAY" } }
          : undefined;

  const order: EbayOrder = {
    orderId,
    creationDate: createdAt,
    lastModifiedDate: input.modifiedAt ?? createdAt,
    orderFulfillmentStatus: "NOT_STARTED",
    orderPaymentStatus: paymentStatus,
    sellerId: input.seller,
    buyer: {
      username: input.buyerUsername ?? "buyer_jane",
      buyerRegistrationAddress: {
        fullName: shipTo.fullName,
        email: shipTo.email,
        primaryPhone: shipTo.primaryPhone,
        contactAddress: shipTo.contactAddress,
      },
    },
    ...(input.buyerCheckoutNotes ? { buyerCheckoutNotes: input.buyerCheckoutNotes } : {}),
    pricingSummary: {
      priceSubtotal: amt(subtotal, currency),
      ...(discount > 0 ? { priceDiscount: amt(-discount, currency) } : {}),
      deliveryCost: amt(delivery, currency),
      ...(tax > 0 ? { tax: amt(tax, currency) } : {}),
      total: amt(total, currency),
    },
    cancelStatus: { cancelState: "NONE_REQUESTED", cancelRequests: [] },
    paymentSummary: {
      payments:
        paymentStatus === "PENDING" || paymentStatus === "FAILED"
          ? [
              {
                paymentMethod: "EBAY",
                paymentStatus: paymentStatus === "PENDING" ? "PENDING" : "FAILED",
                amount: amt(total, currency),
              },
            ]
          : [
              {
                paymentMethod: "EBAY",
                paymentStatus: "PAID",
                paymentDate: createdAt,
                amount: amt(total - remitOnTopTotal, currency),
              },
            ],
      refunds: [],
      totalDueSeller: amt(total - remitOnTopTotal, currency),
    },
    fulfillmentStartInstructions: [
      {
        fulfillmentInstructionsType: "SHIP_TO",
        ...(input.program === "EBAY_INTERNATIONAL_SHIPPING"
          ? { ebaySupportedFulfillment: true }
          : {}),
        minEstimatedDeliveryDate: new Date(Date.parse(createdAt) + 4 * 86_400_000).toISOString(),
        maxEstimatedDeliveryDate: new Date(Date.parse(createdAt) + 8 * 86_400_000).toISOString(),
        shippingStep: {
          shippingCarrierCode: currency === "USD" ? "USPS" : "COLISSIMO",
          shippingServiceCode: currency === "USD" ? "USPSPriority" : "FR_ColiposteColissimo",
          shipTo,
        },
      },
    ],
    fulfillmentHrefs: [],
    lineItems,
    ...(anyRemit ? { ebayCollectAndRemitTax: true } : {}),
    salesRecordReference: String(1000 + sequence),
    ...(program ? { program } : {}),
  };
  return { order, remitOnTop, remitOnTopTotal, currency };
}

/** The order as eBay would render it for this request. */
export function renderOrder(
  record: OrderRecord,
  options: { taxBreakdown: boolean; withCancelRequests: boolean },
): EbayOrder {
  const order = structuredClone(record.order);
  if (!options.withCancelRequests && order.cancelStatus) order.cancelStatus.cancelRequests = [];
  if (options.taxBreakdown) return order;
  // Without TAX_BREAKDOWN eBay omits taxType and leaves Collect-and-Remit tax out of `total`.
  const c = record.currency;
  for (const line of order.lineItems ?? []) {
    for (const t of line.taxes ?? []) delete t.taxType;
    const onTop = record.remitOnTop.get(line.lineItemId ?? "") ?? 0;
    if (onTop && line.total?.value) line.total = amt(toMinor(line.total.value, c) - onTop, c);
  }
  const total = order.pricingSummary?.total;
  if (record.remitOnTopTotal && total?.value && order.pricingSummary) {
    order.pricingSummary.total = amt(toMinor(total.value, c) - record.remitOnTopTotal, c);
  }
  return order;
}
