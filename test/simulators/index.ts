import { type AmazonSimulator, startAmazonSimulator } from "./amazon";
import { type BigCommerceSimulator, startBigCommerceSimulator } from "./bigcommerce";
import { type EbaySimulator, startEbaySimulator } from "./ebay";
import { type ShopifySimulator, startShopifySimulator } from "./shopify";

/** The four platform simulators, as the demo, the tests and `npm run simulators` run them. */
export interface Simulators {
  amazon: AmazonSimulator;
  ebay: EbaySimulator;
  shopify: ShopifySimulator;
  bigcommerce: BigCommerceSimulator;
  /** The upstream overrides that point the app at these simulators. */
  endpoints: { amazon: string; ebay: string; shopify: string; bigcommerce: string };
  stop(): Promise<void>;
}

export interface SimulatorsOptions {
  /** Multiplies every published rate (bursts unchanged). */
  scale?: number;
  /** First port; the others follow (amazon, ebay, shopify, bigcommerce). 0 = any free ports. */
  basePort?: number;
  /** The Shopify app's key and secret (the simulator signs webhooks with the secret). */
  shopifyApp?: { apiKey: string; apiSecret: string };
}

export const SIM_SHOPIFY_APP = { apiKey: "sim-api-key", apiSecret: "sim-api-secret" };

export async function startSimulators(options: SimulatorsOptions = {}): Promise<Simulators> {
  const scale = options.scale ?? 1;
  const port = (offset: number) => (options.basePort ? options.basePort + offset : 0);
  const [amazon, ebay, shopify, bigcommerce] = await Promise.all([
    startAmazonSimulator({ scale, port: port(0) }),
    startEbaySimulator({ scale, port: port(1) }),
    startShopifySimulator({ scale, port: port(2), ...(options.shopifyApp ?? SIM_SHOPIFY_APP) }),
    startBigCommerceSimulator({ scale, port: port(3) }),
  ]);
  return {
    amazon,
    ebay,
    shopify,
    bigcommerce,
    endpoints: {
      amazon: amazon.url,
      ebay: ebay.url,
      shopify: shopify.url,
      bigcommerce: bigcommerce.url,
    },
    stop: async () => {
      await Promise.all([amazon.stop(), ebay.stop(), shopify.stop(), bigcommerce.stop()]);
    },
  };
}
