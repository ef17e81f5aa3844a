import { Rejected } from "../errors";
import { currencyExponent, type Money, money, toDecimal, toMinor } from "../money";
import {
  type Address,
  bigCommerceOrderId,
  type CreateStoreOrderInput,
  type MarketplaceLineId,
  type MarketplaceName,
  type StoreFulfillment,
  type StoreFulfillmentLine,
  type StoreOrderRef,
  type StoreVariant,
  variantRef,
  type VariantRef,
} from "../types";
import {
  BC_STATUS,
  type BcAddress,
  type BcOrder,
  type BcOrderPost,
  type BcOrderProduct,
  type BcProduct,
  type BcShipment,
  type BcVariant,
} from "./types";

/**
 * BigCommerce shapes ⇄ the normalized domain. Amounts are integers in minor units throughout;
 * decimals are produced and parsed as strings (`toDecimal`/`toMinor`), never by float arithmetic.
 * BigCommerce keeps 4 decimals on prices, so a per-unit price that does not divide evenly is sent
 * with up to 2 extra decimals (rounded half away from zero at the 4th); line, subtotal and total
 * fields are always exact.
 */

const MARKER = "[marketsync:v1]";

/** What we write into `staff_notes` to find our way back from store lines to marketplace lines. */
export interface OrderMarker {
  m: MarketplaceName;
  o: string;
  /** One entry per posted product, in posting order: [marketplace line id, variant ref, qty]. */
  l: [string, string, number][];
}

export function parseVariantRef(ref: VariantRef | string): {
  productId: number;
  variantId: number | undefined;
} {
  const match = /^(\d+)(?::(\d+))?$/.exec(ref.trim());
  if (!match) throw new Error(`not a BigCommerce variant ref (productId:variantId): ${ref}`);
  return {
    productId: Number(match[1]),
    variantId: match[2] === undefined ? undefined : Number(match[2]),
  };
}

export const toVariantRef = (productId: number, variantId: number) =>
  variantRef(`${productId}:${variantId}`);

/** RFC 2822 in UTC, as BigCommerce v2 writes dates (`Tue, 20 Nov 2012 00:00:00 +0000`). */
export function toRfc2822(date: Date): string {
  return date.toUTCString().replace(/GMT$/, "+0000");
}

