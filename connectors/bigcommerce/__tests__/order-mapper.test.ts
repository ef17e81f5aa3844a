import { describe, expect, it } from "vitest";
import { Rejected } from "../../errors";
import { money } from "../../money";
import {
  amazonOrderId,
  amazonOrderItemId,
  type CreateStoreOrderInput,
  ebayLineItemId,
  ebayOrderId,
  variantRef,
} from "../../types";
import {
  buildOrderPost,
  marketplaceLinesByOrderProduct,
  parseMarker,
  perUnitPrice,
  roundedMoney,
  toRfc2822,
  toStoreFulfillment,
  toStoreOrderRef,
  toStoreVariant,
} from "../order-mapper";
import type { BcOrderProduct } from "../types";

const address = {
  name: "Jane Q Doe",
  line1: "1 Main St",
  line2: "Apt 4",
  city: "Austin",
  region: "TX",
  postalCode: "78751",
  countryCode: "us",
  phone: "+1 555 0100",
};

function usdOrder(overrides: Partial<CreateStoreOrderInput> = {}): CreateStoreOrderInput {
  return {
    marketplace: "ebay",
    marketplaceOrderId: ebayOrderId("12-34567-89012"),
    currency: "USD",
    taxesIncluded: false,
    taxCollectedByMarketplace: false,
    marketplaceTaxHandling: "record",
    lines: [
      {
        variant: variantRef("111:1001"),
        sku: "MUG-RED",
        title: "Mug",
        quantity: 3,
        unitPrice: money("19.99", "USD"),
        discount: money("2.00", "USD"),
        tax: money("4.65", "USD"),
        marketplaceLineId: ebayLineItemId("L1"),
      },
      {
        variant: variantRef("112:1002"),
        sku: "CAP",
        title: "Cap",
        quantity: 1,
        unitPrice: money("10.10", "USD"),
        discount: money("0", "USD"),
        tax: money("0.83", "USD"),
        marketplaceLineId: ebayLineItemId("L2"),
      },
    ],
    shipping: { title: "USPS Ground", price: money("5.00", "USD"), tax: money("0.41", "USD") },
    // 59.97 + 4.65 + 10.10 + 0.83 + 5.00 + 0.41 - 2.00
    total: money("78.96", "USD"),
    buyer: { name: "Jane Q Doe", email: "jane@example.com", phone: undefined },
    shipTo: address,
    tags: ["ebay"],
    inventory: { decrement: true },
    alreadyFulfilled: false,
    processedAt: new Date("2026-03-01T10:20:30Z"),
    ...overrides,
  };
}

