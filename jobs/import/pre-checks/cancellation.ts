import { outcome, pass, reason, type CheckOutcome, type PreCheckContext } from "./types";

/**
 * A cancelled order is skipped. A pending buyer cancellation request holds the order: the merchant
 * accepts or declines it on the marketplace first, then the order is checked again.
 */
export function checkCancellation(ctx: Pick<PreCheckContext, "order">): CheckOutcome {
  if (ctx.order.status === "cancelled") return outcome("skip", [reason("order.cancelled")]);
  if (ctx.order.buyerCancellationRequested) {
    return outcome("hold", [reason("order.cancellation_requested")]);
  }
  return pass();
}
