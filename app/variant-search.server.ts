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

/**
 * The store's variants whose SKU is exactly `sku` (ignoring case and spaces, as the pre-check
 * compares), read live from the store through its connector and rate-limited queue.
 */
export async function searchVariantsBySku(
  services: Services,
  store: StoreRow,
  sku: string,
): Promise<VariantMatch[]> {
  const connector = storeConnectorFor(services, store);
  const found = await connector.findVariantsBySku([sku]);
  const variants: StoreVariant[] = [...found.values()].flat();
  const seen = new Set<string>();
  return variants
    .filter((v) => !seen.has(v.ref) && seen.add(v.ref))
    .map((v) => ({
      ref: v.ref,
      sku: v.sku,
      title: v.title,
      inventoryQuantity: v.inventoryQuantity ?? null,
    }));
}
