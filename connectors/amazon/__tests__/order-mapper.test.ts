import { describe, expect, it } from "vitest";
import { mapOrder, mapPackages, mapStatus } from "../order-mapper";
import type { AmazonItemProceedsBreakdown, AmazonOrder, AmazonOrderItem } from "../types";

const usd = (amount: string) => ({ amount, currencyCode: "USD" });
const eur = (amount: string) => ({ amount, currencyCode: "EUR" });

function item(
  overrides: Partial<AmazonOrderItem> & { breakdowns?: AmazonItemProceedsBreakdown[] },
): AmazonOrderItem {
  const { breakdowns, ...rest } = overrides;
  return {
    orderItemId: "11111111111111",
    quantityOrdered: 1,
    product: { sellerSku: "SKU-1", title: "Thing", price: { unitPrice: usd("1.00") } },
    ...(breakdowns ? { proceeds: { breakdowns } } : {}),
    ...rest,
  };
}

function order(overrides: Partial<AmazonOrder>): AmazonOrder {
  return {
    orderId: "113-0000001-7654320",
    createdTime: "2026-03-01T10:00:00Z",
    lastUpdatedTime: "2026-03-01T11:00:00Z",
    salesChannel: { channelName: "AMAZON", marketplaceId: "ATVPDKIKX0DER" },
    fulfillment: { fulfillmentStatus: "UNSHIPPED", fulfilledBy: "MERCHANT" },
    orderItems: [],
    ...overrides,
  };
}

