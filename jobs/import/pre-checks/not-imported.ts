import type { StoreOrderRef } from "../../../connectors/types";
import { outcome, pass, reason, type CheckOutcome, type PreCheckContext } from "./types";

export interface NotImportedOutcome extends CheckOutcome {
  /** The order exists in the store without a link: record the link to this store order. */
  adopt?: StoreOrderRef;
}

/**
 * The order must not exist in the store yet. Already linked → skip. Found in the store by its
 * marketplace reference (created before a crash, or by hand) → skip, and ask the pipeline to
 * record the link so tracking and cancellations follow that store order.
 */
export function checkNotImported(
  ctx: Pick<PreCheckContext, "alreadyLinked" | "foundStoreOrder">,
): NotImportedOutcome {
  if (ctx.alreadyLinked) return outcome("skip", [reason("order.already_imported")]);
  const found = ctx.foundStoreOrder;
  if (found) {
    return {
      ...outcome("skip", [reason("order.found_in_store", { storeOrderName: found.name })]),
      adopt: found,
    };
  }
  return pass();
}
