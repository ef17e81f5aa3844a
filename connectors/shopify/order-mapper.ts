import { money, toDecimal, type Money } from "../money";
import {
  type Address,
  type CreateStoreOrderInput,
  type MarketplaceName,
  type MarketplaceOrderId,
  type MarketplaceLineId,
  shopifyOrderId,
  type StoreFulfillment,
  type StoreOrderRef,
  type StoreVariant,
  variantRef,
} from "../types";
import type { FulfillmentNode, OrderNode, VariantNode } from "./types";

/** Line item property (→ LineItem.customAttributes) carrying the marketplace line id back. */
export const LINE_ID_ATTRIBUTE = "_marketplace_line_id";
export const DISCOUNT_CODE = "MARKETPLACE";

/** SKUs compare ignoring case and surrounding spaces. */
export const normalizeSku = (sku: string) => sku.trim().toLowerCase();

/** Tag written on every order we create: the fallback way to find it again. */
export const marketplaceTag = (marketplace: MarketplaceName, id: MarketplaceOrderId) =>
  `marketsync-${marketplace}-${id}`;

/** A value inside Shopify search syntax: always double-quoted, `\` and `"` escaped. */
export const searchValue = (value: string) => `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/**
 * A bare (unquoted) value inside Shopify search syntax, for a trailing `*` prefix wildcard that a
 * quoted value would not honour; undefined when the value has spaces or a `*` of its own, which
 * cannot be made bare safely. The syntax's special characters are backslash-escaped.
 */
export const bareSearchValue = (value: string): string | undefined =>
  /[\s*]/.test(value) || !value ? undefined : value.replace(/[\\:()"'<>=]/g, (c) => `\\${c}`);

/**
 * The productVariants query for a merchant's words: the default (multi-field, case-insensitive)
 * search finds the product name, `sku:` the SKU, and `title:word*` variant titles beginning so.
 */
export function variantSearchQuery(term: string): string {
  const parts = [searchValue(term), `sku:${searchValue(term)}`];
  const bare = bareSearchValue(term);
  if (bare) parts.push(`title:${bare}*`);
  return parts.join(" OR ");
}

/**
 * A product without options has one variant titled "Default Title", which Shopify appends to the
 * display name ("Blue mug - Default Title"); the merchant knows it as the product's name alone.
 */
const DEFAULT_VARIANT_SUFFIX = " - Default Title";
function variantTitle(node: VariantNode): string {
  const name = node.displayName || node.title;
  return name.endsWith(DEFAULT_VARIANT_SUFFIX)
    ? name.slice(0, -DEFAULT_VARIANT_SUFFIX.length)
    : name;
}

export function variantFromNode(node: VariantNode, shopCurrency: string): StoreVariant {
  return {
    ref: variantRef(node.id),
    sku: node.sku ?? "",
    title: variantTitle(node),
    productId: node.product.id,
    inventoryQuantity: node.inventoryItem.tracked ? (node.inventoryQuantity ?? 0) : undefined,
    price: money(node.price, shopCurrency),
  };
}

export function orderRefFromNode(node: OrderNode, shopDomain: string): StoreOrderRef {
  const numeric = node.id.split("/").pop() ?? "";
  const handle = shopDomain.replace(/\.myshopify\.com$/i, "");
  return {
    id: shopifyOrderId(node.id),
    name: node.name,
    adminUrl: numeric ? `https://admin.shopify.com/store/${handle}/orders/${numeric}` : undefined,
    totalPrice: money(
      node.totalPriceSet.shopMoney.amount,
      node.totalPriceSet.shopMoney.currencyCode,
    ),
    cancelled: node.cancelledAt !== null,
  };
}

const FULFILLMENT_STATUS: Record<FulfillmentNode["status"], StoreFulfillment["status"]> = {
  SUCCESS: "success",
  CANCELLED: "cancelled",
  PENDING: "pending",
  OPEN: "pending",
  ERROR: "other",
  FAILURE: "other",
};

