import { type Money, toDecimal } from "../../connectors/money";
import type {
  Address,
  CreateStoreOrderInput,
  CreateStoreOrderLine,
  MarketplaceLineId,
  MarketplaceName,
  MarketplaceOrder,
  StoreName,
  StoreVariant,
} from "../../connectors/types";
import type { AccountSettings } from "../../db/account-settings";

/**
 * Marketplace order + resolved variants + account settings → the `CreateStoreOrderInput` a store
 * connector creates. Pure: no I/O, no clock. All money is integer minor units; the only division
 * (spreading an order-level remainder over lines) is done on BigInt with the largest-remainder
 * method, so the parts always add up to the whole.
 *
 * Before returning, the input is checked to reconcile with what the buyer paid, to the minor unit:
 *
 *   Σ(unit price × quantity) − Σ discounts + shipping + tax (when not inside the prices)
 *     = marketplace order total
 *
 * and a `TotalsMismatchError` is thrown otherwise (the pipeline holds the order with
 * `order.totals_mismatch {expected, computed, currency}`).
 *
 * Marketplace-collected tax (eBay Collect and Remit, Amazon marketplace facilitator):
 * - `record`: tax lines are written, flagged as collected by the marketplace
 *   (`taxCollectedByMarketplace`; Shopify `channelLiable`, BigCommerce staff note), and the store
 *   order's total is the marketplace total.
 * - `leave_out`: no tax at all on the store order. The prices, discounts and shipping are still
 *   exactly the marketplace's, so the store order's total is the marketplace total minus the tax
 *   the marketplace added on top of the prices — the tax the marketplace kept and remits, which the
 *   seller never receives (eBay's `totalDueSeller` is exactly this amount). The store order's total
 *   and its payment transaction are that amount, so the store order is exactly paid, and
 *   `store total + left-out tax = marketplace total` is what is verified. Where the prices include
 *   VAT (EU marketplaces), the VAT stays inside the unit prices as the buyer paid them (taking it
 *   out would need per-unit division, which is not exact), nothing is added on top, and the store
 *   total equals the marketplace total.
 * Tax the seller collects itself (no marketplace collection) is always recorded.
 */

export interface ResolvedLine {
  lineId: MarketplaceLineId;
  variant: StoreVariant;
}

export interface StoreContext {
  platform: StoreName;
  /** Currencies the store sells in (ISO 4217). */
  currencies: string[];
}

export interface BuildStoreOrderInputArgs {
  order: MarketplaceOrder;
  resolvedLines: ResolvedLine[];
  settings: AccountSettings;
  store: StoreContext;
}

/** A hold reason as the pipeline stores it (`marketplace_orders.hold_reasons`). */
export interface StoreOrderReason {
  code: string;
  params?: Record<string, string | number>;
}

/** The order cannot become a store order as it stands; `reason` is what the merchant is shown. */
export class StoreOrderInputError extends Error {
  override name = "StoreOrderInputError";
  constructor(
    readonly reason: StoreOrderReason,
    message: string,
  ) {
    super(message);
  }
}

/** The store order would not add up to what the buyer paid, to the minor unit. */
export class TotalsMismatchError extends StoreOrderInputError {
  override name = "TotalsMismatchError";
  constructor(
    /** The marketplace order's total (what the buyer paid). */
    readonly expected: Money,
    /** Lines × quantities − discounts + shipping + tax not inside the prices, as built. */
    readonly computed: Money,
  ) {
    super(
      {
        code: "order.totals_mismatch",
        params: {
          expected: toDecimal(expected.amountMinor, expected.currency),
          computed: toDecimal(computed.amountMinor, computed.currency),
          currency: expected.currency,
        },
      },
      `store order total ${toDecimal(computed.amountMinor, computed.currency)} ${computed.currency} ` +
        `does not reconcile with the marketplace total ${toDecimal(expected.amountMinor, expected.currency)} ${expected.currency}`,
    );
  }

  get currency(): string {
    return this.expected.currency;
  }
}

const MARKETPLACE_LABEL: Record<MarketplaceName, string> = { ebay: "eBay", amazon: "Amazon" };

/**
 * Splits `total` over `weights` exactly (largest remainder; ties to the earlier index). All weights
 * zero or negative: the whole amount goes to the first index.
 */
export function allocate(total: number, weights: number[]): number[] {
  if (weights.length === 0) return [];
  const w = weights.map((x) => BigInt(Math.max(0, x)));
  const sum = w.reduce((a, b) => a + b, 0n);
  if (sum === 0n) return weights.map((_, i) => (i === 0 ? total : 0));
  const sign = total < 0 ? -1n : 1n;
  const whole = BigInt(Math.abs(total));
  const shares = w.map((x) => (whole * x) / sum);
  const remainders = w.map((x, i) => ({ i, r: (whole * x) % sum }));
  let left = whole - shares.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left === 0n) break;
    shares[i]! += 1n;
    left -= 1n;
  }
  return shares.map((s) => Number(s * sign));
}

