import { describe, expect, it } from "vitest";
import { ebayLineItemId, ebayOrderId } from "../../types";
import { mapEbayError } from "../errors";
import {
  fulfillmentIdFromLocation,
  mapOrder,
  mapStatus,
  toShippingFulfillmentDetails,
} from "../order-mapper";
import type { EbayOrder } from "../types";

const eur = (value: string) => ({ value, currency: "EUR" });
const usd = (value: string) => ({ value, currency: "USD" });

/** A French (EBAY_FR) order as eBay returns it with TAX_BREAKDOWN: VAT inside the prices. */
const frenchOrder: EbayOrder = {
  orderId: "05-12345-67890",
  creationDate: "2026-03-02T10:15:30.123Z",
  lastModifiedDate: "2026-03-02T11:00:00.000Z",
  orderFulfillmentStatus: "NOT_STARTED",
  orderPaymentStatus: "PAID",
  sellerId: "vendeur",
  buyer: {
    username: "acheteur",
    buyerRegistrationAddress: { fullName: "Camille Martin", email: "x@members.ebay.com" },
  },
  pricingSummary: {
    priceSubtotal: eur("64.80"),
    priceDiscount: eur("-1.50"),
    deliveryCost: eur("6.90"),
    tax: eur("11.70"),
    total: eur("70.20"),
  },
  cancelStatus: { cancelState: "NONE_REQUESTED", cancelRequests: [] },
  ebayCollectAndRemitTax: true,
  fulfillmentStartInstructions: [
    {
      shippingStep: {
        shipTo: {
          fullName: "Camille Martin",
          contactAddress: {
            addressLine1: "12 rue de la Paix",
            city: "Paris",
            postalCode: "75002",
            countryCode: "FR",
          },
          primaryPhone: { phoneNumber: "0612345678" },
        },
      },
    },
  ],
  lineItems: [
    {
      lineItemId: "10001",
      sku: "BOL",
      title: "Bol",
      quantity: 2,
      lineItemCost: eur("49.80"),
      total: eur("56.70"),
      deliveryCost: { shippingCost: eur("6.90") },
      appliedPromotions: [],
      taxes: [{ amount: eur("9.45"), taxType: "VAT" }],
      ebayCollectAndRemitTaxes: [{ amount: eur("9.45"), taxType: "VAT", collectionMethod: "NET" }],
      purchaseMarketplaceId: "EBAY_FR",
      lineItemFulfillmentInstructions: { shipByDate: "2026-03-05T22:59:59.000Z" },
    },
    {
      lineItemId: "10002",
      sku: "TASSE",
      title: "Tasse",
      quantity: 1,
      lineItemCost: eur("15.00"),
      discountedLineItemCost: eur("13.50"),
      total: eur("13.50"),
      deliveryCost: { shippingCost: eur("0.0") },
      appliedPromotions: [{ promotionId: "1", description: "-10 %", discountAmount: eur("1.50") }],
      taxes: [{ amount: eur("2.25"), taxType: "VAT" }],
      purchaseMarketplaceId: "EBAY_FR",
      lineItemFulfillmentInstructions: { shipByDate: "2026-03-04T22:59:59.000Z" },
    },
  ],
};

