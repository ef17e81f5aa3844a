import { outcome, pass, reason, type CheckOutcome, type PreCheckContext } from "./types";

export interface FulfilledByMarketplaceOutcome extends CheckOutcome {
  /** Create the store order as already fulfilled: the marketplace ships it, the store must not. */
  alreadyFulfilled: boolean;
}

/**
 * Orders the marketplace ships itself (Amazon FBA/AFN, eBay-managed shipping) are skipped by
 * default; with `marketplaceFulfilled: "import_as_fulfilled"` they are created for the merchant's
 * books, already fulfilled.
 */
export function checkFulfilledByMarketplace(
  ctx: Pick<PreCheckContext, "order" | "settings">,
): FulfilledByMarketplaceOutcome {
  if (!ctx.order.fulfilledByMarketplace) return { ...pass(), alreadyFulfilled: false };
  if (ctx.settings.marketplaceFulfilled === "import_as_fulfilled") {
    return { ...pass(), alreadyFulfilled: true };
  }
  return {
    ...outcome("skip", [reason("order.marketplace_fulfilled")]),
    alreadyFulfilled: false,
  };
}

/** True when the order will be created as already fulfilled (no store stock is used). */
export function importsAsFulfilled(ctx: Pick<PreCheckContext, "order" | "settings">): boolean {
  return checkFulfilledByMarketplace(ctx).alreadyFulfilled;
}
