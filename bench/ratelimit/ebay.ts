import { createEbayConnector } from "../../connectors/ebay/client";
import { RateLimitRegistry } from "../../connectors/rate-limit/registry";
import { ebayLineItemId, ebayOrderId } from "../../connectors/types";
import { startEbaySimulator } from "../../test/simulators/ebay";
import type { BenchCase } from "./harness";

async function ebay(scale: number, orders: number) {
  const sim = await startEbaySimulator({ scale });
  const tokens = sim.addAccount({ username: "bench_seller", marketplaceId: "EBAY_US" });
  const ids = Array.from({ length: orders }, (_, i) => {
    const orderId = sim.seedOrder({
      seller: "bench_seller",
      lines: [{ sku: `SKU-${i}`, title: "Mug", unitPrice: "12.00" }],
    });
    return { orderId, lineItemId: sim.order(orderId)!.lineItems![0]!.lineItemId };
  });
  const connector = createEbayConnector({
    endpoint: sim.url,
    queues: new RateLimitRegistry({ scale }),
    accountKey: "bench_seller",
    credentials: sim.app,
    tokens,
  });
  const throttled = (op: string) => () => sim.server.throttledCount.get(op) ?? 0;
  return { sim, connector, ids, throttled };
}

export const ebayCases: BenchCase[] = [
  {
    name: "ebay getOrders",
    platform: "ebay",
    group: "getOrders",
    scale: 50,
    calls: 340,
    async setup(scale) {
      const { sim, connector, throttled } = await ebay(scale, 5);
      return {
        call: () => connector.listOrders({ updatedSince: new Date(Date.now() - 86_400_000) }),
        throttled: throttled("getOrders"),
        stop: () => sim.stop(),
      };
    },
  },
  {
    name: "ebay createShippingFulfillment",
    platform: "ebay",
    group: "shippingFulfillment",
    scale: 50,
    calls: 340,
    async setup(scale) {
      const { sim, connector, ids, throttled } = await ebay(scale, 340);
      return {
        call: (i) =>
          connector.confirmShipment({
            orderId: ebayOrderId(ids[i]!.orderId),
            carrierCode: "USPS",
            trackingNumber: `9400100000000000${String(i).padStart(6, "0")}`,
            shippedAt: new Date(),
            lines: [{ lineId: ebayLineItemId(ids[i]!.lineItemId!), quantity: 1 }],
          }),
        throttled: throttled("createShippingFulfillment"),
        stop: () => sim.stop(),
      };
    },
  },
];
