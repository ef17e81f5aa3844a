import { RateLimitRegistry } from "../../connectors/rate-limit/registry";
import { createShopifyConnector } from "../../connectors/shopify/client";
import { ESTIMATED_COST } from "../../connectors/shopify/documents";
import { ebayOrderId } from "../../connectors/types";
import { startShopifySimulator } from "../../test/simulators/shopify";
import type { BenchCase } from "./harness";

const API_KEY = "bench-api-key";
const API_SECRET = "bench-api-secret";
const SHOP = "bench.myshopify.com";

export const shopifyCases: BenchCase[] = [
  {
    // Cost-based: the bound is in query cost points per second, not requests.
    name: "shopify graphql (orders by source)",
    platform: "shopify",
    group: "graphql",
    scale: 10,
    calls: 220,
    costPerCall: ESTIMATED_COST.ORDERS_BY_SOURCE,
    async setup(scale) {
      const sim = await startShopifySimulator({ scale, apiKey: API_KEY, apiSecret: API_SECRET });
      sim.addShop({ domain: SHOP, accessToken: "shpat_bench", currency: "USD" });
      const connector = createShopifyConnector({
        shop: SHOP,
        accessToken: "shpat_bench",
        apiKey: API_KEY,
        apiSecret: API_SECRET,
        endpoint: sim.url,
        queues: new RateLimitRegistry({ scale }),
        accountKey: SHOP,
      });
      return {
        call: (i) =>
          connector.findOrderByMarketplaceRef(
            "ebay",
            ebayOrderId(`12-34567-${String(i).padStart(5, "0")}`),
          ),
        throttled: () => sim.server.throttledCount.get("graphql") ?? 0,
        stop: () => sim.stop(),
      };
    },
  },
];
