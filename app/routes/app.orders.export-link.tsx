import { type ActionFunctionArgs, json } from "@remix-run/node";
import { requireAdmin } from "../auth.server";
import { signExportLink } from "../export-link.server";
import { ordersExportFilter } from "../orders-csv.server";

/**
 * Mints the orders page's download link: the same filter as `/app/orders/export` (its URL
 * parameters), checked now so a filter naming another store's account is a 404 here rather than a
 * link that fails later. The answer is a URL the browser downloads by itself (see
 * `exports.orders[.]csv.tsx`); it carries a bearer credential, so it is returned, never logged.
 */
export async function action({ request }: ActionFunctionArgs) {
  const { services, store, locale } = await requireAdmin(request);
  const params = new URL(request.url).searchParams;
  // Cursors page the list, not the export; the language travels in the token itself.
  for (const key of ["after", "before", "locale", "_data", "index"]) params.delete(key);
  await ordersExportFilter(services, store.id, params);
  const token = signExportLink(services.keyring, {
    storeId: store.id,
    query: params.toString(),
    locale,
  });
  return json(
    { url: `/exports/orders.csv?t=${encodeURIComponent(token)}` },
    { headers: { "Cache-Control": "no-store" } },
  );
}
