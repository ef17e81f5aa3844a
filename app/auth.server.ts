import { and, eq } from "drizzle-orm";
import { type StoreRow, stores } from "../db/schema";
import { adminLocaleOf, rememberAdminLocale } from "../db/admin-locales";
import { findStore } from "../db/stores";
import { isSameOriginMutation, readBigCommerceSession } from "./bigcommerce-session.server";
import { ensureDemoStore } from "./demo.server";
import { localeFromRequest, type Locale, matchLocale } from "./i18n/locales";
import { translator } from "./i18n/messages";
import { getServices, type Services } from "./services.server";
import { recordShopifyInstall, requireShopify } from "./shopify.server";

/** Who is asking: every admin loader and action is scoped to this store and nothing else. */
export interface AdminContext {
  services: Services;
  store: StoreRow;
  locale: Locale;
  /** True when the page is shown inside the Shopify admin (App Bridge loaded). */
  embedded: boolean;
}

/**
 * Authenticates an admin request. In demo mode the demo store is the tenant; a BigCommerce
 * control-panel session cookie (opened by `load`) names its store; otherwise the Shopify session
 * token (or OAuth redirect) decides, through @shopify/shopify-app-remix.
 */
export async function requireAdmin(request: Request): Promise<AdminContext> {
  const services = getServices();
  const locale = localeFromRequest(request);
  if (services.config.demo) {
    return { services, store: await ensureDemoStore(services), locale, embedded: false };
  }
  // A bearer token is the Shopify admin speaking, whatever cookie the browser also holds.
  if (!request.headers.has("authorization")) {
    const bigCommerce = await bigCommerceContext(services, request, locale);
    if (bigCommerce) return bigCommerce;
  }
  const { session, sessionToken } = await requireShopify().authenticate.admin(request);
  // A valid session without a store row: a first load whose other loader's afterAuth has not
  // committed yet (recording the install again is idempotent).
  const store =
    (await findStore(services.db, "shopify", session.shop)) ??
    (await recordShopifyInstall(session));
  if (!store || store.uninstalledAt) {
    // Uninstalled since (the app/uninstalled webhook ran): the merchant must install again.
    throw new Response("This store has not installed Marketsync", { status: 403 });
  }
  const userId = typeof sessionToken?.sub === "string" ? sessionToken.sub : undefined;
  return {
    services,
    store,
    locale: userId ? await shopifyAdminLocale(services, request, store.id, userId) : locale,
    embedded: true,
  };
}

/**
 * Shopify names the admin's language (`?locale=`) when it loads the app, not on the app's own
 * navigations: what it said last is remembered for that staff member, and wins over the
 * browser's languages, which may differ from the admin's.
 */
async function shopifyAdminLocale(
  services: Services,
  request: Request,
  storeId: string,
  userId: string,
): Promise<Locale> {
  // Every admin request pays one statement here: a conditional upsert, or a primary-key read.
  const given = matchLocale(new URL(request.url).searchParams.get("locale"));
  if (given) {
    await rememberAdminLocale(services.db, { storeId, userId, locale: given });
    return given;
  }
  return (
    matchLocale(await adminLocaleOf(services.db, storeId, userId)) ?? localeFromRequest(request)
  );
}

async function bigCommerceContext(
  services: Services,
  request: Request,
  requestLocale: Locale,
): Promise<AdminContext | undefined> {
  const lookup = readBigCommerceSession(services.keyring, request);
  if (lookup.kind === "none") return undefined;
  if (lookup.kind === "invalid") {
    throw new Response(translator(requestLocale)("install.sessionExpired"), { status: 401 });
  }
  const locale = lookup.session.locale ?? requestLocale;
  const t = translator(locale);
  if (!isSameOriginMutation(request, services.publicUrl)) {
    throw new Response(t("install.crossSiteRefused"), { status: 403 });
  }
  const [store] = await services.db
    .select()
    .from(stores)
    .where(and(eq(stores.id, lookup.session.storeId), eq(stores.platform, "bigcommerce")))
    .limit(1);
  if (!store || store.uninstalledAt) {
    throw new Response(t("install.notInstalled"), { status: 403 });
  }
  return { services, store, locale, embedded: false };
}
