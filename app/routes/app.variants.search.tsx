import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { requireAdmin } from "../auth.server";
import { searchStoreVariants, type VariantMatch } from "../variant-search.server";

export type VariantSearchResult =
  { q: string; variants: VariantMatch[] } | { q: string; error: "unavailable" };

/**
 * Resource route behind the SKU mapping form: the store's variants for a product name or SKU
 * (`q`; `sku` is still read so links and bookmarks made before the name search keep working). On
 * Shopify, embedded, the page uses App Bridge's resource picker instead; this serves BigCommerce
 * and the standalone admin.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { services, store } = await requireAdmin(request);
  const params = new URL(request.url).searchParams;
  const q = (params.get("q") ?? params.get("sku") ?? "").trim().slice(0, 255);
  if (!q) return json<VariantSearchResult>({ q, variants: [] });
  try {
    return json<VariantSearchResult>({
      q,
      variants: await searchStoreVariants(services, store, q),
    });
  } catch (error) {
    services.logger.warn(
      { storeId: store.id, err: error instanceof Error ? error.name : "unknown" },
      "variant search failed",
    );
    return json<VariantSearchResult>({ q, error: "unavailable" }, { status: 502 });
  }
}