describe("Amazon order mapper", () => {
  it("GIVEN three units at 0.10 WHEN mapping THEN amounts are exact minor units (no float drift)", () => {
    const mapped = mapOrder(
      order({
        orderItems: [
          item({
            quantityOrdered: 3,
            product: { sellerSku: "PEN", title: "Pen", price: { unitPrice: usd("0.10") } },
            breakdowns: [{ type: "ITEM", subtotal: usd("0.30") }],
          }),
        ],
      }),
    );
    const line = mapped.lines[0]!;
    expect(line.unitPrice).toEqual({ amountMinor: 10, currency: "USD" });
    expect(line.lineTotal).toEqual({ amountMinor: 30, currency: "USD" });
    expect(mapped.totals.total).toEqual({ amountMinor: 30, currency: "USD" });
  });

  it("GIVEN a US order with tax, shipping, item and shipping promotions WHEN mapping THEN lines and totals reconcile", () => {
    const mapped = mapOrder(
      order({
        orderItems: [
          item({
            orderItemId: "A1",
            quantityOrdered: 2,
            product: { sellerSku: "MUG", title: "Mug", price: { unitPrice: usd("19.99") } },
            breakdowns: [
              { type: "ITEM", subtotal: usd("39.98") },
              { type: "SHIPPING", subtotal: usd("5.99") },
              {
                type: "TAX",
                subtotal: usd("3.78"),
                detailedBreakdowns: [
                  { subtype: "ITEM", value: usd("3.30") },
                  { subtype: "SHIPPING", value: usd("0.48") },
                ],
              },
              {
                type: "DISCOUNT",
                subtotal: usd("-6.99"),
                detailedBreakdowns: [
                  { subtype: "ITEM", value: usd("-4.00") },
                  { subtype: "SHIPPING", value: usd("-2.99") },
                ],
              },
            ],
            tax: { taxCollections: [{ model: "MARKETPLACE_FACILITATOR" }] },
          }),
          item({
            orderItemId: "B2",
            product: { sellerSku: "TEA", title: "Tea", price: { unitPrice: usd("7.25") } },
            breakdowns: [
              { type: "ITEM", subtotal: usd("7.25") },
              { type: "TAX", subtotal: usd("0.60") },
            ],
          }),
        ],
      }),
    );
    const [a, b] = mapped.lines;
    expect(a).toMatchObject({
      lineId: "A1",
      sku: "MUG",
      quantity: 2,
      unitPrice: { amountMinor: 1999, currency: "USD" },
      lineTotal: { amountMinor: 3998, currency: "USD" },
      discount: { amountMinor: 400, currency: "USD" },
      tax: { amountMinor: 330, currency: "USD" },
      shipping: { amountMinor: 300, currency: "USD" },
      shippingTax: { amountMinor: 48, currency: "USD" },
    });
    expect(b!.tax.amountMinor).toBe(60);
    expect(mapped.totals).toEqual({
      subtotal: { amountMinor: 4723, currency: "USD" },
      shipping: { amountMinor: 300, currency: "USD" },
      tax: { amountMinor: 438, currency: "USD" },
      discount: { amountMinor: 400, currency: "USD" },
      total: { amountMinor: 4723 + 300 - 400 + 438, currency: "USD" },
    });
    expect(mapped.pricesIncludeTax).toBe(false);
    expect(mapped.taxCollectedByMarketplace).toBe(true);
  });

  it("GIVEN a VAT-inclusive EUR order on Amazon.fr WHEN mapping THEN prices include tax and the VAT is not added again", () => {
    const mapped = mapOrder(
      order({
        salesChannel: { channelName: "AMAZON", marketplaceId: "A13V1IB3VIYZZH" },
        orderItems: [
          item({
            quantityOrdered: 3,
            product: { sellerSku: "TASSE", title: "Tasse", price: { unitPrice: eur("24.90") } },
            breakdowns: [
              { type: "ITEM", subtotal: eur("74.70") },
              { type: "SHIPPING", subtotal: eur("4.90") },
              {
                type: "TAX",
                subtotal: eur("13.27"),
                detailedBreakdowns: [
                  { subtype: "ITEM", value: eur("12.45") },
                  { subtype: "SHIPPING", value: eur("0.82") },
                ],
              },
            ],
          }),
        ],
      }),
    );
    expect(mapped.currency).toBe("EUR");
    expect(mapped.pricesIncludeTax).toBe(true);
    expect(mapped.taxCollectedByMarketplace).toBe(false);
    expect(mapped.lines[0]!.unitPrice).toEqual({ amountMinor: 2490, currency: "EUR" });
    expect(mapped.lines[0]!.tax).toEqual({ amountMinor: 1245, currency: "EUR" });
    expect(mapped.totals.tax).toEqual({ amountMinor: 1327, currency: "EUR" });
    expect(mapped.totals.total).toEqual({ amountMinor: 7470 + 490, currency: "EUR" });
  });

  it("GIVEN a JPY order WHEN mapping THEN zero-decimal amounts stay whole yen", () => {
    const jpy = (amount: string) => ({ amount, currencyCode: "JPY" });
    const mapped = mapOrder(
      order({
        salesChannel: { channelName: "AMAZON", marketplaceId: "A1VC38T7YXB528" },
        orderItems: [
          item({
            quantityOrdered: 2,
            product: { sellerSku: "J", title: "J", price: { unitPrice: jpy("1500") } },
            breakdowns: [{ type: "ITEM", subtotal: jpy("3000") }],
          }),
        ],
      }),
    );
    expect(mapped.totals.total).toEqual({ amountMinor: 3000, currency: "JPY" });
  });

  it("GIVEN an AFN order with a buyer cancellation request, blanks and a ship-by window WHEN mapping THEN flags, address and dates are normalized", () => {
    const mapped = mapOrder(
      order({
        fulfillment: {
          fulfillmentStatus: "PARTIALLY_SHIPPED",
          fulfilledBy: "AMAZON",
          shipByWindow: { latestDateTime: "2026-03-03T23:59:59Z" },
        },
        buyer: { buyerName: "Ann Example", buyerEmail: "x@marketplace.amazon.com" },
        recipient: {
          deliveryAddress: {
            name: "Ann Example",
            addressLine1: "1 Main St",
            addressLine2: "",
            city: "Toronto",
            stateOrRegion: "ON",
            postalCode: "M5V 1A1",
            countryCode: "ca",
            phone: "",
          },
        },
        orderItems: [
          item({
            quantityOrdered: 3,
            fulfillment: { quantityFulfilled: 1, quantityUnfulfilled: 2 },
            cancellation: { cancellationRequest: { requester: "BUYER", cancelReason: "late" } },
            breakdowns: [{ type: "ITEM", subtotal: usd("3.00") }],
          }),
        ],
      }),
    );
    expect(mapped.status).toBe("partially_shipped");
    expect(mapped.fulfilledByMarketplace).toBe(true);
    expect(mapped.buyerCancellationRequested).toBe(true);
    expect(mapped.shipTo).toMatchObject({
      line2: undefined,
      countryCode: "CA",
      region: "ON",
      phone: undefined,
    });
    expect(mapped.lines[0]!.quantityShipped).toBe(1);
    expect(mapped.shipBy?.toISOString()).toBe("2026-03-03T23:59:59.000Z");
    expect(mapped.createdAt.toISOString()).toBe("2026-03-01T10:00:00.000Z");
    expect(mapped.buyer).toEqual({
      name: "Ann Example",
      email: "x@marketplace.amazon.com",
      phone: undefined,
    });
  });

  it("GIVEN every Amazon fulfillment status WHEN mapping THEN each has a normalized status", () => {
    expect(
      [
        "PENDING_AVAILABILITY",
        "PENDING",
        "UNSHIPPED",
        "PARTIALLY_SHIPPED",
        "SHIPPED",
        "CANCELLED",
        "UNFULFILLABLE",
      ].map(mapStatus),
    ).toEqual([
      "pending",
      "pending",
      "ready",
      "partially_shipped",
      "shipped",
      "cancelled",
      "cancelled",
    ]);
  });

  it("GIVEN an amount with more decimals than the currency has WHEN mapping THEN it is refused rather than rounded", () => {
    expect(() =>
      mapOrder(
        order({
          orderItems: [
            item({
              product: { title: "x", price: { unitPrice: usd("1.005") } },
              breakdowns: [{ type: "ITEM", subtotal: usd("1.005") }],
            }),
          ],
        }),
      ),
    ).toThrow(/more decimals/);
  });

  it("GIVEN packages WHEN mapping shipments THEN cancelled packages are left out and lines keep their ids", () => {
    expect(
      mapPackages([
        {
          packageReferenceId: "1",
          carrier: "UPS",
          trackingNumber: "1Z",
          shipTime: "2026-03-02T08:00:00Z",
          packageStatus: { status: "SHIPPED" },
          packageItems: [{ orderItemId: "A1", quantity: 2 }],
        },
        { packageReferenceId: "2", packageStatus: { status: "CANCELLED" } },
      ]),
    ).toEqual([
      {
        fulfillmentId: "1",
        carrierCode: "UPS",
        trackingNumber: "1Z",
        shippedAt: new Date("2026-03-02T08:00:00Z"),
        lines: [{ lineId: "A1", quantity: 2 }],
      },
    ]);
  });
});
