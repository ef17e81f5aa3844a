import { randomBytes } from "node:crypto";
import { findStore, upsertInstalledStore } from "../db/stores";
import type { StoreRow } from "../db/schema";
import type { Services } from "./services.server";

export const DEMO_SHOP = "marketsync-demo.myshopify.com";

/** The demo's store, created on first start; later issues add simulators and live orders to it. */
export async function ensureDemoStore(services: Services): Promise<StoreRow> {
  const existing = await findStore(services.db, "shopify", DEMO_SHOP);
  if (existing && !existing.uninstalledAt) return existing;
  const store = await upsertInstalledStore(services, {
    platform: "shopify",
    externalId: DEMO_SHOP,
    // A random token: the demo store talks to no real Shopify, but the column is never empty.
    accessToken: `shpat_demo_${randomBytes(16).toString("hex")}`,
    scopes: "write_orders,read_products,read_fulfillments,read_inventory",
    name: "Marketsync Demo",
    currency: "USD",
  });
  services.logger.info({ shop: DEMO_SHOP }, "demo store ready");
  return store;
}
