import type { ReasonCode } from "../../../db/schema/orders";
import type { MarketplaceLineId, StoreVariant } from "../../../connectors/types";
import { normalizeSku, type LineResolution } from "../sku-resolution";
import { outcome, pass, reason, type CheckOutcome, type PreCheckContext } from "./types";

export interface ResolvedLine {
  lineId: MarketplaceLineId;
  variant: StoreVariant;
}

export interface SkuOutcome extends CheckOutcome {
  /** Every line with its variant, when all of them resolved to exactly one. */
  resolvedLines?: ResolvedLine[];
}

/** The resolution of each of the order's lines, in line order; a line without one is a bug. */
export function resolutionsByLine(
  ctx: Pick<PreCheckContext, "order" | "lineResolutions">,
): { title: string; quantity: number; resolution: LineResolution }[] {
  const byId = new Map(ctx.lineResolutions.map((r) => [r.lineId, r]));
  return ctx.order.lines.map((line) => {
    const resolution = byId.get(line.lineId);
    if (!resolution) {
      throw new Error(`no SKU resolution for line ${line.lineId} of order ${ctx.order.id}`);
    }
    return { title: line.title, quantity: line.quantity, resolution };
  });
}

/**
 * Every line must resolve to exactly one store variant. Otherwise the order is held with one
 * reason per SKU (several lines sharing an unmapped SKU make one reason) and one per line
 * without a SKU. A line with nothing to create (quantity 0) needs no variant and is left out.
 */
export function checkSku(ctx: Pick<PreCheckContext, "order" | "lineResolutions">): SkuOutcome {
  const reasons: ReasonCode[] = [];
  const reported = new Set<string>();
  const resolvedLines: ResolvedLine[] = [];

  for (const { title, quantity, resolution } of resolutionsByLine(ctx)) {
    if (quantity <= 0) continue;
    switch (resolution.status) {
      case "resolved":
        resolvedLines.push({ lineId: resolution.lineId, variant: resolution.variant });
        break;
      case "missing_sku":
        reasons.push(reason("sku.missing", { lineTitle: title }));
        break;
      case "unmapped":
      case "ambiguous": {
        const key = normalizeSku(resolution.sku);
        if (reported.has(key)) break;
        reported.add(key);
        reasons.push(
          resolution.status === "unmapped"
            ? // Through a mapping, the store SKU is the one to fix: saying "not mapped" would
              // contradict the mapping the merchant sees on the order.
              resolution.storeSku !== undefined
              ? reason("sku.mapped_variant_missing", {
                  sku: resolution.sku,
                  storeSku: resolution.storeSku,
                })
              : reason("sku.unmapped", { sku: resolution.sku })
            : reason("sku.ambiguous", {
                sku: resolution.sku,
                count: resolution.candidates.length,
              }),
        );
        break;
      }
    }
  }

  return reasons.length > 0 ? outcome("hold", reasons) : { ...pass(), resolvedLines };
}
