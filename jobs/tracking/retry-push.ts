import { and, eq } from "drizzle-orm";
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
