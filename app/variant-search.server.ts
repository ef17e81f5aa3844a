import type { StoreVariant } from "../connectors/types";
import type { StoreRow } from "../db/schema";
import { storeConnectorFor } from "../jobs/import/connectors";
import type { Services } from "./services.server";

export interface VariantMatch {
  ref: string;
  sku: string;
  title: string;
  inventoryQuantity: number | null;
}

/** Enough to pick from; a merchant with more candidates types more of the name. */
export const VARIANT_SEARCH_LIMIT = 20;

/**
 * The store's variants for a product name or SKU, read live through its connector and
 * rate-limited queue: exact SKU matches (ignoring case and spaces, as the pre-check compares)
 * first, because that is what a merchant typing a SKU wants, then the store's own search by name
 * or SKU, without repeats, at most `VARIANT_SEARCH_LIMIT`.
 */
export async function searchStoreVariants(
  services: Services,
  store: StoreRow,
  term: string,
): Promise<VariantMatch[]> {
  const connector = storeConnectorFor(services, store);
  const [bySku, byName] = await Promise.all([
    connector.findVariantsBySku([term]),
    connector.searchVariants(term, VARIANT_SEARCH_LIMIT),
  ]);
  const variants: StoreVariant[] = [...[...bySku.values()].flat(), ...byName];
  const seen = new Set<string>();
  return variants
    .filter((v) => !seen.has(v.ref) && seen.add(v.ref))
    .slice(0, VARIANT_SEARCH_LIMIT)
    .map((v) => ({
      ref: v.ref,
      sku: v.sku,
      title: v.title,
      inventoryQuantity: v.inventoryQuantity ?? null,
    }));
}
