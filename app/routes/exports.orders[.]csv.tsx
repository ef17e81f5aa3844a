import type { LoaderFunctionArgs } from "@remix-run/node";
import { eq } from "drizzle-orm";
import { stores } from "../../db/schema";
import { verifyExportLink } from "../export-link.server";
import { localeFromRequest, type Locale } from "../i18n/locales";
import { type MessageKey, translator } from "../i18n/messages";
import { ordersCsvResponse, ordersExportFilter } from "../orders-csv.server";
import { getServices } from "../services.server";

/**
 * The orders CSV behind a signed download link (minted by `app.orders.export-link.tsx`). Outside
 * /app because the browser follows it as a plain download, without the admin's session token: the
 * link's signature is the credential, and it names the store, the filter and the language.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const services = getServices();
  const verified = verifyExportLink(services.keyring, new URL(request.url).searchParams.get("t"));
  if (!verified.ok) {
    if (verified.problem === "expired") {
      return text(410, verified.locale ?? localeFromRequest(request), "orders.exportLinkExpired");
    }
    return text(401, localeFromRequest(request), "orders.exportLinkInvalid");
  }
  const { link } = verified;
  const [store] = await services.db
    .select({ id: stores.id, uninstalledAt: stores.uninstalledAt })
    .from(stores)
    .where(eq(stores.id, link.storeId))
    .limit(1);
  // Uninstalled within the link's minute (or deleted since): its orders are no longer served.
  if (!store || store.uninstalledAt) return text(403, link.locale, "orders.exportNotInstalled");
  const filter = await ordersExportFilter(services, store.id, new URLSearchParams(link.query));
  return await ordersCsvResponse(services, {
    storeId: store.id,
    filter,
    locale: link.locale,
    signal: request.signal,
  });
}

function text(status: number, locale: Locale, key: MessageKey): Response {
  return new Response(translator(locale)(key), {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}
