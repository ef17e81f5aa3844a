import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { and, eq, isNull } from "drizzle-orm";
import { holdPendingConnection } from "../../db/pending-connections";
import { stores } from "../../db/schema";
import { localeFromRequest } from "../i18n/locales";
import { translator } from "../i18n/messages";
import { verifyOAuthState } from "../oauth-state.server";
import { getServices } from "../services.server";
import { bigCommerceAppUrl, bigCommerceControlPanelUrl } from "../store-admin-urls.server";

/**
 * Where eBay (the RuName's "auth accepted" and "declined" URLs) and Seller Central (the app's OAuth
 * redirect URI) send the seller back: `/connect/ebay/callback`, `/connect/amazon/callback`.
 *
 * This is a top-level page outside the store admin, so nobody is authenticated here: it only checks
 * that the state is ours and fresh, then hands the whole query to the connect page inside the
 * store's admin, which authenticates the merchant and refuses a state issued to another store
 * before exchanging the code (for BigCommerce, at the store's next app load). A bad state is a
 * 400 page and writes nothing.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const platform = params.platform;
  if (platform !== "ebay" && platform !== "amazon") throw new Response(null, { status: 404 });
  const services = getServices();
  const url = new URL(request.url);
  const verified = verifyOAuthState(services.keyring, url.searchParams.get("state"), {
    platform,
  });
  if (!verified.ok) {
    return refusal(request, verified.problem === "expired" ? "state_expired" : "state_invalid");
  }
  const [store] = await services.db
    .select({ platform: stores.platform, externalId: stores.externalId })
    .from(stores)
    .where(and(eq(stores.id, verified.state.storeId), isNull(stores.uninstalledAt)));
  if (!store) return refusal(request, "state_invalid");

  const path = `/app/accounts/connect/${platform}${url.search}`;
  const shopify = services.config.shopify;
  // Inside Shopify's admin the app is embedded: Shopify loads `path` in its frame with a session
  // token. Elsewhere (demo) the path is served here directly.
  if (store.platform === "shopify" && shopify && !services.config.demo) {
    return redirect(`https://${store.externalId}/admin/apps/${shopify.apiKey}${path}`);
  }
  // BigCommerce's session lives in a partitioned cookie of its control-panel iframe, which this
  // top-level page never sees, and its control panel has no link that carries our query back in.
  // So the answer waits, encrypted, for the next load of the app in that store, which finishes the
  // connection under the merchant's session (bigcommerce.load). With the app's id we send the
  // merchant straight to that load; without it, a page tells them to open the app themselves.
  if (store.platform === "bigcommerce" && !services.config.demo) {
    await holdPendingConnection(services.db, services.keyring, {
      storeId: verified.state.storeId,
      platform,
      search: url.search,
      expiresAt: verified.state.expiresAt,
    });
    const appId = services.config.apps.bigcommerce?.appId;
    if (appId) return redirect(bigCommerceAppUrl(store.externalId, appId), 303);
    return returnToBigCommerce(request, store.externalId, platform);
  }
  return redirect(path);
}

function returnToBigCommerce(request: Request, storeHash: string, platform: "ebay" | "amazon") {
  const locale = localeFromRequest(request);
  const t = translator(locale);
  const name = platform === "ebay" ? "eBay" : "Amazon";
  const title = escapeHtml(t("connect.returnTitle", { platform: name }));
  const body = escapeHtml(t("connect.returnBody", { platform: name }));
  const link = escapeHtml(t("connect.returnLink"));
  const controlPanel = bigCommerceControlPanelUrl(storeHash);
  return page(
    locale,
    200,
    title,
    `<p data-pending="${platform}">${body}</p><p><a href="${controlPanel}">${link}</a></p>`,
  );
}

function refusal(request: Request, problem: "state_invalid" | "state_expired"): Response {
  const locale = localeFromRequest(request);
  const t = translator(locale);
  const title = escapeHtml(t("connect.failedTitle"));
  const body = escapeHtml(t(`connect.problem.${problem}`));
  return page(locale, 400, title, `<p data-problem="${problem}">${body}</p>`);
}

/** A small page of its own: this route is outside the admin, with no Polaris or App Bridge. */
function page(locale: string, status: number, title: string, bodyHtml: string): Response {
  return new Response(
    `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title></head>` +
      `<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem">` +
      `<h1 style="font-size:1.25rem">${title}</h1>${bodyHtml}</body></html>`,
    {
      status,
      headers: {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
        "referrer-policy": "no-referrer",
      },
    },
  );
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}
