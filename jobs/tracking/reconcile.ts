import { and, asc, eq, gt, isNull, notInArray, sql } from "drizzle-orm";
import { NotFound, Rejected } from "../../connectors/errors";
import type { StoreOrderId, WebhookRegistration } from "../../connectors/types";
import { recordEvent } from "../../db/orders";
import { marketplaceOrders, orderLinks, stores, type StoreRow, syncEvents } from "../../db/schema";
import { ensureWebhookSecret } from "../../db/stores";
import { storeConnectorFor } from "../import/connectors";
import type { ImportDeps } from "../import/poll-account";
import { syncFulfillment } from "./sync-fulfillment";

export interface ReconcileDeps extends ImportDeps {
  /** Origin for webhook callbacks; without it subscriptions are left as they are. */
  publicUrl?: string | undefined;
}

/** Linked orders whose store fulfillments are compared per run and store. */
export const RECONCILE_BATCH = 100;
/** Orders older than this are not looked at again (marketplaces close them for tracking anyway). */
export const RECONCILE_WINDOW_DAYS = 60;

/** The subscriptions each store platform must have, pointing at our routes. */
export function webhookRegistrations(
  platform: StoreRow["platform"],
  publicUrl: string,
): WebhookRegistration[] {
  if (platform === "shopify") {
    // The compliance topics are declared in shopify.app.toml: the API does not take them.
    const callbackUrl = `${publicUrl}/webhooks/shopify`;
    return [
      "FULFILLMENTS_CREATE",
      "FULFILLMENTS_UPDATE",
      "ORDERS_CANCELLED",
      "APP_UNINSTALLED",
    ].map((topic) => ({ topic, callbackUrl }));
  }
  const callbackUrl = `${publicUrl}/webhooks/bigcommerce`;
  return [
    "store/shipment/created",
    "store/shipment/updated",
    "store/order/statusUpdated",
    "store/app/uninstalled",
  ].map((topic) => ({ topic, callbackUrl }));
}

/** The scheduled job: one reconciliation per installed store. */
export async function enqueueReconciliations(deps: ImportDeps): Promise<number> {
  const installed = await deps.db
    .select({ id: stores.id })
    .from(stores)
    .where(isNull(stores.uninstalledAt));
  for (const store of installed) {
    await deps.jobs.send(deps.db, "tracking.reconcile_store", { storeId: store.id });
  }
  return installed.length;
}

/**
 * Webhooks get lost (Shopify retries 8 times over 4 hours, then drops them; an endpoint may have
 * been down longer): compare the store's fulfillments of recent imported orders without a
 * confirmed push against our shipments, sync what is missing, and put back missing webhook
 * subscriptions. Least recently checked orders first, a batch per run.
 */
export async function reconcileStore(
  deps: ReconcileDeps,
  input: { storeId: string; batch?: number },
): Promise<{ checked: number; queued: number; webhooks: number | undefined }> {
  const [store] = await deps.db.select().from(stores).where(eq(stores.id, input.storeId));
  if (!store || store.uninstalledAt) return { checked: 0, queued: 0, webhooks: undefined };
  const now = deps.now?.() ?? new Date();

  let webhooks: number | undefined;
  if (deps.publicUrl) {
    if (store.platform === "bigcommerce") await ensureWebhookSecret(deps, store);
    const [fresh] = await deps.db.select().from(stores).where(eq(stores.id, store.id));
    const registered = await storeConnectorFor(deps, fresh!).registerWebhooks(
      webhookRegistrations(store.platform, deps.publicUrl),
    );
    webhooks = registered.length;
    await deps.db.update(stores).set({ webhooksCheckedAt: now }).where(eq(stores.id, store.id));
  }

  const since = new Date(now.getTime() - RECONCILE_WINDOW_DAYS * 86_400_000);
  const candidates = await deps.db
    .select({
      linkId: orderLinks.id,
      orderId: orderLinks.orderId,
      storeOrderId: orderLinks.storeOrderId,
      storeOrderName: orderLinks.storeOrderName,
    })
    .from(orderLinks)
    .innerJoin(marketplaceOrders, eq(marketplaceOrders.id, orderLinks.orderId))
    .where(
      and(
        eq(orderLinks.storeId, store.id),
        eq(orderLinks.state, "created"),
        eq(marketplaceOrders.state, "imported"),
        eq(marketplaceOrders.fulfilledByMarketplace, false),
        notInArray(marketplaceOrders.trackingState, ["confirmed"]),
        gt(marketplaceOrders.marketplaceCreatedAt, since),
      ),
    )
    .orderBy(sql`${orderLinks.fulfillmentsCheckedAt} asc nulls first`, asc(orderLinks.id))
    .limit(input.batch ?? RECONCILE_BATCH);

  const connector = storeConnectorFor(deps, store);
  let queued = 0;
  for (const candidate of candidates) {
    if (!candidate.storeOrderId) continue;
    let fulfillments;
    try {
      fulfillments = await connector.listFulfillments(candidate.storeOrderId as StoreOrderId);
    } catch (error) {
      // An order deleted in the store, or one the store refuses to show, must not stop the run:
      // unchecked, it would stay first in line and fail every later run. Rate limits, outages
      // and revoked access are the store's, not the order's: the job's retry deals with them.
      if (!(error instanceof NotFound || error instanceof Rejected)) throw error;
      await setAside(deps, store, candidate, error, now);
      continue;
    }
    for (const fulfillment of fulfillments) {
      if (fulfillment.status !== "success") continue;
      const outcome = await syncFulfillment(deps, {
        storeId: store.id,
        storeOrderId: candidate.storeOrderId,
        fulfillmentId: fulfillment.id,
        fulfillment,
      });
      if (outcome === "queued") queued += 1;
    }
    await deps.db
      .update(orderLinks)
      .set({ fulfillmentsCheckedAt: now })
      .where(eq(orderLinks.id, candidate.linkId));
  }
  if (queued > 0) {
    deps.logger.info({ storeId: store.id, queued }, "reconciliation found unsynced fulfillments");
  }
  return { checked: candidates.length, queued, webhooks };
}

/**
 * A store order reconciliation cannot read: checked for this run, and the merchant told once on
 * the order's timeline when the store says it no longer exists.
 */
async function setAside(
  deps: ReconcileDeps,
  store: StoreRow,
  candidate: { linkId: string; orderId: string; storeOrderName: string | null },
  error: NotFound | Rejected,
  now: Date,
): Promise<void> {
  deps.logger.warn(
    { storeId: store.id, orderId: candidate.orderId, err: error },
    "reconciliation could not read a store order's fulfillments",
  );
  await deps.db.transaction(async (tx) => {
    await tx
      .update(orderLinks)
      .set({ fulfillmentsCheckedAt: now })
      .where(eq(orderLinks.id, candidate.linkId));
    if (!(error instanceof NotFound)) return;
    const [told] = await tx
      .select({ id: syncEvents.id })
      .from(syncEvents)
      .where(
        and(eq(syncEvents.orderId, candidate.orderId), eq(syncEvents.kind, "store.order_missing")),
      )
      .limit(1);
    if (told) return;
    await recordEvent(tx, {
      orderId: candidate.orderId,
      storeId: store.id,
      kind: "store.order_missing",
      params: { storeOrderName: candidate.storeOrderName ?? "—" },
    });
  });
}