describe("eBay order mapper", () => {
  it("GIVEN a VAT-inclusive EUR order WHEN mapping THEN money is exact to the cent and prices include tax", () => {
    const order = mapOrder(frenchOrder);
    expect(order.id).toBe("05-12345-67890");
    expect(order.pricesIncludeTax).toBe(true);
    expect(order.taxCollectedByMarketplace).toBe(true);
    expect(order.marketplaceId).toBe("EBAY_FR");
    expect(order.totals).toEqual({
      subtotal: { amountMinor: 6480, currency: "EUR" },
      shipping: { amountMinor: 690, currency: "EUR" },
      tax: { amountMinor: 1170, currency: "EUR" },
      discount: { amountMinor: 150, currency: "EUR" },
      total: { amountMinor: 7020, currency: "EUR" },
    });
    expect(order.createdAt.toISOString()).toBe("2026-03-02T10:15:30.123Z");
    expect(order.shipBy?.toISOString()).toBe("2026-03-04T22:59:59.000Z");
    expect(order.shipTo).toMatchObject({
      name: "Camille Martin",
      city: "Paris",
      countryCode: "FR",
    });
  });

  it("GIVEN a multi-quantity line with a promotion WHEN mapping THEN unit price, line total, discount and tax are per line", () => {
    const [bols, tasse] = mapOrder(frenchOrder).lines;
    expect(bols).toMatchObject({
      lineId: "10001",
      quantity: 2,
      unitPrice: { amountMinor: 2490, currency: "EUR" },
      lineTotal: { amountMinor: 4980, currency: "EUR" },
      discount: { amountMinor: 0 },
      tax: { amountMinor: 945 },
      shipping: { amountMinor: 690 },
    });
    expect(tasse).toMatchObject({ discount: { amountMinor: 150 }, shipping: { amountMinor: 0 } });
  });

  it("GIVEN amounts whose float sum is inexact WHEN mapping THEN integer minor units stay exact", () => {
    const order = mapOrder({
      ...frenchOrder,
      pricingSummary: { priceSubtotal: usd("0.30"), deliveryCost: usd("0.10"), total: usd("0.40") },
      lineItems: [
        {
          lineItemId: "1",
          title: "a",
          quantity: 3,
          lineItemCost: usd("0.30"),
          deliveryCost: { shippingCost: usd("0.10") },
        },
      ],
    });
    expect(order.totals.total.amountMinor).toBe(40);
    expect(order.lines[0]!.unitPrice.amountMinor).toBe(10);
    expect(0.1 + 0.2).not.toBe(0.3); // the trap this avoids
  });

  it("GIVEN a US order with sales tax added on top WHEN mapping THEN prices exclude tax", () => {
    const order = mapOrder({
      ...frenchOrder,
      pricingSummary: {
        priceSubtotal: usd("100.00"),
        deliveryCost: usd("10.00"),
        deliveryDiscount: usd("-2.00"),
        tax: usd("8.25"),
        total: usd("116.25"),
      },
      lineItems: [
        {
          lineItemId: "1",
          title: "Lamp",
          quantity: 1,
          lineItemCost: usd("100.00"),
          deliveryCost: { shippingCost: usd("10.00"), discountAmount: usd("2.00") },
          taxes: [{ amount: usd("8.25"), taxType: "STATE_SALES_TAX" }],
          purchaseMarketplaceId: "EBAY_US",
        },
      ],
    });
    expect(order.pricesIncludeTax).toBe(false);
    expect(order.totals.shipping.amountMinor).toBe(800);
    expect(order.lines[0]!.shipping?.amountMinor).toBe(800);
    expect(order.currency).toBe("USD");
  });

  it("GIVEN cross-border VAT added on top on an EU site WHEN mapping THEN the arithmetic wins over the site", () => {
    const order = mapOrder({
      ...frenchOrder,
      pricingSummary: {
        priceSubtotal: eur("100.00"),
        deliveryCost: eur("0.0"),
        tax: eur("20.00"),
        total: eur("120.00"),
      },
      lineItems: [
        {
          lineItemId: "1",
          title: "x",
          quantity: 1,
          lineItemCost: eur("100.00"),
          taxes: [{ amount: eur("20.00") }],
          purchaseMarketplaceId: "EBAY_DE",
        },
      ],
    });
    expect(order.pricesIncludeTax).toBe(false);
  });

  it("GIVEN eBay's payment, fulfillment and cancel states WHEN mapping status THEN the normalized status follows", () => {
    const s = (o: Partial<EbayOrder>) => mapStatus({ ...frenchOrder, ...o });
    expect(s({ orderPaymentStatus: "PENDING" })).toBe("pending");
    expect(s({ orderPaymentStatus: "PAID" })).toBe("ready");
    expect(s({ orderFulfillmentStatus: "IN_PROGRESS" })).toBe("partially_shipped");
    expect(s({ orderFulfillmentStatus: "FULFILLED" })).toBe("shipped");
    expect(s({ orderPaymentStatus: "FULLY_REFUNDED" })).toBe("cancelled");
    expect(s({ cancelStatus: { cancelState: "CANCELED" } })).toBe("cancelled");
    expect(
      mapOrder({
        ...frenchOrder,
        cancelStatus: {
          cancelState: "NONE_REQUESTED",
          cancelRequests: [{ cancelRequestState: "REQUESTED" }],
        },
      }).buyerCancellationRequested,
    ).toBe(true);
  });

  it("GIVEN eBay programs WHEN mapping THEN eBay-managed, international and eBay fulfillment count as fulfilled by the marketplace", () => {
    expect(mapOrder(frenchOrder).fulfilledByMarketplace).toBe(false);
    expect(
      mapOrder({ ...frenchOrder, program: { ebayShipping: { shippingLabelProvidedBy: "EBAY" } } })
        .fulfilledByMarketplace,
    ).toBe(true);
    expect(
      mapOrder({
        ...frenchOrder,
        program: { ebayInternationalShipping: { returnsManagedBy: "EBAY" } },
      }).fulfilledByMarketplace,
    ).toBe(true);
    expect(
      mapOrder({ ...frenchOrder, program: { fulfillmentProgram: { fulfilledBy: "EBAY" } } })
        .fulfilledByMarketplace,
    ).toBe(true);
  });

  it("GIVEN an amount with more decimals than the currency WHEN mapping THEN it refuses rather than rounding", () => {
    expect(() => mapOrder({ ...frenchOrder, pricingSummary: { total: eur("1.005") } })).toThrow();
  });

  it("GIVEN a shipment confirmation WHEN building eBay's body THEN it has lineItems, UTC shippedDate, carrier and tracking", () => {
    expect(
      toShippingFulfillmentDetails({
        orderId: ebayOrderId("05-12345-67890"),
        carrierCode: "Colissimo",
        trackingNumber: "6A12345678901",
        shippedAt: new Date("2026-03-03T08:00:00+01:00"),
        lines: [{ lineId: ebayLineItemId("10001"), quantity: 2 }],
      }),
    ).toEqual({
      lineItems: [{ lineItemId: "10001", quantity: 2 }],
      shippedDate: "2026-03-03T07:00:00.000Z",
      shippingCarrierCode: "Colissimo",
      trackingNumber: "6A12345678901",
    });
    expect(
      fulfillmentIdFromLocation(
        "https://api.ebay.com/sell/fulfillment/v1/order/05-1/shipping_fulfillment/9405509699937003457459",
      ),
    ).toBe("9405509699937003457459");
    expect(fulfillmentIdFromLocation(undefined)).toBeUndefined();
  });

  it("GIVEN library errors WHEN mapping them THEN the closed set follows status first (a 429 is not 'access denied')", () => {
    const libErr = (status: number, data: unknown, headers: Record<string, string> = {}) => ({
      name: "EBayAccessDenied",
      meta: { res: { status, headers, data } },
    });
    const rl = mapEbayError(
      libErr(429, { errors: [{ errorId: 2001, domain: "ACCESS" }] }, { "retry-after": "3" }),
      "op",
    );
    expect(rl.kind).toBe("rate_limited");
    expect((rl as unknown as { retryAfterMs: number }).retryAfterMs).toBe(3000);
    expect(
      mapEbayError(
        libErr(401, { errors: [{ errorId: 1001, message: "Invalid access token" }] }),
        "op",
      ).kind,
    ).toBe("auth_expired");
    expect(
      mapEbayError(libErr(400, { error: "invalid_grant", error_description: "bad" }), "op").kind,
    ).toBe("auth_revoked");
    expect(mapEbayError(libErr(403, { errors: [{ errorId: 1100 }] }), "op").kind).toBe(
      "auth_revoked",
    );
    expect(mapEbayError(libErr(503, {}), "op").kind).toBe("transient");
    const rejected = mapEbayError(
      libErr(400, { errors: [{ errorId: 32200, message: "Invalid line item id: 9" }] }),
      "op",
    );
    expect(rejected.kind).toBe("rejected");
    expect(rejected.vendorMessage).toBe("Invalid line item id: 9");
    expect(
      mapEbayError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), "op").kind,
    ).toBe("transient");
  });
});
