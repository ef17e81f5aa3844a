import { createHmac, randomUUID } from "node:crypto";
import { asc, eq, sql } from "drizzle-orm";
import { rowsOf } from "../../db/client";
import {
  marketplaceOrders,
  type StoreRow,
  syncEvents,
  trackingPushes,
  type TrackingPushRow,
} from "../../db/schema";
import type { ImportDeps } from "../../jobs/import/poll-account";
import { pollAccount } from "../../jobs/import/poll-account";
import { processOrder } from "../../jobs/import/process-order";
import { WAKE_CHANNEL } from "../../jobs/registry";
import { reconcileStore } from "../../jobs/tracking/reconcile";
import { startWorker, type Worker } from "../../jobs/worker";
import { SIM_SHOPIFY_APP } from "../simulators";
import { type AppServer, startAppServer } from "./app-server";
import { type ImportWorld, startImportWorld } from "./import-world";
import { until } from "./until";

export { until };

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

// ---------------------------------------------------------------------------------------------
// Shared by the tracking acceptance tests (crash, faults, edge cases, BigCommerce).

export const US_BUYER = {
  fullName: "Ava Johnson",
  addressLine1: "12 Maple St",
  city: "Portland",
  stateOrProvince: "OR",
  postalCode: "97201",
  countryCode: "US",
};

/** An eBay order seeded for `seller` and imported into the account's store. */
export async function importEbayOrder(
  t: TrackingWorld,
  input: {
    accountId: string;
    seller: string;
    lines?: { sku: string; quantity: number; unitPrice?: string }[];
  },
): Promise<{ ebayOrderId: string; orderId: string }> {
  const lines = input.lines ?? [{ sku: "MUG-BLUE", quantity: 2 }];
  const ebayOrderId = t.world.simulators.ebay.seedOrder({
    seller: input.seller,
    // Placed a minute ago: BigCommerce dates shipments to the second, and eBay refuses a shipped
    // date before the order's creation, which a shipment in the order's own second would be.
    createdAt: new Date(Date.now() - 60_000).toISOString(),
    lines: lines.map((l) => ({ ...l, title: l.sku, unitPrice: l.unitPrice ?? "14.00" })),
    shipTo: US_BUYER,
  });
  const orderId = (await t.importOrders(input.accountId)).get(ebayOrderId);
  if (!orderId) throw new Error(`eBay order ${ebayOrderId} was not stored`);
  await untilImported(t, orderId);
  return { ebayOrderId, orderId };
}

/** An Amazon order of the simulator's seller, imported into the account's store. */
export async function importAmazonOrder(
  t: TrackingWorld,
  input: { accountId: string; items?: { sku: string; quantity: number }[] },
): Promise<{ amazonOrderId: string; orderId: string }> {
  const items = input.items ?? [{ sku: "MUG-BLUE", quantity: 1 }];
  const order = t.world.simulators.amazon.seedOrder({
    status: "UNSHIPPED",
    // Seeded orders date from an hour ago; one changed now is what the next poll must see (a
    // shipment confirmed since the last poll has already moved the account's cursor to now).
    lastUpdatedTime: new Date().toISOString(),
    items: items.map((i) => ({ ...i, title: i.sku, unitPrice: "14.00" })),
    shipTo: {
      name: US_BUYER.fullName,
      addressLine1: US_BUYER.addressLine1,
      city: US_BUYER.city,
      stateOrRegion: US_BUYER.stateOrProvince,
      postalCode: US_BUYER.postalCode,
      countryCode: US_BUYER.countryCode,
    },
  });
  const orderId = (await t.importOrders(input.accountId)).get(order.orderId);
  if (!orderId) throw new Error(`Amazon order ${order.orderId} was not stored`);
  await untilImported(t, orderId);
  return { amazonOrderId: order.orderId, orderId };
}

/**
 * A started worker also takes `order.process` jobs, so `importOrders` may find the queue empty
 * while the worker is still creating the store order: wait for the order itself.
 */
function untilImported(t: TrackingWorld, orderId: string) {
  return until(`order ${orderId} to be imported into the store`, async () => {
    const [row] = await t.world.database.db
      .select({ state: marketplaceOrders.state })
      .from(marketplaceOrders)
      .where(eq(marketplaceOrders.id, orderId));
    return row?.state === "imported";
  });
}

/** The Shopify order GID created for a marketplace order. */
export function shopifyOrderGid(t: TrackingWorld, store: StoreRow, marketplaceOrderId: string) {
  const found = t.world.simulators.shopify
    .orders(store.externalId)
    .find((o) => o.sourceIdentifier === marketplaceOrderId);
  if (!found) throw new Error(`no Shopify order for ${marketplaceOrderId}`);
  return `gid://shopify/Order/${found.id}`;
}