describe("BigCommerce order mapper", () => {
  it("GIVEN a tax-exclusive USD order with multi-quantity, discount, shipping and tax WHEN built THEN every amount is exact to the cent and the total matches", () => {
    const { body, totalMismatchMinor } = buildOrderPost(usdOrder(), { externalSource: "app-1" });
    expect(totalMismatchMinor).toBe(0);
    expect(body.products).toEqual([
      // (59.97 + 4.65) / 3 = 21.54 exactly
      { product_id: 111, variant_id: 1001, quantity: 3, price_inc_tax: 21.54, price_ex_tax: 19.99 },
      { product_id: 112, variant_id: 1002, quantity: 1, price_inc_tax: 10.93, price_ex_tax: 10.1 },
    ]);
    expect(body).toMatchObject({
      customer_id: 0,
      status_id: 11,
      default_currency_code: "USD",
      subtotal_ex_tax: "70.07",
      subtotal_inc_tax: "75.55",
      shipping_cost_ex_tax: "5.00",
      shipping_cost_inc_tax: "5.41",
      discount_amount: "2.00",
      total_inc_tax: "78.96",
      total_ex_tax: "73.07",
      external_source: "app-1",
      external_order_id: "12-34567-89012",
      date_created: "Sun, 01 Mar 2026 10:20:30 +0000",
    });
    expect(body.billing_address).toMatchObject({
      first_name: "Jane Q",
      last_name: "Doe",
      street_2: "Apt 4",
      country_iso2: "US",
      zip: "78751",
      email: "jane@example.com",
    });
    expect(body.shipping_addresses[0]).toMatchObject({ shipping_method: "USPS Ground" });
  });

  it("GIVEN a VAT-inclusive EUR order WHEN built THEN inc-tax prices are the marketplace prices and ex-tax ones subtract the VAT exactly", () => {
    const input = usdOrder({
      marketplace: "amazon",
      marketplaceOrderId: amazonOrderId("302-1234567-1234567"),
      currency: "EUR",
      taxesIncluded: true,
      lines: [
        {
          variant: variantRef("200:3000"),
          sku: "TEE",
          title: "Tee",
          quantity: 2,
          unitPrice: money("24.99", "EUR"),
          discount: money("0", "EUR"),
          tax: money("8.33", "EUR"), // 20% VAT inside 49.98
          marketplaceLineId: amazonOrderItemId("A1"),
        },
      ],
      shipping: { title: "Standard", price: money("4.90", "EUR"), tax: money("0.82", "EUR") },
      total: money("54.88", "EUR"),
    });
    const { body, totalMismatchMinor } = buildOrderPost(input, { externalSource: "app-1" });
    expect(totalMismatchMinor).toBe(0);
    // 41.65 / 2 = 20.825: BigCommerce keeps four decimals, so it is sent exactly.
    expect(body.products[0]).toMatchObject({ price_inc_tax: 24.99, price_ex_tax: 20.825 });
    expect(body).toMatchObject({
      default_currency_code: "EUR",
      subtotal_inc_tax: "49.98",
      subtotal_ex_tax: "41.65",
      shipping_cost_inc_tax: "4.90",
      shipping_cost_ex_tax: "4.08",
      total_inc_tax: "54.88",
      total_ex_tax: "45.73",
    });
    const marker = parseMarker(body.staff_notes);
    expect(marker).toEqual({ m: "amazon", o: "302-1234567-1234567", l: [["A1", "200:3000", 2]] });
  });

  it("GIVEN tax left out WHEN built THEN no tax is recorded and the mismatch with the marketplace total is reported", () => {
    const { body, totalMismatchMinor } = buildOrderPost(
      usdOrder({ marketplaceTaxHandling: "leave_out", taxCollectedByMarketplace: true }),
      { externalSource: "x" },
    );
    expect(body.products[0]).toMatchObject({ price_inc_tax: 19.99, price_ex_tax: 19.99 });
    expect(body.total_inc_tax).toBe(body.total_ex_tax);
    expect(totalMismatchMinor).toBe(-589); // the 5.89 of tax the marketplace collected
    expect(body.staff_notes).toContain("Tax collected and remitted by the marketplace.");
  });

  it("GIVEN amounts that do not divide WHEN a per-unit price is computed THEN it rounds at BigCommerce's 4th decimal only", () => {
    expect(perUnitPrice(100, 3, "USD")).toBe(0.3333);
    expect(perUnitPrice(200, 3, "USD")).toBe(0.6667);
    expect(perUnitPrice(1000, 1, "JPY")).toBe(1000);
    expect(perUnitPrice(1001, 2, "JPY")).toBe(500.5);
    expect(perUnitPrice(12345, 1, "KWD")).toBe(12.345);
  });

  it("GIVEN a line in another currency or a malformed variant WHEN built THEN it is Rejected with a readable message", () => {
    const bad = usdOrder();
    bad.lines[0] = { ...bad.lines[0]!, unitPrice: money("1", "EUR") };
    expect(() => buildOrderPost(bad, { externalSource: "x" })).toThrow(Rejected);
    const badRef = usdOrder();
    badRef.lines[0] = { ...badRef.lines[0]!, variant: variantRef("gid://shopify/1") };
    expect(() => buildOrderPost(badRef, { externalSource: "x" })).toThrow(/variant ref/);
  });

  it("GIVEN an already fulfilled order WHEN built THEN it is created Completed", () => {
    expect(
      buildOrderPost(usdOrder({ alreadyFulfilled: true }), { externalSource: "x" }).body.status_id,
    ).toBe(10);
  });

  it("GIVEN BigCommerce decimal strings WHEN read back THEN money is exact", () => {
    const ref = toStoreOrderRef(
      { id: 120, status_id: 5, currency_code: "EUR", total_inc_tax: "54.8800" },
      { adminBaseUrl: "https://store-abc.mybigcommerce.com/" },
    );
    expect(ref).toEqual({
      id: "120",
      name: "120",
      adminUrl: "https://store-abc.mybigcommerce.com/manage/orders/120",
      totalPrice: { amountMinor: 5488, currency: "EUR" },
      cancelled: true,
    });
    expect(roundedMoney(12.345, "USD")).toEqual({ amountMinor: 1235, currency: "USD" });
    expect(roundedMoney(7, "USD")).toEqual({ amountMinor: 700, currency: "USD" });
    expect(
      toStoreVariant(
        {
          id: 5,
          product_id: 9,
          sku: "TEE-S",
          price: null,
          calculated_price: 24.99,
          inventory_level: 3,
          option_values: [{ label: "Small", option_display_name: "Size" }],
        },
        "EUR",
      ),
    ).toEqual({
      ref: "9:5",
      sku: "TEE-S",
      title: "TEE-S (Small)",
      productId: "9",
      inventoryQuantity: 3,
      price: { amountMinor: 2499, currency: "EUR" },
    });
  });

  it("GIVEN a shipment of some order products WHEN mapped THEN lines carry the marketplace line ids from the marker", () => {
    const marker = {
      m: "ebay" as const,
      o: "1",
      l: [
        ["L1", "111:1001", 3],
        ["L2", "112:1002", 1],
      ] as [string, string, number][],
    };
    const products: BcOrderProduct[] = [
      {
        id: 8,
        order_id: 100,
        product_id: 112,
        variant_id: 1002,
        sku: "CAP",
        name: "Cap",
        quantity: 1,
      },
      {
        id: 7,
        order_id: 100,
        product_id: 111,
        variant_id: 1001,
        sku: "MUG-RED",
        name: "Mug",
        quantity: 3,
      },
    ];
    expect([...marketplaceLinesByOrderProduct(products, marker)]).toEqual([
      [7, "L1"],
      [8, "L2"],
    ]);
    const f = toStoreFulfillment(
      {
        id: 3,
        order_id: 100,
        date_created: toRfc2822(new Date("2026-03-02T00:00:00Z")),
        tracking_number: "1Z999",
        shipping_provider: "ups",
        tracking_carrier: "",
        tracking_link: "",
        items: [{ order_product_id: 7, product_id: 111, quantity: 2 }],
      },
      products,
      marker,
    );
    expect(f).toEqual({
      id: "3",
      orderId: "100",
      status: "success",
      carrier: "ups",
      trackingNumber: "1Z999",
      trackingUrl: undefined,
      createdAt: new Date("2026-03-02T00:00:00Z"),
      updatedAt: new Date("2026-03-02T00:00:00Z"),
      lines: [{ marketplaceLineId: "L1", sku: "MUG-RED", quantity: 2 }],
    });
    // A product that does not match the marker (edited order) gets no marketplace line id.
    const swapped = marketplaceLinesByOrderProduct(
      [{ ...products[1]!, product_id: 999 }, products[0]!],
      marker,
    );
    expect(swapped.get(7)).toBeUndefined();
  });
});
