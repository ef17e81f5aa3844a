import { DEFAULT_ACCOUNT_SETTINGS } from "../../../../db/account-settings";
import {
  amazonOrderId,
  amazonOrderItemId,
  ebayLineItemId,
  ebayOrderId,
  shopifyOrderId,
  variantRef,
  type MarketplaceOrder,
  type MarketplaceOrderLine,
  type StoreOrderRef,
  type StoreVariant,
} from "../../../../connectors/types";
import type { Money } from "../../../../connectors/money";
import { resolveLineVariants } from "../../sku-resolution";
import type { PreCheckContext } from "../types";

export const money = (amountMinor: number, currency: string): Money => ({ amountMinor, currency });

type LineInput = Partial<Omit<MarketplaceOrderLine, "lineId">> & { lineId?: string };

function makeLine(input: LineInput, index: number, currency: string, amazon: boolean) {
  const { lineId, ...rest } = input;
  const quantity = rest.quantity ?? 1;
  const unit = rest.unitPrice?.amountMinor ?? 1999;
  const id = lineId ?? `line-${index + 1}`;
  const line: MarketplaceOrderLine = {
    lineId: amazon ? amazonOrderItemId(id) : ebayLineItemId(id),
    sku: `SKU-${index + 1}`,
    title: `Item ${index + 1}`,
    quantity,
    quantityShipped: 0,
    unitPrice: money(unit, currency),
    lineTotal: money(unit * quantity, currency),
    discount: money(0, currency),
    tax: money(0, currency),
    ...rest,
  };
  return line;
}

/** A valid paid US eBay order (USD, one line `SKU-1`), shipped to Austin, TX. */
export function makeOrder(
  overrides: Partial<Omit<MarketplaceOrder, "lines">> & { lines?: LineInput[] } = {},
): MarketplaceOrder {
  const { lines: lineInputs = [{}], ...rest } = overrides;
  const marketplace = rest.marketplace ?? "ebay";
  const currency = rest.currency ?? "USD";
  const lines = lineInputs.map((input, i) =>
    makeLine(input, i, currency, marketplace === "amazon"),
  );
  const subtotal = lines.reduce((sum, line) => sum + line.lineTotal.amountMinor, 0);
  const shipping = 499;
  return {
    marketplace,
    id:
      marketplace === "amazon"
        ? amazonOrderId("171-0000000-0000001")
        : ebayOrderId("12-34567-89012"),
    status: "ready",
    rawStatus: marketplace === "amazon" ? "Unshipped" : "PAID",
    createdAt: new Date("2025-03-10T09:30:00Z"),
    updatedAt: new Date("2025-03-10T09:35:00Z"),
    marketplaceId: marketplace === "amazon" ? "ATVPDKIKX0DER" : "EBAY_US",
    currency,
    fulfilledByMarketplace: false,
    taxCollectedByMarketplace: true,
    pricesIncludeTax: false,
    buyerCancellationRequested: false,
    buyer: { name: "Jane Doe", email: "jane@members.ebay.com", userId: "janedoe" },
    shipTo: {
      name: "Jane Doe",
      line1: "500 Congress Ave",
      city: "Austin",
      region: "TX",
      postalCode: "78701",
      countryCode: "US",
    },
    lines,
    totals: {
      subtotal: money(subtotal, currency),
      shipping: money(shipping, currency),
      tax: money(0, currency),
      discount: money(0, currency),
      total: money(subtotal + shipping, currency),
    },
    raw: {},
    ...rest,
  };
}

/** A valid paid Amazon.fr order in EUR, VAT included, shipped to Lyon. */
export function makeFrenchOrder(
  overrides: Partial<Omit<MarketplaceOrder, "lines">> & { lines?: LineInput[] } = {},
): MarketplaceOrder {
  return makeOrder({
    marketplace: "amazon",
    currency: "EUR",
    marketplaceId: "A13V1IB3VIYZZH",
    pricesIncludeTax: true,
    rawStatus: "Unshipped",
    buyer: { name: "Camille Martin", email: "xyz@marketplace.amazon.fr" },
    shipTo: {
      name: "Camille Martin",
      line1: "12 rue de la République",
      city: "Lyon",
      postalCode: "69002",
      countryCode: "FR",
    },
    ...overrides,
  });
}

export function makeVariant(overrides: Partial<StoreVariant> = {}): StoreVariant {
  const sku = overrides.sku ?? "SKU-1";
  return {
    ref: variantRef(`gid://shopify/ProductVariant/${sku}`),
    sku,
    title: `Variant ${sku}`,
    productId: `gid://shopify/Product/${sku}`,
    inventoryQuantity: 10,
    price: money(1999, "USD"),
    ...overrides,
  };
}

export function makeStoreOrder(overrides: Partial<StoreOrderRef> = {}): StoreOrderRef {
  return {
    id: shopifyOrderId("gid://shopify/Order/1001"),
    name: "#1001",
    adminUrl: "https://admin.shopify.com/store/demo/orders/1001",
    totalPrice: undefined,
    cancelled: false,
    ...overrides,
  };
}

/**
 * A context where everything passes: active account, default settings, store selling in the
 * order's currency, each line's SKU resolved (through `resolveLineVariants`) to one variant with
 * stock 10, unless `variants` says otherwise.
 */
export function makeContext(
  overrides: Partial<PreCheckContext> & { variants?: StoreVariant[] } = {},
): PreCheckContext {
  const { variants, ...rest } = overrides;
  const order = rest.order ?? makeOrder();
  const storeVariants =
    variants ??
    order.lines.flatMap((line) => (line.sku ? [makeVariant({ sku: line.sku.trim() })] : []));
  const variantsBySku = new Map<string, StoreVariant[]>();
  for (const variant of storeVariants) {
    variantsBySku.set(variant.sku, [...(variantsBySku.get(variant.sku) ?? []), variant]);
  }
  return {
    order,
    settings: DEFAULT_ACCOUNT_SETTINGS,
    accountStatus: "active",
    storeCurrencies: [order.currency],
    alreadyLinked: false,
    foundStoreOrder: undefined,
    lineResolutions: resolveLineVariants({ lines: order.lines, mappings: [], variantsBySku }),
    ...rest,
  };
}
