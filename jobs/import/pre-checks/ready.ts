import { outcome, pass, reason, type CheckOutcome, type PreCheckContext } from "./types";

/**
 * The order must be paid and not pending. `pending` (unpaid eBay order, Amazon `Pending`) waits and
 * is re-checked whenever the marketplace order changes: an Amazon order can stay Pending for up to
 * 21 days, so the wait has no deadline of its own.
 *
 * `shipped` without the marketplace's fulfilment means it was shipped outside Marketsync before
 * being imported: skipped, so the store never ships it a second time. A marketplace-fulfilled
 * order is normally shipped; the `fulfilled-by-marketplace` check decides about those.
 * `cancelled` is the `cancellation` check's to decide.
 */
export function checkReady(ctx: Pick<PreCheckContext, "order">): CheckOutcome {
  const { status, fulfilledByMarketplace } = ctx.order;
  switch (status) {
    case "ready":
    case "partially_shipped":
    case "cancelled":
      return pass();
    case "pending":
      return outcome("wait", [reason("order.not_paid")]);
    case "shipped":
      return fulfilledByMarketplace ? pass() : outcome("skip", [reason("order.already_shipped")]);
  }
}