/** The merchant ships the whole Shopify order (sends fulfillments/create); the fulfillment GID. */
export function shipOnShopify(
  t: TrackingWorld,
  store: StoreRow,
  marketplaceOrderId: string,
  tracking: { company: string; number: string },
): Promise<string> {
  return t.world.simulators.shopify.createFulfillment(
    store.externalId,
    shopifyOrderGid(t, store, marketplaceOrderId),
    tracking,
  );
}

export function pushesOf(t: TrackingWorld, orderId: string): Promise<TrackingPushRow[]> {
  return t.world.database.db
    .select()
    .from(trackingPushes)
    .where(eq(trackingPushes.orderId, orderId))
    .orderBy(asc(trackingPushes.createdAt));
}

/** The order's timeline, oldest first. */
export async function timelineOf(
  t: TrackingWorld,
  orderId: string,
): Promise<{ kind: string; params: Record<string, unknown> }[]> {
  return t.world.database.db
    .select({ kind: syncEvents.kind, params: syncEvents.params })
    .from(syncEvents)
    .where(eq(syncEvents.orderId, orderId))
    .orderBy(asc(syncEvents.id));
}

/** Waits until the order has `count` pushes and every one is in `state`. */
export function untilPushes(
  t: TrackingWorld,
  orderId: string,
  state: TrackingPushRow["state"],
  options: { count?: number; timeoutMs?: number } = {},
): Promise<TrackingPushRow[]> {
  const count = options.count ?? 1;
  return until(
    `${count} push(es) of order ${orderId} to be ${state}`,
    async () => {
      const pushes = await pushesOf(t, orderId);
      return pushes.length === count && pushes.every((p) => p.state === state) ? pushes : false;
    },
    options.timeoutMs,
  );
}

export interface QueuedJob {
  id: string;
  state: string;
  retryCount: number;
  startAfter: Date;
  data: Record<string, unknown>;
  sourceName: string | null;
}

/** pg-boss rows of one queue (dead-letter rows carry the queue they came from in sourceName). */
export async function jobsNamed(t: TrackingWorld, name: string): Promise<QueuedJob[]> {
  const rows = rowsOf<{
    id: string;
    state: string;
    retry_count: number;
    start_after: string | Date;
    data: Record<string, unknown>;
    source_name: string | null;
  }>(
    await t.world.database.db.execute(
      sql`select id, state, retry_count, start_after, data, source_name
          from pgboss.job where name = ${name} order by created_on`,
    ),
  );
  return rows.map((r) => ({
    id: r.id,
    state: r.state,
    retryCount: Number(r.retry_count),
    startAfter: new Date(r.start_after),
    data: r.data,
    sourceName: r.source_name,
  }));
}

/**
 * Stands in for the backoff elapsing: jobs of `name` waiting in `retry` become due now, and the
 * workers are woken as a fresh enqueue would wake them. pg-boss has already chosen and stored each
 * job's backoff (start_after); only the wait is skipped, never an attempt.
 */
export async function makeRetriesDueNow(t: TrackingWorld, name: string): Promise<number> {
  const moved = rowsOf<{ id: string }>(
    await t.world.database.db.execute(
      sql`update pgboss.job set start_after = now()
          where name = ${name} and state = 'retry' returning id`,
    ),
  );
  await t.world.database.db.execute(sql`select pg_notify(${WAKE_CHANNEL}, ${name})`);
  return moved.length;
}

/**
 * What pg-boss's supervisor does to a job whose worker died, once it has been active longer than
 * the queue's expireInSeconds: fail it, so it is retried. Done at once instead of waiting out the
 * expiry. Returns the ids expired.
 */
export async function expireActiveJobs(t: TrackingWorld, name: string): Promise<string[]> {
  const ids = (await jobsNamed(t, name)).filter((j) => j.state === "active").map((j) => j.id);
  if (ids.length > 0) await t.world.jobs.boss.fail(name, ids, { message: "job timed out" });
  return ids;
}

/** Waits until no job of these queues is waiting, due or running (each one ran to its end). */
export function untilJobsSettled(t: TrackingWorld, names: string[], timeoutMs?: number) {
  return until(
    `jobs of ${names.join(", ")} to settle`,
    async () => {
      for (const name of names) {
        const open = (await jobsNamed(t, name)).filter((j) =>
          ["created", "retry", "active"].includes(j.state),
        );
        if (open.length > 0) return false;
      }
      return true;
    },
    timeoutMs,
  );
}
