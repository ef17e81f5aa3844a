import { outcome, pass, reason, type CheckOutcome, type PreCheckContext } from "./types";

/**
 * Orders created before the account's `importFrom` instant are skipped; an order created exactly
 * at that instant is imported. The reason carries the instant (ISO 8601, UTC) for the admin to
 * render in the merchant's language.
 */
export function checkImportFrom(ctx: Pick<PreCheckContext, "order" | "settings">): CheckOutcome {
  const { importFrom } = ctx.settings;
  if (importFrom === undefined) return pass();
  const from = new Date(importFrom);
  if (Number.isNaN(from.getTime())) {
    // The settings schema validates it on every read: reaching this is a bug, not a merchant issue.
    throw new Error(`importFrom is not a date-time: ${importFrom}`);
  }
  return ctx.order.createdAt.getTime() < from.getTime()
    ? outcome("skip", [reason("order.before_import_from", { importFrom: from.toISOString() })])
    : pass();
}
