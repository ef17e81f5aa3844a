import type { StoreRow } from "../db/schema";
import { findStore } from "../db/stores";
import { ensureDemoStore } from "./demo.server";
import { localeFromRequest, type Locale } from "./i18n/locales";
import { getServices, type Services } from "./services.server";
import { requireShopify } from "./shopify.server";

/** Who is asking: every admin loader and action is scoped to this store and nothing else. */
export interface AdminContext {
  services: Services;
  store: StoreRow;
  locale: Locale;
  /** True when the page is shown inside the Shopify admin (App Bridge loaded). */
  embedded: boolean;
}

/**
 * Authenticates an admin request. In demo mode the demo store is the tenant; otherwise the Shopify
 * session token (or OAuth redirect) decides, through @shopify/shopify-app-remix.
 */
export async function requireAdmin(request: Request): Promise<AdminContext> {
  const services = getServices();
  const locale = localeFromRequest(request);
  if (services.config.demo) {
    return { services, store: await ensureDemoStore(services), locale, embedded: false };
  }
  const { session } = await requireShopify().authenticate.admin(request);
  const store = await findStore(services.db, "shopify", session.shop);
  if (!store || store.uninstalledAt) {
    // afterAuth records the store; reaching here means it was uninstalled since.
    throw new Response("This store has not installed Marketsync", { status: 403 });
  }
  return { services, store, locale, embedded: true };
}
