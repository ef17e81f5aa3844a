import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireAdmin } from "../auth.server";
import { exportSkuMappingsCsv } from "../sku-mappings.server";

/** The store's SKU mappings as a CSV download (the importer reads this file back unchanged). */
export async function loader({ request }: LoaderFunctionArgs) {
  const { services, store } = await requireAdmin(request);
  const csv = await exportSkuMappingsCsv(services.db, store.id);
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": 'attachment; filename="sku-mappings.csv"',
      "cache-control": "no-store",
    },
  });
}
