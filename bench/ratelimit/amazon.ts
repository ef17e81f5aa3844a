import { createAmazonConnector } from "../../connectors/amazon/client";
import { RateLimitRegistry } from "../../connectors/rate-limit/registry";
import { amazonOrderId, amazonOrderItemId } from "../../connectors/types";
import {
  SIM_CLIENT_ID,
  SIM_CLIENT_SECRET,
  SIM_REFRESH_TOKEN,
  startAmazonSimulator,
} from "../../test/simulators/amazon";
import type { BenchCase } from "./harness";

async function amazon(scale: number, orders: number) {
  const sim = await startAmazonSimulator({ scale });
  const ids = Array.from({ length: orders }, (_, i) => {
    const order = sim.seedOrder({
      status: "UNSHIPPED",
      items: [{ sku: `SKU-${i}`, title: "Mug", quantity: 1, unitPrice: "12.00" }],
    });
    return { orderId: order.orderId, itemId: order.orderItems[0]!.orderItemId };
  });
  const connector = createAmazonConnector({
    region: "na",
    marketplaceIds: ["ATVPDKIKX0DER"],
    clientId: SIM_CLIENT_ID,
    clientSecret: SIM_CLIENT_SECRET,
    tokens: { refreshToken: SIM_REFRESH_TOKEN, accessToken: sim.issueAccessToken() },
    endpoint: sim.url,
    queues: new RateLimitRegistry({ scale }),
    accountKey: "bench-seller",
  });
  return { sim, connector, ids };
}

const throttledOf = (sim: { server: { throttledCount: Map<string, number> } }, op: string) => () =>
  sim.server.throttledCount.get(op) ?? 0;

export const amazonCases: BenchCase[] = [
  {
    name: "amazon searchOrders",
    platform: "amazon",
    group: "searchOrders",
    scale: 2_000,
    calls: 120,
    async setup(scale) {
      const { sim, connector } = await amazon(scale, 5);
      return {
        call: () => connector.listOrders({ updatedSince: new Date(Date.now() - 86_400_000) }),
        throttled: throttledOf(sim, "searchOrders"),
        stop: () => sim.stop(),
      };
    },
  },
  {
    name: "amazon getOrder",
    platform: "amazon",
    group: "getOrder",
    scale: 100,
    calls: 330,
    async setup(scale) {
      const { sim, connector, ids } = await amazon(scale, 10);
      return {
        call: (i) => connector.getOrder(amazonOrderId(ids[i % ids.length]!.orderId)),
        throttled: throttledOf(sim, "getOrder"),
        stop: () => sim.stop(),
      };
    },
  },
  {
    name: "amazon confirmShipment",
    platform: "amazon",
    group: "confirmShipment",
    scale: 25,
    calls: 260,
    async setup(scale) {
      const { sim, connector, ids } = await amazon(scale, 260);
      return {
        call: (i) =>
          connector.confirmShipment({
            orderId: amazonOrderId(ids[i]!.orderId),
            carrierCode: "UPS",
            trackingNumber: `1Z999AA1${String(i).padStart(10, "0")}`,
            shippedAt: new Date(),
            lines: [{ lineId: amazonOrderItemId(ids[i]!.itemId), quantity: 1 }],
          }),
        throttled: throttledOf(sim, "confirmShipment"),
        stop: () => sim.stop(),
      };
    },
  },
];
