import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireAdmin } from "../auth.server";
import { ordersCsvResponse, ordersExportFilter } from "../orders-csv.server";

/**
 * The filtered orders (the list's own URL parameters, cursors ignored) as a streamed CSV download,
 * for a request carrying the admin's credentials. The orders page downloads through a signed link
 * instead (`app.orders.export-link.tsx`), which the browser can follow without them.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { services, store, locale } = await requireAdmin(request);
  const filter = await ordersExportFilter(services, store.id, new URL(request.url).searchParams);
  return await ordersCsvResponse(services, {
    storeId: store.id,
    filter,
    locale,
    signal: request.signal,
  });
}
