import { createHmac, randomUUID } from "node:crypto";

/**
 * A fulfillments/create delivery as Shopify sends it (the simulator's payload shape, two lines), for
 * the load generator: each one a new fulfillment with its own event and webhook ids, so the app
 * records a receipt and enqueues a job for every one of them.
 */
export interface SignedDelivery {
  headers: Record<string, string>;
  body: string;
}

export function signedFulfillmentCreate(shop: string, secret: string, seq: number): SignedDelivery {
  const fulfillmentId = 5_000_000_000 + seq;
  const orderId = 6_000_000_000 + seq;
  const now = new Date().toISOString();
  const line = (n: number) => ({
    id: 7_000_000_000 + seq * 10 + n,
    admin_graphql_api_id: `gid://shopify/LineItem/${7_000_000_000 + seq * 10 + n}`,
    variant_id: 8_000_000_000 + n,
    title: n === 1 ? "Blue mug" : "T-shirt",
    quantity: n,
    sku: n === 1 ? "MUG-BLUE" : "TEE-M",
    fulfillable_quantity: 0,
    fulfillment_status: "fulfilled",
    price: n === 1 ? "14.00" : "22.00",
  });
  const body = JSON.stringify({
    id: fulfillmentId,
    admin_graphql_api_id: `gid://shopify/Fulfillment/${fulfillmentId}`,
    order_id: orderId,
    name: `#${1000 + seq}.1`,
    status: "success",
    service: "manual",
    created_at: now,
    updated_at: now,
    location_id: 9_000_000_001,
    shipment_status: null,
    origin_address: null,
    receipt: {},
    tracking_company: "USPS",
    tracking_number: "9400100000000000000000",
    tracking_numbers: ["9400100000000000000000"],
    tracking_url: null,
    tracking_urls: [],
    line_items: [line(1), line(2)],
    shop_domain: shop,
  });
  return {
    body,
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": "fulfillments/create",
      "x-shopify-hmac-sha256": createHmac("sha256", secret).update(body, "utf8").digest("base64"),
      "x-shopify-shop-domain": shop,
      "x-shopify-webhook-id": randomUUID(),
      "x-shopify-event-id": randomUUID(),
      "x-shopify-triggered-at": now,
      "x-shopify-api-version": "2026-07",
    },
  };
}
