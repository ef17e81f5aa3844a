import type { ReasonCode } from "../../../db/schema/orders";
import type { StoreVariant, VariantRef } from "../../../connectors/types";
import { importsAsFulfilled } from "./fulfilled-by-marketplace";
import { resolutionsByLine } from "./sku";
import { outcome, pass, reason, type CheckOutcome, type PreCheckContext } from "./types";

/**
 * `stockPolicy`: `block` holds the order when a tracked variant has less stock than the order's
 * lines for it need together; `allow` creates it anyway; `ignore` does not look. Untracked
 * variants (stock undefined) always pass, and so do orders imported as already fulfilled by the
 * marketplace (the store's stock does not ship them). Only lines that resolved to a variant are
 * counted: the `sku` check reports the others.
 */
export function checkStock(
  ctx: Pick<PreCheckContext, "order" | "settings" | "lineResolutions" | "variantStock">,
): CheckOutcome {
  if (ctx.settings.stockPolicy !== "block" || importsAsFulfilled(ctx)) return pass();

  const needs = new Map<VariantRef, { variant: StoreVariant; needed: number }>();
  for (const { quantity, resolution } of resolutionsByLine(ctx)) {
    if (resolution.status !== "resolved" || quantity <= 0) continue;
    const { variant } = resolution;
    const entry = needs.get(variant.ref) ?? { variant, needed: 0 };
    entry.needed += quantity;
    needs.set(variant.ref, entry);
  }

  const reasons: ReasonCode[] = [];
  for (const { variant, needed } of needs.values()) {
    const available =
      ctx.variantStock?.has(variant.ref) === true
        ? ctx.variantStock.get(variant.ref)
        : variant.inventoryQuantity;
    if (available === undefined || available >= needed) continue;
    reasons.push(reason("stock.short", { sku: variant.sku, needed, available }));
  }
  return reasons.length > 0 ? outcome("hold", reasons) : pass();
}
