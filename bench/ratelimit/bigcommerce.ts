import { createBigCommerceConnector } from "../../connectors/bigcommerce/client";
import { RateLimitRegistry } from "../../connectors/rate-limit/registry";
import { bigCommerceOrderId } from "../../connectors/types";
import { startBigCommerceSimulator } from "../../test/simulators/bigcommerce";
import type { BenchCase } from "./harness";

const HASH = "bench1";
const TOKEN = "bench-token";

export const bigCommerceCases: BenchCase[] = [
  {
    name: "bigcommerce api (order shipments)",
    platform: "bigcommerce",
    group: "api",
    scale: 10,
    calls: 400,
    async setup(scale) {
      const sim = await startBigCommerceSimulator({ scale });
      sim.createStore({ hash: HASH, currency: "USD", tokens: [{ token: TOKEN }] });
      const connector = createBigCommerceConnector({
        storeHash: HASH,
        accessToken: TOKEN,
        currency: "USD",
        endpoint: sim.url,
        queues: new RateLimitRegistry({ scale }),
        accountKey: HASH,
      });
      return {
        // Unknown orders answer 404 quickly: the quota is what is measured, not the payload.
        call: (i) =>
          connector.listFulfillments(bigCommerceOrderId(100 + i)).catch((error: unknown) => {
            if ((error as { kind?: string }).kind !== "not_found") throw error;
          }),
        throttled: () => [...sim.server.throttledCount.values()].reduce((sum, n) => sum + n, 0),
        stop: () => sim.stop(),
      };
    },
  },
];
