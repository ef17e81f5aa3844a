import { describe, expect, it } from "vitest";
import { money } from "../../money";
import {
  type CreateStoreOrderInput,
  ebayLineItemId,
  ebayOrderId,
  amazonOrderId,
  amazonOrderItemId,
  variantRef,
} from "../../types";
import {
  fulfillmentFromNode,
  LINE_ID_ATTRIBUTE,
  marketplaceTag,
  normalizeSku,
  orderRefFromNode,
  searchValue,
  taxRate,
  toOrderCreateVariables,
  variantFromNode,
} from "../order-mapper";

function baseInput(overrides: Partial<CreateStoreOrderInput> = {}): CreateStoreOrderInput {
  return {
    marketplace: "ebay",
    marketplaceOrderId: ebayOrderId("12-34567-89012"),
    currency: "USD",
    taxesIncluded: false,
    taxCollectedByMarketplace: false,
    marketplaceTaxHandling: "record",
    lines: [
      {
        variant: variantRef("gid://shopify/ProductVariant/1"),
        sku: "MUG-1",
        title: "Mug",
        quantity: 3,
        unitPrice: money("19.99", "USD"),
        discount: money("0", "USD"),
        tax: money("0", "USD"),
        marketplaceLineId: ebayLineItemId("10001"),
      },
    ],
    shipping: { title: "Standard", price: money("4.90", "USD"), tax: money("0", "USD") },
    total: money("64.87", "USD"),
    buyer: { name: "Ada Lovelace", email: "ada@example.com", phone: undefined },
    shipTo: {
      name: "Ada King Lovelace",
      line1: "1 Main St",
      line2: "Apt 2",
      city: "Springfield",
      region: "IL",
      postalCode: "62701",
      countryCode: "us",
    },
    tags: ["ebay"],
    inventory: { decrement: true },
    alreadyFulfilled: false,
    processedAt: new Date("2026-07-01T10:00:00.000Z"),
    ...overrides,
  };
}

type Bag = { shopMoney: { amount: string; currencyCode: string } };
type Line = {
  priceSet: Bag;
  quantity: number;
  taxLines?: { rate: string; priceSet: Bag; channelLiable: boolean; title: string }[];
  properties: { name: string; value: string }[];
};

