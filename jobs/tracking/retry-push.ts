import { and, asc, eq, inArray } from "drizzle-orm";
import { recordEvent } from "../../db/orders";
import { marketplaceOrders, orderLinks, shipments, trackingPushes } from "../../db/schema";
import { NotFoundForStore, type MerchantActionDeps } from "../import/held-orders";
import { refreshOrderTracking } from "./order-tracking";

export type RetryPushOutcome =
  /** A failed push is pending again and its `tracking.push` job is queued. */
  | "queued"
  /** A held push was set aside and its store fulfillment is read again (`fulfillment.sync`). */
  | "resynced"
  /** Nothing to retry: the push is on its way or done. */
  | "not_retryable";

/**
 * The merchant's "retry" on a tracking push, scoped to their store (another store's push → not
 * found).
 *
 * A `failed` push goes back to `pending` with its job, in one transaction: `pushTracking` reads the
 * marketplace first, so a retry never sends a tracking number the marketplace already has.
 *
 * A `held` push is never sent as it is: it was held because what the store gave us cannot be sent
 * (a malformed tracking number, no carrier, lines we cannot match, an Amazon re-confirmation).
 * Those are fixed in the store, and a fixed *tracking number* arrives by itself as a fulfillment
 * update, which becomes a new push. A fix that keeps the number (a carrier added, lines edited)
 * would be ignored by that sync, since this tracking number already has a push; so the retry
 * drops the held push and reads the fulfillment from the store again, which queues a push when
 * the data is now sendable, or holds it again with the current reasons.
 */
export async function retryPush(
  deps: MerchantActionDeps,
  input: {
    storeId: string;
    pushId: string;
    /** When given, the push must also belong to this order (the page it was retried from). */
    orderId?: string;
    now?: Date;
  },
): Promise<RetryPushOutcome> {
  const now = input.now ?? new Date();
  return deps.db.transaction(async (tx) => {
    const [row] = await tx
      .select({
        push: trackingPushes,
        storeFulfillmentId: shipments.storeFulfillmentId,
        storeOrderId: orderLinks.storeOrderId,
      })
      .from(trackingPushes)
      .innerJoin(marketplaceOrders, eq(marketplaceOrders.id, trackingPushes.orderId))
      .innerJoin(shipments, eq(shipments.id, trackingPushes.shipmentId))
      .leftJoin(orderLinks, eq(orderLinks.orderId, trackingPushes.orderId))
      .where(
        and(
          eq(trackingPushes.id, input.pushId),
          eq(marketplaceOrders.storeId, input.storeId),
          ...(input.orderId ? [eq(trackingPushes.orderId, input.orderId)] : []),
        ),
      )
      .for("update", { of: trackingPushes });
    if (!row) throw new NotFoundForStore("no such tracking push in this store");
    const { push } = row;
    const event = (kind: string, params: Record<string, unknown>) =>
      recordEvent(tx, { orderId: push.orderId, storeId: input.storeId, kind, params });

    if (push.state === "failed") {
      await tx
        .update(trackingPushes)
        .set({ state: "pending", lastError: null, verifyAttempts: 0, updatedAt: now })
        .where(eq(trackingPushes.id, push.id));
      await event("push.retried", { trackingNumber: push.trackingNumber });
      await deps.jobs.send(tx, "tracking.push", { pushId: push.id, accountId: push.accountId });
      await refreshOrderTracking(tx, push.orderId, now);
      return "queued";
    }
    if (push.state === "held" && row.storeOrderId) {
      await tx.delete(trackingPushes).where(eq(trackingPushes.id, push.id));
      await event("push.resync", {
        trackingNumber: push.trackingNumber,
        fulfillmentId: row.storeFulfillmentId,
      });
      await deps.jobs.send(tx, "fulfillment.sync", {
        storeId: input.storeId,
        storeOrderId: row.storeOrderId,
        fulfillmentId: row.storeFulfillmentId,
        source: "reconcile",
      });
      await refreshOrderTracking(tx, push.orderId, now);
      return "resynced";
    }
    return "not_retryable";
  });
}

/** What a bulk retry did to the tracking of the selected orders. */
export interface RetriedPushes {
  /** Failed pushes pending again, each with its `tracking.push` job. */
  queued: number;
  /** Held pushes whose store fulfillment is read again. */
  resynced: number;
  /** Orders at least one of whose pushes was retried. */
  orders: number;
}

/**
 * The tracking half of the order list's bulk "Retry": every failed or held push of the selected
 * orders goes through `retryPush`, one push per transaction as from the order page, so a bulk
 * retry keeps its guarantees (the marketplace is read before sending, the same events). Only this
 * store's orders are looked at; a push that moved on since the page was drawn is left alone.
 */
export async function retryOrderPushes(
  deps: MerchantActionDeps,
  input: { storeId: string; orderIds: string[]; now?: Date },
): Promise<RetriedPushes> {
  const result: RetriedPushes = { queued: 0, resynced: 0, orders: 0 };
  if (input.orderIds.length === 0) return result;
  const candidates = await deps.db
    .select({ id: trackingPushes.id, orderId: trackingPushes.orderId })
    .from(trackingPushes)
    .innerJoin(marketplaceOrders, eq(marketplaceOrders.id, trackingPushes.orderId))
    .where(
      and(
        eq(marketplaceOrders.storeId, input.storeId),
        inArray(trackingPushes.orderId, input.orderIds),
        inArray(trackingPushes.state, ["failed", "held"]),
      ),
    )
    .orderBy(asc(trackingPushes.createdAt), asc(trackingPushes.id));
  const retriedOrders = new Set<string>();
  for (const push of candidates) {
    let outcome: RetryPushOutcome;
    try {
      outcome = await retryPush(deps, {
        storeId: input.storeId,
        orderId: push.orderId,
        pushId: push.id,
        ...(input.now ? { now: input.now } : {}),
      });
    } catch (error) {
      // Another retry of the same held push dropped it in the meantime: nothing left to do.
      if (error instanceof NotFoundForStore) continue;
      throw error;
    }
    if (outcome === "not_retryable") continue;
    result[outcome === "queued" ? "queued" : "resynced"] += 1;
    retriedOrders.add(push.orderId);
  }
  result.orders = retriedOrders.size;
  return result;
}
