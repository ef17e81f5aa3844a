import { createHmac, randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { marketplaceOrders, type StoreRow } from "../../db/schema";
import type { ImportDeps } from "../../jobs/import/poll-account";
import { pollAccount } from "../../jobs/import/poll-account";
import { processOrder } from "../../jobs/import/process-order";
import { reconcileStore } from "../../jobs/tracking/reconcile";
import { startWorker, type Worker } from "../../jobs/worker";
import { SIM_SHOPIFY_APP } from "../simulators";
import { type AppServer, startAppServer } from "./app-server";
import { type ImportWorld, startImportWorld } from "./import-world";

/**
 * The tracking half of the pipeline for a test file: an import world, the real app serving the
 * webhook routes over HTTP, and (on demand) an in-process worker woken by LISTEN/NOTIFY like the
 * app's own. Orders are imported through the real import use cases first.
 */
export interface TrackingWorld {
  world: ImportWorld;
  app: AppServer;
  deps: ImportDeps & { publicUrl: string };
  startWorker(): Promise<Worker>;
  /** Polls the account and imports what it found; returns our order row ids by marketplace id. */
  importOrders(accountId: string): Promise<Map<string, string>>;
  /** Subscribes the store's webhooks to the app (what the install does). */
  subscribeWebhooks(store: StoreRow): Promise<void>;
  close(): Promise<void>;
}

export async function startTrackingWorld(): Promise<TrackingWorld> {
  const world = await startImportWorld();
  const app = await startAppServer(world);
  const deps = { ...world.deps, publicUrl: app.url };
  const workers: Worker[] = [];
  return {
    world,
    app,
    deps,
    async startWorker() {
      const worker = await startWorker(
        {
          ...deps,
          listen: (channel, onPayload) => world.database.listen(channel, onPayload),
        },
        { pollingIntervalSeconds: 0.5 },
      );
      workers.push(worker);
      return worker;
    },
    async importOrders(accountId) {
      await pollAccount(world.deps, { accountId });
      for (;;) {
        const jobs = await world.jobs.boss.fetch<{ orderId: string }>("order.process", {
          batchSize: 50,
        });
        if (jobs.length === 0) break;
        for (const job of jobs) {
          await processOrder(world.deps, { orderId: job.data.orderId });
          await world.jobs.boss.complete("order.process", job.id);
        }
      }
      const rows = await world.database.db
        .select({
          id: marketplaceOrders.id,
          marketplaceOrderId: marketplaceOrders.marketplaceOrderId,
        })
        .from(marketplaceOrders)
        .where(eq(marketplaceOrders.accountId, accountId));
      return new Map(rows.map((r) => [r.marketplaceOrderId, r.id]));
    },
    async subscribeWebhooks(store) {
      await reconcileStore(deps, { storeId: store.id, batch: 0 });
    },
    close: async () => {
      for (const w of workers.splice(0)) await w.stop();
      await app.close();
      await world.close();
    },
  };
}

/** A Shopify webhook as Shopify sends it: HMAC-SHA256 (base64) of the raw body with the app secret. */
export function signedShopifyWebhook(
  shop: string,
  topic: string,
  payload: unknown,
  options: { secret?: string; eventId?: string; body?: string } = {},
): { headers: Record<string, string>; body: string } {
  const body = options.body ?? JSON.stringify(payload);
  return {
    body,
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": topic,
      "x-shopify-hmac-sha256": createHmac("sha256", options.secret ?? SIM_SHOPIFY_APP.apiSecret)
        .update(body, "utf8")
        .digest("base64"),
      "x-shopify-shop-domain": shop,
      "x-shopify-webhook-id": randomUUID(),
      "x-shopify-event-id": options.eventId ?? randomUUID(),
      "x-shopify-triggered-at": new Date().toISOString(),
      "x-shopify-api-version": "2026-07",
    },
  };
}

/** Polls `check` until it returns something other than undefined/false. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
