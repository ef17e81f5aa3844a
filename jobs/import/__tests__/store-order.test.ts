import { describe, expect, it } from "vitest";
import { type Money, money } from "../../../connectors/money";
import {
  ebayLineItemId,
  ebayOrderId,
  type MarketplaceOrder,
  type MarketplaceOrderLine,
  type StoreVariant,
  variantRef,
} from "../../../connectors/types";
import { type AccountSettingsInput, parseAccountSettings } from "../../../db/account-settings";
import {
  allocate,
  buildStoreOrderInput,
  type ResolvedLine,
  type StoreContext,
  StoreOrderInputError,
  TotalsMismatchError,
} from "../store-order";

const sum = (...ms: Money[]) => ms.reduce((a, m) => a + m.amountMinor, 0);

function line(
  id: string,
  sku: string,
  quantity: number,
  unit: string,
  extra: { discount?: string; tax?: string; shipping?: string; currency?: string } = {},
): MarketplaceOrderLine {
  const c = extra.currency ?? "USD";
  const unitPrice = money(unit, c);
  return {
    lineId: ebayLineItemId(id),
    sku,
    title: `Title of ${sku}`,
    quantity,
    quantityShipped: 0,
    unitPrice,
    lineTotal: { amountMinor: unitPrice.amountMinor * quantity, currency: c },
    discount: money(extra.discount ?? "0", c),
    tax: money(extra.tax ?? "0", c),
    shipping: money(extra.shipping ?? "0", c),
  };
}

/**
 * A US eBay order: 3 × 12.99 + 2 × 19.99 = 78.95; discounts 1.50 + 2.00; shipping 5.50; tax
 * 3.04 + 2.88 = 5.92 on top → 88.37.
 */
function usOrder(over: Partial<MarketplaceOrder> = {}): MarketplaceOrder {
  const lines = [
    line("L1", "MUG", 3, "12.99", { discount: "1.50", tax: "3.04", shipping: "5.50" }),
    line("L2", "TEE", 2, "19.99", { discount: "2.00", tax: "2.88" }),
  ];
  return {
    marketplace: "ebay",
    id: ebayOrderId("26-12345-67890"),
    status: "ready",
    rawStatus: "PAID/NOT_STARTED",
    createdAt: new Date("2026-03-02T10:15:00Z"),
    updatedAt: new Date("2026-03-02T10:20:00Z"),
    marketplaceId: "EBAY_US",
    currency: "USD",
    fulfilledByMarketplace: false,
    taxCollectedByMarketplace: true,
    pricesIncludeTax: false,
    buyerCancellationRequested: false,
    buyer: { name: "Jane Buyer", email: "abc123@members.ebay.com", phone: "4085551234" },
    shipTo: {
      name: "Jane Buyer",
      line1: "2145 Hamilton Ave",
      city: "San Jose",
      region: "CA",
      postalCode: "95125",
      countryCode: "US",
      phone: "4085551234",
    },
    lines,
    totals: {
      subtotal: money("78.95", "USD"),
      shipping: money("5.50", "USD"),
      tax: money("5.92", "USD"),
      discount: money("3.50", "USD"),
      total: money("86.87", "USD"),
    },
    raw: {},
    ...over,
  };
}

/** A French eBay order, VAT inside the prices: 2 × 24.90 + 3 × 15.00 − 4.50 + 6.90 = 97.20. */
function frOrder(over: Partial<MarketplaceOrder> = {}): MarketplaceOrder {
  const c = "EUR";
  return usOrder({
    id: ebayOrderId("27-55555-44444"),
    marketplaceId: "EBAY_FR",
    currency: c,
    pricesIncludeTax: true,
    lines: [
      line("F1", "BOL", 2, "24.90", { tax: "9.45", shipping: "6.90", currency: c }),
      line("F2", "TASSE", 3, "15.00", { discount: "4.50", tax: "6.75", currency: c }),
    ],
    totals: {
      subtotal: money("94.80", c),
      shipping: money("6.90", c),
      tax: money("16.20", c),
      discount: money("4.50", c),
      total: money("97.20", c),
    },
    shipTo: {
      name: "Camille Martin",
      line1: "12 rue de la Paix",
      city: "Paris",
      postalCode: "75002",
      countryCode: "FR",
    },
    ...over,
  });
}

function variant(sku: string, n: number, currency = "USD"): StoreVariant {
  return {
    ref: variantRef(`gid://shopify/ProductVariant/${n}`),
    sku,
    title: `Store ${sku}`,
    productId: `gid://shopify/Product/${n}`,
    inventoryQuantity: 10,
    // The store's catalog price never leaks into the order: the marketplace's price is used.
    price: money("99.00", currency),
  };
}

