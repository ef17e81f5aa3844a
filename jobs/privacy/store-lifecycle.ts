import { and, eq, inArray, sql } from "drizzle-orm";
import { purgeOrderPii } from "../../db/pii";
import {
  marketplaceAccounts,
  orderLinks,
  shopifySessions,
  type StoreRow,
  stores,
} from "../../db/schema";
import type { Transaction } from "../boss";
import type { ImportDeps } from "../import/poll-account";
import type { JobData } from "../registry";
import { eraseExportsOfOrders, exportCustomerData } from "./data-request";
import { cancelQueuedStoreJobs, deleteStoreJobs, type StoreJobOwner } from "./store-jobs";

export { readDataRequestExport } from "./data-request";

/**
 * A store's install lifecycle and its platform's privacy requests (Shopify's app/uninstalled and
 * compliance topics, BigCommerce's store/app/uninstalled). The payload carries ids only; each
 * event is idempotent, since pg-boss retries a job that failed half-way.
 */

export type LifecycleEvent = JobData<"store.lifecycle">;

export type LifecycleResult =
  | { event: LifecycleEvent["event"]; status: "unknown_store" }
  | { event: "uninstalled"; status: "reinstalled_since" }
  | { event: "uninstalled"; status: "done"; jobsCancelled: number; sessionsDeleted: number }
  | { event: "shop_redact"; status: "done"; jobsDeleted: number; sessionsDeleted: number }
  | { event: "customers_redact"; status: "done"; ordersRedacted: number; exportsErased: number }
  | { event: "data_request"; status: "done"; orderCount: number };

export async function handleStoreLifecycle(
  deps: ImportDeps,
  data: LifecycleEvent,
): Promise<LifecycleResult> {
  const now = deps.now?.() ?? new Date();
  const [store] = await deps.db.select().from(stores).where(eq(stores.id, data.storeId));
  // Already redacted (or never ours): nothing is left to act on.
  if (!store) return { event: data.event, status: "unknown_store" };

  let result: LifecycleResult;
  switch (data.event) {
    case "uninstalled":
      // A late or retried uninstall must not wipe the grant of a re-install that came after it.
      result =
        // BigCommerce dates hooks to the second: a second of slack keeps an install made in the
        // same second from hiding the uninstall that followed it.
        data.triggeredAt && store.installedAt.getTime() > Date.parse(data.triggeredAt) + 1_000
          ? { event: "uninstalled", status: "reinstalled_since" }
          : await uninstall(deps, store, now);
      break;
    case "shop_redact":
      result = await redactShop(deps, store);
      break;
    case "customers_redact":
      result = await redactCustomer(deps, store, data.storeOrderIds, now);
      break;
    case "data_request": {
      const { orderCount } = await exportCustomerData(deps, {
        storeId: store.id,
        requestRef: data.requestRef,
        storeOrderIds: data.storeOrderIds,
        now,
      });
      result = { event: "data_request", status: "done", orderCount };
      break;
    }
  }
  deps.logger.info({ storeId: store.id, ...result }, "store lifecycle event handled");
  return result;
}

/**
 * The grant is gone: token and webhook secret are wiped, sessions deleted, queued work cancelled.
 * Orders, links and history stay for a re-install (which clears `uninstalled_at`); the scheduler
 * and the use cases skip an uninstalled store meanwhile.
 */
async function uninstall(deps: ImportDeps, store: StoreRow, now: Date): Promise<LifecycleResult> {
  return deps.db.transaction(async (tx) => {
    await tx
      .update(stores)
      .set({
        // A redelivered uninstall keeps the first date.
        uninstalledAt: sql`coalesce(${stores.uninstalledAt}, ${now.toISOString()}::timestamptz)`,
        accessTokenEnc: null,
        webhookSecretEnc: null,
        updatedAt: now,
      })
      .where(eq(stores.id, store.id));
    const sessionsDeleted = await deleteSessions(tx, store);
    const jobsCancelled = await cancelQueuedStoreJobs(deps.jobs, tx, await jobOwner(tx, store));
    return { event: "uninstalled", status: "done", jobsCancelled, sessionsDeleted };
  });
}

/** Everything of the store goes: its row cascades to accounts, orders, links, events, exports. */
async function redactShop(deps: ImportDeps, store: StoreRow): Promise<LifecycleResult> {
  return deps.db.transaction(async (tx) => {
    const owner = await jobOwner(tx, store);
    const sessionsDeleted = await deleteSessions(tx, store);
    const jobsDeleted = await deleteStoreJobs(deps.jobs, tx, owner);
    await tx.delete(stores).where(eq(stores.id, store.id));
    return { event: "shop_redact", status: "done", jobsDeleted, sessionsDeleted };
  });
}

/**
 * The customer's orders (by their store order ids) lose buyer, address and raw payload, and any
 * export holding them is erased. Queued jobs need no scrubbing: their payloads are ids only
 * (jobs/registry.ts), so they name no customer.
 */
async function redactCustomer(
  deps: ImportDeps,
  store: StoreRow,
  storeOrderIds: readonly string[],
  now: Date,
): Promise<LifecycleResult> {
  if (storeOrderIds.length === 0) {
    return { event: "customers_redact", status: "done", ordersRedacted: 0, exportsErased: 0 };
  }
  return deps.db.transaction(async (tx) => {
    const linked = await tx
      .select({ orderId: orderLinks.orderId })
      .from(orderLinks)
      .where(
        and(eq(orderLinks.storeId, store.id), inArray(orderLinks.storeOrderId, [...storeOrderIds])),
      );
    const ordersRedacted = await purgeOrderPii(
      tx,
      deps.keyring,
      linked.map((l) => l.orderId),
      now,
    );
    const exportsErased = await eraseExportsOfOrders(tx, deps.keyring, store.id, storeOrderIds);
    return { event: "customers_redact", status: "done", ordersRedacted, exportsErased };
  });
}

async function deleteSessions(tx: Transaction, store: StoreRow): Promise<number> {
  if (store.platform !== "shopify") return 0;
  const deleted = await tx
    .delete(shopifySessions)
    .where(eq(shopifySessions.shop, store.externalId))
    .returning({ id: shopifySessions.id });
  return deleted.length;
}

async function jobOwner(tx: Transaction, store: StoreRow): Promise<StoreJobOwner> {
  const accounts = await tx
    .select({ id: marketplaceAccounts.id })
    .from(marketplaceAccounts)
    .where(eq(marketplaceAccounts.storeId, store.id));
  return { storeId: store.id, accountIds: accounts.map((a) => a.id) };
}
