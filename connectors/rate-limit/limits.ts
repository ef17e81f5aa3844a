import type { Platform } from "../errors";

/**
 * Published default limits per operation group, with where each figure comes from. Vendors may
 * grant a seller more; every queue also adjusts live from response headers / throttle status.
 */
export interface OperationLimit {
  /** Sustained requests (or cost points, for Shopify) per second. */
  rate: number;
  /** Bucket capacity: how many may go at once after a quiet period. */
  burst: number;
  /** How many requests may be in flight at once on this queue. */
  concurrency: number;
  source: string;
}

export const PUBLISHED_LIMITS = {
  amazon: {
    searchOrders: {
      rate: 0.0056,
      burst: 20,
      concurrency: 1,
      source: "Orders API 2026-01-01 searchOrders Usage Plan (orders_2026-01-01.json)",
    },
    getOrder: {
      rate: 0.5,
      burst: 30,
      concurrency: 4,
      source: "Orders API 2026-01-01 getOrder Usage Plan (orders_2026-01-01.json)",
    },
    confirmShipment: {
      rate: 2,
      burst: 10,
      concurrency: 4,
      source: "Orders API v0 confirmShipment Usage Plan (ordersV0.json)",
    },
    // Seller cancellations go through an order-acknowledgement feed: groups of their own, so a
    // createFeed 429 (one request per two minutes) never pauses the account's tracking pushes.
    createFeedDocument: {
      rate: 0.5,
      burst: 15,
      concurrency: 1,
      source: "Feeds API 2021-06-30 createFeedDocument Usage Plan (feeds_2021-06-30.json)",
    },
    createFeed: {
      rate: 0.0083,
      burst: 15,
      concurrency: 1,
      source: "Feeds API 2021-06-30 createFeed Usage Plan (feeds_2021-06-30.json)",
    },
    getFeed: {
      rate: 2,
      burst: 15,
      concurrency: 2,
      source: "Feeds API 2021-06-30 getFeed Usage Plan (feeds_2021-06-30.json)",
    },
    getFeedDocument: {
      rate: 0.0222,
      burst: 10,
      concurrency: 1,
      source: "Feeds API 2021-06-30 getFeedDocument Usage Plan (feeds_2021-06-30.json)",
    },
  },
  ebay: {
    // eBay publishes daily call limits per application (Developer Program > API call limits);
    // spread evenly over the day, with a modest burst.
    getOrders: {
      rate: 100_000 / 86_400,
      burst: 50,
      concurrency: 2,
      source: "eBay API call limits: Sell Fulfillment getOrder/getOrders 100,000 calls/day",
    },
    shippingFulfillment: {
      rate: 100_000 / 86_400,
      burst: 50,
      concurrency: 4,
      source: "eBay API call limits: Sell Fulfillment shipping_fulfillment 100,000 calls/day",
    },
    postOrder: {
      rate: 100_000 / 86_400,
      burst: 20,
      concurrency: 2,
      source:
        "assumed: eBay's call limits list no Post-Order figure; Sell Fulfillment's 100,000/day",
    },
  },
  shopify: {
    // Cost-based: the rate is in query cost points per second (standard plan).
    graphql: {
      rate: 100,
      burst: 2000,
      concurrency: 16,
      source: "Shopify Admin GraphQL API rate limits: 100 points/s restore, 2000-point bucket",
    },
  },
  bigcommerce: {
    api: {
      rate: 150 / 30,
      burst: 150,
      concurrency: 16,
      source: "BigCommerce API rate limits: 150 requests per 30 s (Standard/Plus plans)",
    },
  },
} as const satisfies Record<Platform, Record<string, OperationLimit>>;

export type OperationGroup<P extends Platform> = keyof (typeof PUBLISHED_LIMITS)[P] & string;
