import type {
  MarketplaceLineId,
  MarketplaceOrderLine,
  StoreVariant,
  VariantRef,
} from "../../connectors/types";

/**
 * Which store variant each marketplace order line is for. Pure: the pipeline loads the applicable
 * SKU mappings, asks the store for the SKUs `skusToLookUp` lists, then calls `resolveLineVariants`.
 *
 * Rule, per line: an explicit SKU mapping first (an account-specific one wins over a store-wide
 * one), else the marketplace SKU itself; either way the store SKU must match exactly one variant,
 * compared ignoring case and surrounding spaces. No variant → unmapped, several → ambiguous (unless
 * the mapping names the variant), no SKU on the line → missing_sku.
 */

/** A row of `sku_mappings` (db/schema/mappings.ts), or anything shaped like one. */
export interface SkuMapping {
  /** The marketplace account it applies to; null = every account of the store. */
  accountId: string | null;
  marketplaceSku: string;
  storeSku: string;
  /** The store variant the merchant picked, when known: it settles several variants sharing a SKU. */
  variantRef?: string | null | undefined;
}

export type LineResolution =
  | { lineId: MarketplaceLineId; status: "resolved"; sku: string; variant: StoreVariant }
  | {
      lineId: MarketplaceLineId;
      status: "unmapped";
      /** The marketplace SKU, as the merchant sees it on the marketplace. */
      sku: string;
      /** The store SKU a mapping pointed to, when the line went through one. */
      storeSku: string | undefined;
    }
  | {
      lineId: MarketplaceLineId;
      status: "ambiguous";
      sku: string;
      storeSku: string | undefined;
      candidates: StoreVariant[];
    }
  | { lineId: MarketplaceLineId; status: "missing_sku" };

export type LineSource = Pick<MarketplaceOrderLine, "lineId" | "sku">;

/** SKUs are compared ignoring case and surrounding spaces, everywhere. */
export function normalizeSku(sku: string): string {
  return sku.trim().toLowerCase();
}

function presentSku(sku: string | undefined): string | undefined {
  const trimmed = sku?.trim();
  return trimmed ? trimmed : undefined;
}

/** Normalized marketplace SKU → the mapping that applies (account-specific over store-wide). */
function indexMappings(mappings: readonly SkuMapping[]): Map<string, SkuMapping> {
  const index = new Map<string, SkuMapping>();
  for (const mapping of mappings) {
    const key = normalizeSku(mapping.marketplaceSku);
    if (!key || !mapping.storeSku.trim()) continue;
    const current = index.get(key);
    if (!current || (current.accountId === null && mapping.accountId !== null)) {
      index.set(key, mapping);
    }
  }
  return index;
}

/** The store SKU to look a line up by, and the mapping it came from, if any. */
function storeSkuFor(
  sku: string,
  mappingIndex: Map<string, SkuMapping>,
): { storeSku: string; mapping: SkuMapping | undefined } {
  const mapping = mappingIndex.get(normalizeSku(sku));
  return mapping ? { storeSku: mapping.storeSku.trim(), mapping } : { storeSku: sku, mapping };
}

/** The distinct store SKUs (trimmed, first spelling kept) to ask the store for. */
export function skusToLookUp(
  lines: readonly LineSource[],
  mappings: readonly SkuMapping[],
): string[] {
  const mappingIndex = indexMappings(mappings);
  const seen = new Map<string, string>();
  for (const line of lines) {
    const sku = presentSku(line.sku);
    if (!sku) continue;
    const { storeSku } = storeSkuFor(sku, mappingIndex);
    const key = normalizeSku(storeSku);
    if (!seen.has(key)) seen.set(key, storeSku);
  }
  return [...seen.values()];
}

/**
 * Normalized store SKU → distinct variants carrying it. Keys are re-normalized and each variant's
 * own SKU is checked, so a connector answering with near matches cannot resolve a line wrongly.
 */
function indexVariants(
  variantsBySku: ReadonlyMap<string, readonly StoreVariant[]>,
): Map<string, StoreVariant[]> {
  const index = new Map<string, StoreVariant[]>();
  for (const [lookedUp, variants] of variantsBySku) {
    const key = normalizeSku(lookedUp);
    const list = index.get(key) ?? [];
    for (const variant of variants) {
      if (normalizeSku(variant.sku) !== key) continue;
      if (!list.some((known) => known.ref === variant.ref)) list.push(variant);
    }
    index.set(key, list);
  }
  return index;
}

export function resolveLineVariants(input: {
  lines: readonly LineSource[];
  mappings: readonly SkuMapping[];
  variantsBySku: ReadonlyMap<string, readonly StoreVariant[]>;
}): LineResolution[] {
  const mappingIndex = indexMappings(input.mappings);
  const variantIndex = indexVariants(input.variantsBySku);

  return input.lines.map((line): LineResolution => {
    const { lineId } = line;
    const sku = presentSku(line.sku);
    if (!sku) return { lineId, status: "missing_sku" };

    const { storeSku, mapping } = storeSkuFor(sku, mappingIndex);
    const mappedTo = mapping ? storeSku : undefined;
    const candidates = variantIndex.get(normalizeSku(storeSku)) ?? [];

    const pinned = mapping?.variantRef?.trim();
    if (pinned) {
      // The merchant named the variant: it must still carry the mapped SKU, else the mapping is
      // stale and the line is held rather than sent to a variant nobody chose.
      const variant = candidates.find((candidate) => candidate.ref === (pinned as VariantRef));
      return variant
        ? { lineId, status: "resolved", sku, variant }
        : { lineId, status: "unmapped", sku, storeSku: mappedTo };
    }

    const [only, ...others] = candidates;
    if (!only) return { lineId, status: "unmapped", sku, storeSku: mappedTo };
    if (others.length > 0) {
      return { lineId, status: "ambiguous", sku, storeSku: mappedTo, candidates: [...candidates] };
    }
    return { lineId, status: "resolved", sku, variant: only };
  });
}