function resolved(order: MarketplaceOrder): ResolvedLine[] {
  return order.lines.map((l, i) => ({
    lineId: l.lineId,
    variant: variant(l.sku!, 100 + i, order.currency),
  }));
}

const shopify: StoreContext = { platform: "shopify", currencies: ["USD", "EUR"] };
const bigcommerce: StoreContext = { platform: "bigcommerce", currencies: ["USD", "EUR"] };

function build(
  order: MarketplaceOrder,
  settings: AccountSettingsInput = {},
  store: StoreContext = shopify,
) {
  return buildStoreOrderInput({
    order,
    resolvedLines: resolved(order),
    settings: parseAccountSettings(settings),
    store,
  });
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

/** The store-side total: lines × quantities − discounts + shipping + tax on top. */
function storeTotal(input: ReturnType<typeof build>): number {
  const lines = input.lines.reduce(
    (a, l) => a + l.unitPrice.amountMinor * l.quantity - l.discount.amountMinor,
    0,
  );
  const tax =
    input.lines.reduce((a, l) => a + l.tax.amountMinor, 0) + (input.shipping?.tax.amountMinor ?? 0);
  return lines + (input.shipping?.price.amountMinor ?? 0) + (input.taxesIncluded ? 0 : tax);
}

describe("buildStoreOrderInput", () => {
  it("GIVEN a US order with marketplace tax recorded WHEN building THEN lines, discounts, shipping, tax and total are the marketplace's exactly", () => {
    const order = usOrder();
    const input = build(order, { marketplaceTax: "record" });
    expect(input.currency).toBe("USD");
    expect(input.taxesIncluded).toBe(false);
    expect(input.taxCollectedByMarketplace).toBe(true);
    expect(input.marketplaceTaxHandling).toBe("record");
    expect(input.lines).toEqual([
      {
        variant: "gid://shopify/ProductVariant/100",
        sku: "MUG",
        title: "Title of MUG",
        quantity: 3,
        unitPrice: { amountMinor: 1299, currency: "USD" },
        discount: { amountMinor: 150, currency: "USD" },
        tax: { amountMinor: 304, currency: "USD" },
        marketplaceLineId: "L1",
      },
      {
        variant: "gid://shopify/ProductVariant/101",
        sku: "TEE",
        title: "Title of TEE",
        quantity: 2,
        unitPrice: { amountMinor: 1999, currency: "USD" },
        discount: { amountMinor: 200, currency: "USD" },
        tax: { amountMinor: 288, currency: "USD" },
        marketplaceLineId: "L2",
      },
    ]);
    expect(input.shipping).toEqual({
      title: "eBay shipping",
      price: { amountMinor: 550, currency: "USD" },
      tax: { amountMinor: 0, currency: "USD" },
    });
    expect(input.total).toEqual({ amountMinor: 8687, currency: "USD" });
    expect(storeTotal(input)).toBe(order.totals.total.amountMinor);
  });

  it("GIVEN marketplace-collected tax and leave_out WHEN building THEN no tax is sent and the store total is the marketplace total minus the remitted tax", () => {
    const order = usOrder();
    const input = build(order, { marketplaceTax: "leave_out" });
    expect(input.marketplaceTaxHandling).toBe("leave_out");
    expect(input.lines.map((l) => l.tax.amountMinor)).toEqual([0, 0]);
    expect(input.shipping?.tax.amountMinor).toBe(0);
    // 86.87 paid − 5.92 tax eBay collected and remits = 80.95, what the seller is due.
    expect(input.total).toEqual({ amountMinor: 8095, currency: "USD" });
    expect(input.total.amountMinor + order.totals.tax.amountMinor).toBe(
      order.totals.total.amountMinor,
    );
    expect(storeTotal(input)).toBe(input.total.amountMinor);
    expect(input.note).toContain("left out");
  });

  it("GIVEN tax the seller collects itself and leave_out WHEN building THEN the tax is still recorded", () => {
    const input = build(usOrder({ taxCollectedByMarketplace: false }), {
      marketplaceTax: "leave_out",
    });
    expect(input.marketplaceTaxHandling).toBe("record");
    expect(input.taxCollectedByMarketplace).toBe(false);
    expect(input.lines.map((l) => l.tax.amountMinor)).toEqual([304, 288]);
    expect(input.total.amountMinor).toBe(8687);
  });

  it("GIVEN a French VAT-inclusive EUR order WHEN building THEN taxesIncluded is set, prices stay VAT-inclusive and EUR is kept", () => {
    const order = frOrder();
    const input = build(order);
    expect(input.currency).toBe("EUR");
    expect(input.taxesIncluded).toBe(true);
    expect(input.lines.map((l) => [l.unitPrice, l.discount, l.tax])).toEqual([
      [money("24.90", "EUR"), money("0", "EUR"), money("9.45", "EUR")],
      [money("15.00", "EUR"), money("4.50", "EUR"), money("6.75", "EUR")],
    ]);
    expect(input.total).toEqual(money("97.20", "EUR"));
    expect(storeTotal(input)).toBe(9720);
  });

  it("GIVEN a VAT-inclusive order and leave_out WHEN building THEN the VAT stays inside the prices and the total is the marketplace total", () => {
    const input = build(frOrder(), { marketplaceTax: "leave_out" });
    expect(input.lines.map((l) => l.tax.amountMinor)).toEqual([0, 0]);
    expect(input.lines.map((l) => l.unitPrice.amountMinor)).toEqual([2490, 1500]);
    expect(input.total).toEqual(money("97.20", "EUR"));
  });

  it("GIVEN totals one cent off WHEN building THEN TotalsMismatchError carries both amounts and the hold reason", () => {
    const order = usOrder();
    order.totals.total = money("86.88", "USD");
    const error = caught(() => build(order));
    expect(error).toBeInstanceOf(TotalsMismatchError);
    const mismatch = error as TotalsMismatchError;
    expect(mismatch.expected).toEqual(money("86.88", "USD"));
    expect(mismatch.computed).toEqual(money("86.87", "USD"));
    expect(mismatch.currency).toBe("USD");
    expect(mismatch.reason).toEqual({
      code: "order.totals_mismatch",
      params: { expected: "86.88", computed: "86.87", currency: "USD" },
    });
  });

  it("GIVEN a line total that is not unit × quantity (eBay rounding) WHEN building THEN the mismatch is caught, not rounded away", () => {
    const order = usOrder();
    // 10.00 for 3: the mapper's unit price is 3.33, which cannot add back up to 10.00.
    const odd = line("L3", "ODD", 3, "3.33");
    odd.lineTotal = money("10.00", "USD");
    order.lines.push(odd);
    order.totals.subtotal = money("88.95", "USD");
    order.totals.total = money("96.87", "USD");
    const error = caught(() => build(order)) as TotalsMismatchError;
    expect(error).toBeInstanceOf(TotalsMismatchError);
    expect(error.reason.params).toEqual({ expected: "96.87", computed: "96.86", currency: "USD" });
  });

  it("GIVEN an order-level discount not on the lines WHEN building THEN it is spread over the lines to the cent", () => {
    const order = usOrder();
    // A 1.00 order promotion on top of the line promotions.
    order.totals.discount = money("4.50", "USD");
    order.totals.total = money("85.87", "USD");
    const input = build(order);
    const discounts = input.lines.map((l) => l.discount.amountMinor);
    expect(sum(...input.lines.map((l) => l.discount))).toBe(450);
    // Nets 37.47 and 37.98: 49.66 and 50.33 cents, the spare cent to the larger remainder.
    expect(discounts).toEqual([150 + 50, 200 + 50]);
    expect(input.total.amountMinor).toBe(8587);
  });

  it("GIVEN order tax beyond the lines' WHEN building THEN the rest is shipping tax", () => {
    const order = usOrder();
    order.totals.tax = money("6.40", "USD");
    order.totals.total = money("87.35", "USD");
    const input = build(order);
    expect(input.shipping?.tax).toEqual(money("0.48", "USD"));
    expect(input.total.amountMinor).toBe(8735);
  });

  it("GIVEN settings tags and marketplace_id naming WHEN building THEN tags hold the marketplace, the order id and the merchant's tags once, and the name is the order id", () => {
    const input = build(usOrder(), {
      tags: ["wholesale", "ebay", "26-12345-67890"],
      orderName: "marketplace_id",
    });
    expect(input.tags).toEqual(["ebay", "26-12345-67890", "wholesale"]);
    expect(input.name).toBe("26-12345-67890");
    expect(build(usOrder()).name).toBeUndefined();
  });

  it("GIVEN each buyer e-mail setting WHEN building THEN relay passes the marketplace address, omit none, fixed the merchant's", () => {
    expect(build(usOrder(), { buyerEmail: "relay" }).buyer.email).toBe("abc123@members.ebay.com");
    expect(build(usOrder(), { buyerEmail: "omit" }).buyer.email).toBeUndefined();
    expect(build(usOrder()).buyer.email).toBeUndefined();
    expect(
      build(usOrder(), { buyerEmail: "fixed", fixedEmail: "orders@shop.example" }).buyer.email,
    ).toBe("orders@shop.example");
    const buyer = build(usOrder()).buyer;
    expect(buyer).toEqual({ name: "Jane Buyer", email: undefined, phone: "4085551234" });
  });

  it("GIVEN inventory settings WHEN building for each store THEN decrement and the Shopify location follow them", () => {
    const settings = { inventory: { decrement: true, locationId: "gid://shopify/Location/7" } };
    expect(build(usOrder(), settings).inventory).toEqual({
      decrement: true,
      locationId: "gid://shopify/Location/7",
    });
    expect(build(usOrder(), settings, bigcommerce).inventory).toEqual({
      decrement: true,
      locationId: undefined,
    });
    expect(build(usOrder(), { inventory: { decrement: false } }).inventory.decrement).toBe(false);
  });

  it("GIVEN a marketplace-fulfilled order imported as fulfilled WHEN building THEN it is already fulfilled, stock is left alone and the note says so", () => {
    const input = build(usOrder({ fulfilledByMarketplace: true }), {
      marketplaceFulfilled: "import_as_fulfilled",
    });
    expect(input.alreadyFulfilled).toBe(true);
    expect(input.inventory.decrement).toBe(false);
    expect(input.note).toContain("Fulfilled by eBay");
    expect(build(usOrder()).alreadyFulfilled).toBe(false);
  });

  it("GIVEN a marketplace-fulfilled order and the skip setting WHEN building THEN it is refused", () => {
    const error = caught(() => build(usOrder({ fulfilledByMarketplace: true })));
    expect(error).toBeInstanceOf(StoreOrderInputError);
    expect((error as StoreOrderInputError).reason.code).toBe("order.marketplace_fulfilled");
  });

  it("GIVEN an order WHEN building THEN processedAt is the marketplace date and the note names the marketplace and the order", () => {
    const input = build(usOrder());
    expect(input.processedAt).toEqual(new Date("2026-03-02T10:15:00Z"));
    expect(input.note).toContain("eBay (EBAY_US) order 26-12345-67890");
    expect(input.marketplace).toBe("ebay");
    expect(input.marketplaceOrderId).toBe("26-12345-67890");
    expect(input.shipTo.line1).toBe("2145 Hamilton Ave");
  });

  it("GIVEN an EUR order and a USD-only store WHEN building THEN it is refused unless the marketplace currency is allowed, and never converted", () => {
    const usdOnly: StoreContext = { platform: "shopify", currencies: ["usd"] };
    const error = caught(() => build(frOrder(), {}, usdOnly));
    expect((error as StoreOrderInputError).reason).toEqual({
      code: "currency.unsupported",
      params: { currency: "EUR", storeCurrencies: "USD" },
    });
    const input = build(frOrder(), { currencyPolicy: "marketplace_currency" }, usdOnly);
    expect(input.currency).toBe("EUR");
    expect(input.total).toEqual(money("97.20", "EUR"));
  });

  it("GIVEN a EUR order for a USD-only BigCommerce store WHEN the account allows the marketplace currency THEN it is still refused, since BigCommerce cannot record it", () => {
    const usdBigCommerce: StoreContext = { platform: "bigcommerce", currencies: ["USD"] };
    const error = caught(() =>
      build(frOrder(), { currencyPolicy: "marketplace_currency" }, usdBigCommerce),
    );
    expect((error as StoreOrderInputError).reason.code).toBe("currency.unsupported");
  });

  it("GIVEN a line without a store variant WHEN building THEN it is refused with the line", () => {
    const order = usOrder();
    const error = caught(() =>
      buildStoreOrderInput({
        order,
        resolvedLines: resolved(order).slice(0, 1),
        settings: parseAccountSettings({}),
        store: shopify,
      }),
    );
    expect((error as StoreOrderInputError).reason).toEqual({
      code: "sku.missing",
      params: { lineTitle: "Title of TEE" },
    });
  });

  it("GIVEN an order without a shipping address WHEN building THEN it is refused", () => {
    const error = caught(() => build(usOrder({ shipTo: undefined })));
    expect((error as StoreOrderInputError).reason.code).toBe("address.incomplete");
  });

  it("GIVEN an amount in another currency WHEN building THEN it is refused", () => {
    const order = usOrder();
    order.lines[0]!.discount = money("1.50", "EUR");
    const error = caught(() => build(order));
    expect((error as StoreOrderInputError).reason.code).toBe("order.mixed_currencies");
  });
});

describe("allocate", () => {
  it("GIVEN amounts and weights WHEN allocating THEN the parts add up exactly, by largest remainder", () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(1, [0, 0])).toEqual([1, 0]);
    expect(allocate(-7, [1, 2])).toEqual([-2, -5]);
    const big = allocate(9_007_199_254_740, [3_000_000_001, 7_000_000_003, 11]);
    expect(big.reduce((a, b) => a + b, 0)).toBe(9_007_199_254_740);
  });
});