describe("shopify order mapper", () => {
  it("GIVEN a multi-quantity USD order WHEN mapped THEN unit prices, shipping and total are exact decimal strings", () => {
    const { order, options } = toOrderCreateVariables(baseInput());
    const line = (order.lineItems as Line[])[0]!;
    expect(line.priceSet).toEqual({ shopMoney: { amount: "19.99", currencyCode: "USD" } });
    expect(line.quantity).toBe(3);
    expect(line.taxLines).toBeUndefined();
    expect(line.properties).toEqual([{ name: LINE_ID_ATTRIBUTE, value: "10001" }]);
    expect((order.shippingLines as { priceSet: Bag }[])[0]!.priceSet.shopMoney.amount).toBe("4.90");
    expect((order.transactions as { amountSet: Bag }[])[0]!.amountSet.shopMoney.amount).toBe(
      "64.87",
    );
    expect(order.financialStatus).toBe("PAID");
    expect(order.sourceName).toBe("ebay");
    expect(order.sourceIdentifier).toBe("12-34567-89012");
    expect(order.tags).toEqual(["ebay", "marketsync-ebay-12-34567-89012"]);
    expect(options).toEqual({
      inventoryBehaviour: "DECREMENT_IGNORING_POLICY",
      sendReceipt: false,
      sendFulfillmentReceipt: false,
    });
  });

  it("GIVEN a VAT-inclusive EUR order WHEN mapped THEN taxesIncluded is set and tax lines carry the VAT with its rate", () => {
    const input = baseInput({
      marketplace: "amazon",
      marketplaceOrderId: amazonOrderId("302-1234567-1234567"),
      currency: "EUR",
      taxesIncluded: true,
      lines: [
        {
          variant: variantRef("gid://shopify/ProductVariant/2"),
          sku: "TEE",
          title: "T-shirt",
          quantity: 2,
          unitPrice: money("24.00", "EUR"),
          discount: money("0", "EUR"),
          tax: money("8.00", "EUR"), // 48.00 incl. 20 % VAT → 8.00
          marketplaceLineId: amazonOrderItemId("54321"),
        },
      ],
      shipping: { title: "Standard", price: money("6.00", "EUR"), tax: money("1.00", "EUR") },
      total: money("54.00", "EUR"),
    });
    const { order } = toOrderCreateVariables(input);
    expect(order.taxesIncluded).toBe(true);
    expect(order.currency).toBe("EUR");
    const tax = (order.lineItems as Line[])[0]!.taxLines![0]!;
    expect(tax.priceSet.shopMoney).toEqual({ amount: "8.00", currencyCode: "EUR" });
    expect(tax.rate).toBe("0.2000");
    const shippingTax = (
      order.shippingLines as { taxLines: { rate: string; priceSet: Bag }[] }[]
    )[0]!.taxLines[0]!;
    expect(shippingTax.priceSet.shopMoney.amount).toBe("1.00");
    expect(shippingTax.rate).toBe("0.2000");
  });

  it("GIVEN line discounts WHEN mapped THEN one fixed discount code carries their exact sum", () => {
    const input = baseInput();
    input.lines = [
      { ...input.lines[0]!, discount: money("0.10", "USD") },
      {
        ...input.lines[0]!,
        marketplaceLineId: ebayLineItemId("10002"),
        discount: money("0.20", "USD"),
      },
    ];
    const { order } = toOrderCreateVariables(input);
    expect(order.discountCode).toEqual({
      itemFixedDiscountCode: {
        code: "MARKETPLACE",
        amountSet: { shopMoney: { amount: "0.30", currencyCode: "USD" } },
      },
    });
  });

  it("GIVEN tax collected by the marketplace WHEN recorded or left out THEN tax lines are channel-liable or absent", () => {
    const withTax = baseInput({ taxCollectedByMarketplace: true });
    withTax.lines = [{ ...withTax.lines[0]!, tax: money("4.80", "USD") }];
    const recorded = toOrderCreateVariables(withTax).order.lineItems as Line[];
    expect(recorded[0]!.taxLines![0]!.channelLiable).toBe(true);
    expect(recorded[0]!.taxLines![0]!.rate).toBe("0.0800"); // 4.80 / 59.97
    const left = toOrderCreateVariables({ ...withTax, marketplaceTaxHandling: "leave_out" }).order
      .lineItems as Line[];
    expect(left[0]!.taxLines).toBeUndefined();
  });

  it("GIVEN a zero-decimal currency WHEN mapped THEN amounts have no fraction", () => {
    const input = baseInput({ currency: "JPY", shipping: undefined, total: money("3000", "JPY") });
    input.lines = [
      {
        ...input.lines[0]!,
        quantity: 1,
        unitPrice: money("3000", "JPY"),
        discount: money("0", "JPY"),
        tax: money("0", "JPY"),
      },
    ];
    const { order } = toOrderCreateVariables(input);
    expect((order.lineItems as Line[])[0]!.priceSet.shopMoney.amount).toBe("3000");
    expect(order.shippingLines).toBeUndefined();
  });

  it("GIVEN a line in another currency WHEN mapped THEN it refuses instead of mixing currencies", () => {
    const input = baseInput();
    input.lines = [{ ...input.lines[0]!, unitPrice: money("19.99", "EUR") }];
    expect(() => toOrderCreateVariables(input)).toThrow(/EUR/);
  });

  it("GIVEN an address with three lines and a full name WHEN mapped THEN Shopify's address fields are filled", () => {
    const { order } = toOrderCreateVariables(
      baseInput({
        shipTo: {
          name: "Ada King Lovelace",
          line1: "1 Main St",
          line2: "Apt 2",
          line3: "Rear",
          city: "X",
          postalCode: "1",
          countryCode: "gb",
        },
      }),
    );
    expect(order.shippingAddress).toEqual({
      firstName: "Ada King",
      lastName: "Lovelace",
      address1: "1 Main St",
      address2: "Apt 2, Rear",
      city: "X",
      zip: "1",
      countryCode: "GB",
    });
  });

  it("GIVEN tax and base in minor units WHEN computing the rate THEN integer math gives four places", () => {
    expect(taxRate(800, 4000)).toBe("0.2000");
    expect(taxRate(7, 100)).toBe("0.0700");
    expect(taxRate(0, 100)).toBe("0");
    expect(taxRate(1, 3)).toBe("0.3333");
  });

  it("GIVEN nodes from Shopify WHEN mapped back THEN refs, variants and fulfillments are normalized", () => {
    const ref = orderRefFromNode(
      {
        id: "gid://shopify/Order/42",
        name: "#1001",
        cancelledAt: null,
        sourceName: "ebay",
        sourceIdentifier: "X",
        tags: [],
        totalPriceSet: { shopMoney: { amount: "64.87", currencyCode: "USD" } },
      },
      "demo.myshopify.com",
    );
    expect(ref).toEqual({
      id: "gid://shopify/Order/42",
      name: "#1001",
      adminUrl: "https://admin.shopify.com/store/demo/orders/42",
      totalPrice: { amountMinor: 6487, currency: "USD" },
      cancelled: false,
    });
    const variant = variantFromNode(
      {
        id: "gid://shopify/ProductVariant/7",
        sku: "A",
        title: "Default Title",
        displayName: "Mug - Default Title",
        price: "10.10",
        inventoryQuantity: 5,
        inventoryItem: { tracked: false },
        product: { id: "gid://shopify/Product/3", title: "Mug" },
      },
      "USD",
    );
    expect(variant.inventoryQuantity).toBeUndefined();
    expect(variant.price).toEqual({ amountMinor: 1010, currency: "USD" });
    // A product without options: its name alone, not Shopify's placeholder variant title.
    expect(variant.title).toBe("Mug");
    const f = fulfillmentFromNode({
      id: "gid://shopify/Fulfillment/9",
      status: "SUCCESS",
      createdAt: "2026-07-02T10:00:00Z",
      updatedAt: "2026-07-02T11:00:00Z",
      order: { id: "gid://shopify/Order/42" },
      trackingInfo: [{ company: "UPS", number: "1Z", url: null }],
      fulfillmentLineItems: {
        nodes: [
          {
            quantity: 2,
            lineItem: { sku: "A", customAttributes: [{ key: LINE_ID_ATTRIBUTE, value: "10001" }] },
          },
          { quantity: 1, lineItem: { sku: null, customAttributes: [] } },
        ],
      },
    });
    expect(f.status).toBe("success");
    expect(f.carrier).toBe("UPS");
    expect(f.trackingUrl).toBeUndefined();
    expect(f.createdAt.toISOString()).toBe("2026-07-02T10:00:00.000Z");
    expect(f.lines).toEqual([
      { marketplaceLineId: "10001", sku: "A", quantity: 2 },
      { marketplaceLineId: undefined, sku: undefined, quantity: 1 },
    ]);
  });

  it("GIVEN search input WHEN quoting THEN quotes and backslashes are escaped and SKUs normalize", () => {
    expect(searchValue('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(normalizeSku("  AbC-1 ")).toBe("abc-1");
    expect(marketplaceTag("amazon", amazonOrderId("1-2"))).toBe("marketsync-amazon-1-2");
  });
});
