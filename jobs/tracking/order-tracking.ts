import { eq, sql } from "drizzle-orm";
import type { Tx } from "../../db/orders";
import {
  marketplaceOrderLines,
  marketplaceOrders,
  type MarketplaceOrderRow,
  trackingPushes,
} from "../../db/schema";

type TrackingState = MarketplaceOrderRow["trackingState"];

/**
 * The order's tracking state for the admin's filters, from its pushes: `failed` when one needs the
 * merchant (failed or held), `confirmed` when every line's quantity is confirmed on the
 * marketplace, `sent` when something reached it, `pending` otherwise. When every line is confirmed
 * the order counts as shipped, which starts the 30-day PII clock.
 */
export async function refreshOrderTracking(
  tx: Tx,
  orderId: string,
  now: Date = new Date(),
): Promise<TrackingState> {
  const [pushes, lines] = await Promise.all([
    tx
      .select({
        state: trackingPushes.state,
        kind: trackingPushes.kind,
        lines: trackingPushes.lines,
      })
      .from(trackingPushes)
      .where(eq(trackingPushes.orderId, orderId)),
    tx
      .select({ lineId: marketplaceOrderLines.lineId, quantity: marketplaceOrderLines.quantity })
      .from(marketplaceOrderLines)
      .where(eq(marketplaceOrderLines.orderId, orderId)),
  ]);
  const state = trackingStateOf(pushes, lines);
  await tx
    .update(marketplaceOrders)
    .set({
      trackingState: state,
      updatedAt: now,
      // The first time every line is confirmed: the 30-day PII clock starts once.
      ...(state === "confirmed"
        ? {
            shippedAt: sql`coalesce(${marketplaceOrders.shippedAt}, ${now.toISOString()}::timestamptz)`,
          }
        : {}),
    })
    .where(eq(marketplaceOrders.id, orderId));
  return state;
}

export function trackingStateOf(
  pushes: { state: string; kind: string; lines: { lineId: string; quantity: number }[] }[],
  lines: { lineId: string; quantity: number }[],
): TrackingState {
  if (pushes.length === 0) return "none";
  if (pushes.some((p) => p.state === "failed" || p.state === "held")) return "failed";
  const confirmed = new Map<string, number>();
  for (const push of pushes) {
    // A changed tracking number re-announces lines already counted by the first push.
    if (push.state !== "confirmed" || push.kind !== "create") continue;
    for (const l of push.lines)
      confirmed.set(l.lineId, (confirmed.get(l.lineId) ?? 0) + l.quantity);
  }
  const allConfirmed =
    lines.length > 0 &&
    pushes.every((p) => p.state === "confirmed") &&
    lines.every((l) => (confirmed.get(l.lineId) ?? 0) >= l.quantity);
  if (allConfirmed) return "confirmed";
  if (pushes.some((p) => p.state === "sent" || p.state === "confirmed")) return "sent";
  return "pending";
}