function sameCurrency(m: Money, currency: string, what: string, order: MarketplaceOrder): number {
  if (m.currency.toUpperCase() !== currency) {
    throw new StoreOrderInputError(
      { code: "order.mixed_currencies", params: { currency, other: m.currency } },
      `${what} of ${order.marketplace} order ${order.id} is in ${m.currency}, the order in ${currency}`,
    );
  }
  if (!Number.isSafeInteger(m.amountMinor)) {
    throw new RangeError(`${what} is not an integer amount of minor units: ${m.amountMinor}`);
  }
  return m.amountMinor;
}

/** What a store needs to create an order it can ship: a street line, a city and a country. */
function missingAddressFields(a: Address | undefined): string[] {
  const blank = (v: string | undefined) => !v || v.trim() === "";
  return (["line1", "city", "countryCode"] as const).filter((k) => blank(a?.[k]));
}

export function buildStoreOrderInput(args: BuildStoreOrderInputArgs): CreateStoreOrderInput {
  const { order, resolvedLines, settings, store } = args;
  const currency = order.currency.toUpperCase();
  const money = (amountMinor: number): Money => ({ amountMinor, currency });
  const label = MARKETPLACE_LABEL[order.marketplace];

  // Currency: always the marketplace's, never converted; refused when the store does not sell in
  // it, unless the merchant allowed orders in the marketplace's currency — which only Shopify can
  // record (orderCreate takes any currency); BigCommerce's v2 orders have no currency field and
  // would silently book the amounts in the store's own currency.
  const storeCurrencies = store.currencies.map((c) => c.toUpperCase());
  const foreignAllowed =
    settings.currencyPolicy === "marketplace_currency" && store.platform === "shopify";
  if (!foreignAllowed && !storeCurrencies.includes(currency)) {
    throw new StoreOrderInputError(
      {
        code: "currency.unsupported",
        params: { currency, storeCurrencies: storeCurrencies.join(", ") },
      },
      `the store does not sell in ${currency} (${storeCurrencies.join(", ")})`,
    );
  }

  if (order.fulfilledByMarketplace && settings.marketplaceFulfilled === "skip") {
    throw new StoreOrderInputError(
      { code: "order.marketplace_fulfilled" },
      `${label} order ${order.id} is fulfilled by the marketplace and the account skips those`,
    );
  }

  const shipTo = order.shipTo;
  const missing = missingAddressFields(shipTo);
  if (!shipTo || missing.length > 0) {
    throw new StoreOrderInputError(
      { code: "address.incomplete", params: { fields: missing.join(", ") } },
      `${label} order ${order.id} has no usable shipping address (${missing.join(", ")})`,
    );
  }

  // Lines: every marketplace line with a quantity needs its store variant.
  const variants = new Map(resolvedLines.map((r) => [r.lineId, r.variant]));
  const lines = order.lines.filter((l) => l.quantity > 0);
  if (lines.length === 0) {
    throw new StoreOrderInputError(
      { code: "order.no_lines" },
      `${label} order ${order.id} has no line to create`,
    );
  }
  const unresolved = lines.filter((l) => !variants.has(l.lineId));
  if (unresolved.length > 0) {
    throw new StoreOrderInputError(
      {
        code: "sku.missing",
        params: { lineTitle: unresolved.map((l) => l.title || l.sku || l.lineId).join(", ") },
      },
      `no store variant for line(s) ${unresolved.map((l) => l.lineId).join(", ")}`,
    );
  }

  const gross = lines.map((l, i) => {
    if (!Number.isInteger(l.quantity)) throw new RangeError(`line ${i + 1}: fractional quantity`);
    return sameCurrency(l.unitPrice, currency, `line ${l.lineId} price`, order) * l.quantity;
  });
  const lineDiscounts = lines.map((l) =>
    sameCurrency(l.discount, currency, `line ${l.lineId} discount`, order),
  );
  const lineTaxes = lines.map((l) => sameCurrency(l.tax, currency, `line ${l.lineId} tax`, order));
  const shippingTaxes = lines.map((l) =>
    l.shippingTax
      ? sameCurrency(l.shippingTax, currency, `line ${l.lineId} shipping tax`, order)
      : 0,
  );
  const orderDiscount = sameCurrency(order.totals.discount, currency, "order discount", order);
  const orderTax = sameCurrency(order.totals.tax, currency, "order tax", order);
  const expectedTotal = sameCurrency(order.totals.total, currency, "order total", order);
  let shippingPrice = sameCurrency(order.totals.shipping, currency, "order shipping", order);

  // A shipping discount larger than the shipping (negative shipping) cannot be a shipping price:
  // the excess becomes an order discount.
  let discountResidue = orderDiscount - lineDiscounts.reduce((a, b) => a + b, 0);
  if (shippingPrice < 0) {
    discountResidue += -shippingPrice;
    shippingPrice = 0;
  }
  // Order-level discount not attributed to lines (eBay order promotions): spread over the lines in
  // proportion to what is left of each after its own discount.
  if (discountResidue > 0) {
    const shares = allocate(
      discountResidue,
      gross.map((g, i) => g - lineDiscounts[i]!),
    );
    shares.forEach((s, i) => (lineDiscounts[i]! += s));
  }

  // Order-level tax not attributed to lines or shipping: on the shipping when there is some (the
  // usual case: tax on delivery), otherwise spread over the lines by their net amount.
  let shippingTax = shippingTaxes.reduce((a, b) => a + b, 0);
  const taxResidue = orderTax - lineTaxes.reduce((a, b) => a + b, 0) - shippingTax;
  if (taxResidue > 0) {
    if (shippingPrice > 0) shippingTax += taxResidue;
    else {
      const shares = allocate(
        taxResidue,
        gross.map((g, i) => g - lineDiscounts[i]!),
      );
      shares.forEach((s, i) => (lineTaxes[i]! += s));
    }
  }

  const taxesIncluded = order.pricesIncludeTax;
  const marketplaceTaxHandling: CreateStoreOrderInput["marketplaceTaxHandling"] =
    order.taxCollectedByMarketplace ? settings.marketplaceTax : "record";
  const recordTax = marketplaceTaxHandling === "record";
  const taxAll = lineTaxes.reduce((a, b) => a + b, 0) + shippingTax;

  const storeLines: CreateStoreOrderLine[] = lines.map((l, i) => {
    const variant = variants.get(l.lineId)!;
    return {
      variant: variant.ref,
      sku: l.sku ?? (variant.sku || undefined),
      title: l.title || variant.title,
      quantity: l.quantity,
      unitPrice: money(l.unitPrice.amountMinor),
      discount: money(lineDiscounts[i]!),
      tax: money(recordTax ? lineTaxes[i]! : 0),
      marketplaceLineId: l.lineId,
    };
  });
  const shipping =
    shippingPrice > 0 || (recordTax && shippingTax > 0)
      ? {
          title: `${label} shipping`,
          price: money(shippingPrice),
          tax: money(recordTax ? shippingTax : 0),
        }
      : undefined;

  // The store order's own total, as both stores compute it from what we send.
  const recordedTax = recordTax ? taxAll : 0;
  const storeTotal =
    gross.reduce((a, b) => a + b, 0) -
    lineDiscounts.reduce((a, b) => a + b, 0) +
    (shipping?.price.amountMinor ?? 0) +
    (taxesIncluded ? 0 : recordedTax);
  // Tax the buyer paid on top of the prices that the store order leaves out (see above).
  const leftOutTax = !recordTax && !taxesIncluded ? taxAll : 0;
  const computed = storeTotal + leftOutTax;
  if (computed !== expectedTotal) {
    throw new TotalsMismatchError(money(expectedTotal), money(computed));
  }

  const email =
    settings.buyerEmail === "relay"
      ? order.buyer.email
      : settings.buyerEmail === "fixed"
        ? settings.fixedEmail
        : undefined;

  const tags = [
    ...new Set(
      [order.marketplace, order.id, ...settings.tags].map((t) => t.trim()).filter(Boolean),
    ),
  ];

  const where = order.marketplaceId ? ` (${order.marketplaceId})` : "";
  const note = [
    `Imported by Marketsync from ${label}${where} order ${order.id}.`,
    ...(order.taxCollectedByMarketplace
      ? [
          recordTax
            ? `Tax collected and remitted by ${label}.`
            : `Tax collected and remitted by ${label}: left out of this order.`,
        ]
      : []),
    ...(order.fulfilledByMarketplace
      ? [`Fulfilled by ${label}: recorded for the books, nothing to ship.`]
      : []),
  ].join("\n");

  return {
    marketplace: order.marketplace,
    marketplaceOrderId: order.id,
    name: settings.orderName === "marketplace_id" ? order.id : undefined,
    currency,
    taxesIncluded,
    taxCollectedByMarketplace: order.taxCollectedByMarketplace,
    marketplaceTaxHandling,
    lines: storeLines,
    shipping,
    total: money(storeTotal),
    buyer: {
      name: order.buyer.name ?? shipTo.name,
      email,
      phone: order.buyer.phone ?? shipTo.phone,
    },
    shipTo,
    tags,
    note,
    inventory: {
      // Stock the marketplace shipped from its own warehouse (FBA, eBay fulfilment) never left the
      // store's shelves: decrementing it would count it twice.
      decrement: settings.inventory.decrement && !order.fulfilledByMarketplace,
      // A location is a Shopify notion (location GID); BigCommerce v2 orders have none.
      locationId: store.platform === "shopify" ? settings.inventory.locationId : undefined,
    },
    alreadyFulfilled: order.fulfilledByMarketplace,
    processedAt: order.createdAt,
  };
}