export function parseBcDate(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

function splitName(name: string | undefined): { first_name: string; last_name: string } {
  const clean = (name ?? "").trim().replace(/\s+/g, " ");
  if (!clean) return { first_name: "", last_name: "" };
  const space = clean.lastIndexOf(" ");
  if (space < 0) return { first_name: clean, last_name: "" };
  return { first_name: clean.slice(0, space), last_name: clean.slice(space + 1) };
}

export function toBcAddress(
  address: Address,
  contact: { email?: string | undefined; phone?: string | undefined } = {},
): BcAddress {
  const out: BcAddress = { ...splitName(address.name) };
  const set = (key: keyof BcAddress, value: string | undefined) => {
    if (value !== undefined && value.trim() !== "") out[key] = value.trim();
  };
  set("company", address.company);
  set("street_1", address.line1);
  set(
    "street_2",
    [address.line2, address.line3].filter((l) => l && l.trim()).join(", ") || undefined,
  );
  set("city", address.city);
  set("state", address.region);
  set("zip", address.postalCode);
  set("country_iso2", address.countryCode?.toUpperCase());
  set("phone", address.phone ?? contact.phone);
  set("email", contact.email);
  return out;
}

/**
 * `totalMinor / quantity` as a JSON number with the currency's decimals plus two (BigCommerce
 * keeps four): exact when it divides, else rounded half away from zero at the last kept decimal.
 */
export function perUnitPrice(totalMinor: number, quantity: number, currency: string): number {
  const digits = currencyExponent(currency) + 2; // BigCommerce keeps two more decimals
  const abs = Math.abs(totalMinor) * 100;
  const q = Math.floor(abs / quantity);
  const r = abs - q * quantity;
  const units = r * 2 >= quantity ? q + 1 : q;
  const text = String(units).padStart(digits + 1, "0");
  const sign = totalMinor < 0 && units > 0 ? "-" : "";
  // A decimal string parsed once into the JSON number BigCommerce expects: no arithmetic on it.
  return Number(`${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`);
}

function decimal(amountMinor: number, currency: string): string {
  return toDecimal(amountMinor, currency);
}

export interface BuiltOrder {
  body: BcOrderPost;
  marker: OrderMarker;
  /** Our computed total minus the marketplace's total (0 when they agree). */
  totalMismatchMinor: number;
}

export function buildOrderPost(
  input: CreateStoreOrderInput,
  options: { externalSource: string },
): BuiltOrder {
  const currency = input.currency.toUpperCase();
  const reject = (message: string) =>
    new Rejected({
      platform: "bigcommerce",
      operation: "createOrder",
      message,
      vendorMessage: message,
    });
  const check = (m: Money, what: string) => {
    if (m.currency.toUpperCase() !== currency)
      throw reject(`${what} is in ${m.currency}, the order in ${currency}`);
    return m.amountMinor;
  };
  if (input.lines.length === 0) throw reject("an order needs at least one line");
  const recordTax = input.marketplaceTaxHandling === "record";

  let subtotalInc = 0;
  let lineTax = 0;
  let discount = 0;
  const products = input.lines.map((line, i) => {
    if (!Number.isInteger(line.quantity) || line.quantity <= 0)
      throw reject(`line ${i + 1}: quantity must be a positive integer`);
    let ref;
    try {
      ref = parseVariantRef(line.variant);
    } catch (error) {
      throw reject(`line ${i + 1}: ${(error as Error).message}`);
    }
    const gross = check(line.unitPrice, `line ${i + 1} price`) * line.quantity;
    const tax = recordTax ? check(line.tax, `line ${i + 1} tax`) : 0;
    discount += check(line.discount, `line ${i + 1} discount`);
    const inc = input.taxesIncluded ? gross : gross + tax;
    const ex = inc - tax;
    subtotalInc += inc;
    lineTax += tax;
    return {
      product_id: ref.productId,
      ...(ref.variantId !== undefined ? { variant_id: ref.variantId } : {}),
      quantity: line.quantity,
      price_inc_tax: perUnitPrice(inc, line.quantity, currency),
      price_ex_tax: perUnitPrice(ex, line.quantity, currency),
    };
  });

  const shipPrice = input.shipping ? check(input.shipping.price, "shipping") : 0;
  const shipTax = input.shipping && recordTax ? check(input.shipping.tax, "shipping tax") : 0;
  const shipInc = input.taxesIncluded ? shipPrice : shipPrice + shipTax;
  const shipEx = shipInc - shipTax;
  const totalInc = subtotalInc + shipInc - discount;
  const totalEx = totalInc - lineTax - shipTax;
  const totalMismatchMinor = totalInc - check(input.total, "total");

  const marker: OrderMarker = {
    m: input.marketplace,
    o: input.marketplaceOrderId,
    l: input.lines.map((l) => [l.marketplaceLineId, l.variant, l.quantity]),
  };
  const shipTo = toBcAddress(input.shipTo, { email: input.buyer.email, phone: input.buyer.phone });
  const billTo = input.billTo
    ? toBcAddress(input.billTo, { email: input.buyer.email, phone: input.buyer.phone })
    : { ...shipTo };
  if (input.buyer.name && !input.billTo) Object.assign(billTo, splitName(input.buyer.name));

  const body: BcOrderPost = {
    customer_id: 0,
    status_id: input.alreadyFulfilled ? BC_STATUS.completed : BC_STATUS.awaitingFulfillment,
    billing_address: billTo,
    shipping_addresses: [
      { ...shipTo, ...(input.shipping ? { shipping_method: input.shipping.title } : {}) },
    ],
    products,
    default_currency_code: currency,
    base_shipping_cost: decimal(shipInc, currency),
    shipping_cost_ex_tax: decimal(shipEx, currency),
    shipping_cost_inc_tax: decimal(shipInc, currency),
    discount_amount: decimal(discount, currency),
    subtotal_ex_tax: decimal(subtotalInc - lineTax, currency),
    subtotal_inc_tax: decimal(subtotalInc, currency),
    total_ex_tax: decimal(totalEx, currency),
    total_inc_tax: decimal(totalInc, currency),
    date_created: toRfc2822(input.processedAt),
    external_source: options.externalSource,
    external_order_id: input.marketplaceOrderId,
    staff_notes: staffNotes(input, marker),
  };
  return { body, marker, totalMismatchMinor };
}

const MARKETPLACE_LABEL: Record<MarketplaceName, string> = { ebay: "eBay", amazon: "Amazon" };

function staffNotes(input: CreateStoreOrderInput, marker: OrderMarker): string {
  const lines = [
    `Imported by Marketsync from ${MARKETPLACE_LABEL[input.marketplace]} order ${input.marketplaceOrderId}.`,
  ];
  if (input.taxCollectedByMarketplace) lines.push("Tax collected and remitted by the marketplace.");
  if (input.tags.length) lines.push(`Tags: ${input.tags.join(", ")}`);
  if (input.note) lines.push(`Note: ${input.note}`);
  lines.push(`${MARKER}${JSON.stringify(marker)}`);
  return lines.join("\n");
}

export function parseMarker(staffNotes: string | undefined): OrderMarker | undefined {
  if (!staffNotes) return undefined;
  const line = staffNotes.split("\n").find((l) => l.startsWith(MARKER));
  if (!line) return undefined;
  try {
    const parsed = JSON.parse(line.slice(MARKER.length)) as OrderMarker;
    return parsed && typeof parsed.o === "string" && Array.isArray(parsed.l) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Parses a v2 decimal string ("12.5000") into minor units, refusing sub-minor remainders. */
export function bcMoney(value: string | number | undefined, currency: string): Money | undefined {
  if (value === undefined || value === "") return undefined;
  return money(value, currency);
}

/** Catalog prices may carry more decimals than the currency: rounded half up, by string. */
export function roundedMoney(
  value: number | undefined | null,
  currency: string,
): Money | undefined {
  if (value === undefined || value === null || !Number.isFinite(value)) return undefined;
  const exponent = currencyExponent(currency);
  const text = String(value);
  if (/e/i.test(text)) return undefined;
  const [whole = "0", fraction = ""] = text.replace(/^-/, "").split(".");
  const kept = fraction.slice(0, exponent).padEnd(exponent, "0");
  const next = fraction.charAt(exponent);
  let minor = toMinor(`${whole}.${kept || "0"}`, currency);
  if (next && Number(next) >= 5) minor += 1;
  return { amountMinor: value < 0 ? -minor : minor, currency: currency.toUpperCase() };
}

export function toStoreOrderRef(
  order: BcOrder,
  context: { adminBaseUrl: string | undefined },
): StoreOrderRef {
  const currency = order.currency_code ?? order.default_currency_code;
  return {
    id: bigCommerceOrderId(order.id),
    name: String(order.id),
    adminUrl: context.adminBaseUrl
      ? `${context.adminBaseUrl.replace(/\/$/, "")}/manage/orders/${order.id}`
      : undefined,
    totalPrice: currency ? bcMoney(order.total_inc_tax, currency) : undefined,
    cancelled: order.status_id === BC_STATUS.cancelled,
  };
}

export function toStoreVariant(variant: BcVariant, currency: string): StoreVariant {
  const labels = (variant.option_values ?? []).map((o) => o.label).filter((l): l is string => !!l);
  return {
    ref: toVariantRef(variant.product_id, variant.id),
    sku: variant.sku,
    title: labels.length ? `${variant.sku} (${labels.join(" / ")})` : variant.sku,
    productId: String(variant.product_id),
    inventoryQuantity: variant.inventory_level,
    price: roundedMoney(variant.calculated_price ?? variant.price, currency),
  };
}

/**
 * A variant read with its product (`include=variants`): titled by the product name and its option
 * labels, since a merchant searching by name recognises the product, not the SKU.
 */
export function toStoreVariantOfProduct(
  product: BcProduct,
  variant: BcVariant,
  currency: string,
): StoreVariant {
  const labels = (variant.option_values ?? []).map((o) => o.label).filter((l): l is string => !!l);
  return {
    ...toStoreVariant({ ...variant, product_id: product.id }, currency),
    title: labels.length ? `${product.name} (${labels.join(" / ")})` : product.name,
  };
}

/** Order products in posting order (ascending id) matched to the marker's marketplace lines. */
export function marketplaceLinesByOrderProduct(
  products: BcOrderProduct[],
  marker: OrderMarker | undefined,
): Map<number, MarketplaceLineId | undefined> {
  const sorted = [...products].sort((a, b) => a.id - b.id);
  const out = new Map<number, MarketplaceLineId | undefined>();
  sorted.forEach((p, i) => {
    const entry = marker?.l[i];
    const sameVariant =
      entry !== undefined &&
      (() => {
        try {
          const ref = parseVariantRef(entry[1]);
          return (
            ref.productId === p.product_id &&
            (ref.variantId === undefined || ref.variantId === p.variant_id)
          );
        } catch {
          return false;
        }
      })();
    out.set(p.id, sameVariant ? (entry[0] as MarketplaceLineId) : undefined);
  });
  return out;
}

export function toStoreFulfillment(
  shipment: BcShipment,
  products: BcOrderProduct[],
  marker: OrderMarker | undefined,
): StoreFulfillment {
  const lineIds = marketplaceLinesByOrderProduct(products, marker);
  const byId = new Map(products.map((p) => [p.id, p]));
  const lines: StoreFulfillmentLine[] = shipment.items.map((item) => ({
    marketplaceLineId: lineIds.get(item.order_product_id),
    sku: byId.get(item.order_product_id)?.sku || undefined,
    quantity: item.quantity,
  }));
  const created = parseBcDate(shipment.date_created) ?? new Date(0);
  const carrier = shipment.tracking_carrier || shipment.shipping_provider || undefined;
  return {
    id: String(shipment.id),
    orderId: bigCommerceOrderId(shipment.order_id),
    status: "success",
    carrier,
    trackingNumber: shipment.tracking_number || undefined,
    trackingUrl: shipment.tracking_link || shipment.generated_tracking_link || undefined,
    createdAt: created,
    updatedAt: created,
    lines,
  };
}
