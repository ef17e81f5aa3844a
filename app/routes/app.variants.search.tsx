import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { requireAdmin } from "../auth.server";
import { searchVariantsBySku, type VariantMatch } from "../variant-search.server";

export type VariantSearchResult =
  { sku: string; variants: VariantMatch[] } | { sku: string; error: "unavailable" };

/**
 * Resource route behind the SKU mapping form: the store's variants with exactly this SKU. On
 * Shopify, embedded, the page uses App Bridge's resource picker instead; this serves BigCommerce
 * and the standalone admin.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { services, store } = await requireAdmin(request);
  const sku = (new URL(request.url).searchParams.get("sku") ?? "").trim().slice(0, 255);
  if (!sku) return json<VariantSearchResult>({ sku, variants: [] });
  try {
    return json<VariantSearchResult>({
      sku,
      variants: await searchVariantsBySku(services, store, sku),
    });
  } catch (error) {
    services.logger.warn(
      { storeId: store.id, err: error instanceof Error ? error.name : "unknown" },
      "variant search failed",
    );
    return json<VariantSearchResult>({ sku, error: "unavailable" }, { status: 502 });
  }
}