export function fulfillmentFromNode(node: FulfillmentNode): StoreFulfillment {
  const tracking = node.trackingInfo[0];
  return {
    id: node.id,
    orderId: shopifyOrderId(node.order.id),
    status: FULFILLMENT_STATUS[node.status] ?? "other",
    carrier: tracking?.company ?? undefined,
    trackingNumber: tracking?.number ?? undefined,
    trackingUrl: tracking?.url ?? undefined,
    createdAt: new Date(node.createdAt),
    updatedAt: new Date(node.updatedAt),
    lines: node.fulfillmentLineItems.nodes.map((line) => {
      const attr = line.lineItem.customAttributes.find((a) => a.key === LINE_ID_ATTRIBUTE);
      return {
        marketplaceLineId: attr?.value ? (attr.value as MarketplaceLineId) : undefined,
        sku: line.lineItem.sku ?? undefined,
        quantity: line.quantity ?? 0,
      };
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// CreateStoreOrderInput → OrderCreateOrderInput / OrderCreateOptionsInput

interface MoneyBagInput {
  shopMoney: { amount: string; currencyCode: string };
}
interface TaxLineInput {
  title: string;
  rate: string;
  priceSet: MoneyBagInput;
  channelLiable: boolean;
}

function bag(m: Money): MoneyBagInput {
  return { shopMoney: { amount: toDecimal(m.amountMinor, m.currency), currencyCode: m.currency } };
}

function assertCurrency(m: Money, currency: string, what: string): void {
  if (m.currency !== currency) {
    throw new RangeError(`${what} is in ${m.currency}, the order in ${currency}`);
  }
}

/**
 * Tax rate as a decimal string with 4 places (0.2000), from integer minor units only: rate =
 * tax / base, where the base excludes the tax. Shopify requires a rate on every tax line.
 */
export function taxRate(taxMinor: number, baseMinor: number): string {
  if (baseMinor <= 0 || taxMinor <= 0) return "0";
  const scaled = Math.round((taxMinor * 10_000) / baseMinor); // exact integers, one rounding
  return `${Math.floor(scaled / 10_000)}.${String(scaled % 10_000).padStart(4, "0")}`;
}

function taxLines(
  tax: Money,
  grossMinor: number,
  input: CreateStoreOrderInput,
): TaxLineInput[] | undefined {
  if (input.marketplaceTaxHandling === "leave_out" || tax.amountMinor <= 0) return undefined;
  const base = input.taxesIncluded ? grossMinor - tax.amountMinor : grossMinor;
  return [
    {
      title: input.taxCollectedByMarketplace ? "Marketplace tax" : "Tax",
      rate: taxRate(tax.amountMinor, base),
      priceSet: bag(tax),
      channelLiable: input.taxCollectedByMarketplace,
    },
  ];
}

function splitName(name: string | undefined): { firstName?: string; lastName?: string } {
  const parts = (name ?? "").trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return {};
  if (parts.length === 1) return { lastName: parts[0]! };
  return { firstName: parts.slice(0, -1).join(" "), lastName: parts[parts.length - 1]! };
}

function definedOnly<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(o).filter(([, v]) => v !== undefined && v !== ""),
  ) as Partial<T>;
}

export function mailingAddress(a: Address): Record<string, string> {
  const line2 = [a.line2, a.line3].filter(Boolean).join(", ");
  return definedOnly({
    ...splitName(a.name),
    company: a.company,
    address1: a.line1,
    address2: line2 || undefined,
    city: a.city,
    provinceCode: a.region,
    zip: a.postalCode,
    countryCode: a.countryCode?.toUpperCase(),
    phone: a.phone,
  }) as Record<string, string>;
}

export interface OrderCreateVariables {
  order: Record<string, unknown>;
  options: {
    inventoryBehaviour: "BYPASS" | "DECREMENT_IGNORING_POLICY";
    sendReceipt: false;
    sendFulfillmentReceipt: false;
  };
}

export function toOrderCreateVariables(input: CreateStoreOrderInput): OrderCreateVariables {
  const currency = input.currency.toUpperCase();
  let discountMinor = 0;
  const lineItems = input.lines.map((line) => {
    assertCurrency(line.unitPrice, currency, `line ${line.marketplaceLineId} price`);
    assertCurrency(line.discount, currency, `line ${line.marketplaceLineId} discount`);
    assertCurrency(line.tax, currency, `line ${line.marketplaceLineId} tax`);
    if (!Number.isInteger(line.quantity) || line.quantity < 1) {
      throw new RangeError(`line ${line.marketplaceLineId} quantity must be a positive integer`);
    }
    discountMinor += line.discount.amountMinor;
    const grossMinor = line.unitPrice.amountMinor * line.quantity - line.discount.amountMinor;
    return definedOnly({
      variantId: line.variant,
      quantity: line.quantity,
      priceSet: bag(line.unitPrice),
      sku: line.sku,
      title: line.title,
      taxLines: taxLines(line.tax, grossMinor, input),
      properties: [{ name: LINE_ID_ATTRIBUTE, value: line.marketplaceLineId }],
    });
  });

  const shippingLines = input.shipping
    ? [
        definedOnly({
          title: input.shipping.title,
          priceSet: bag(input.shipping.price),
          taxLines: taxLines(input.shipping.tax, input.shipping.price.amountMinor, input),
        }),
      ]
    : undefined;
  if (input.shipping) {
    assertCurrency(input.shipping.price, currency, "shipping");
    assertCurrency(input.shipping.tax, currency, "shipping tax");
  }
  assertCurrency(input.total, currency, "total");

  const tags = [
    ...new Set([...input.tags, marketplaceTag(input.marketplace, input.marketplaceOrderId)]),
  ];
  const order = definedOnly({
    currency,
    sourceName: input.marketplace,
    sourceIdentifier: input.marketplaceOrderId,
    name: input.name,
    tags,
    note: input.note,
    email: input.buyer.email,
    processedAt: input.processedAt.toISOString(),
    taxesIncluded: input.taxesIncluded,
    financialStatus: "PAID",
    fulfillmentStatus: input.alreadyFulfilled ? "FULFILLED" : undefined,
    lineItems,
    shippingLines,
    shippingAddress: mailingAddress(input.shipTo),
    billingAddress: mailingAddress(input.billTo ?? input.shipTo),
    discountCode:
      discountMinor > 0
        ? {
            itemFixedDiscountCode: {
              code: DISCOUNT_CODE,
              amountSet: bag({ amountMinor: discountMinor, currency }),
            },
          }
        : undefined,
    transactions: [
      {
        kind: "SALE",
        status: "SUCCESS",
        gateway: input.marketplace,
        amountSet: bag(input.total),
        processedAt: input.processedAt.toISOString(),
      },
    ],
  });
  return {
    order,
    options: {
      inventoryBehaviour: input.inventory.decrement ? "DECREMENT_IGNORING_POLICY" : "BYPASS",
      sendReceipt: false,
      sendFulfillmentReceipt: false,
    },
  };
}
