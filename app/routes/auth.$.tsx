import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { boundary } from "@shopify/shopify-app-remix/server";
import { localeFromRequest } from "../i18n/locales";
import { translator } from "../i18n/messages";
import { requireShopify } from "../shopify.server";

/** OAuth begin/callback and session-token bounce pages, all handled by the Shopify library. */
export async function loader({ request }: LoaderFunctionArgs) {
  // With managed installs there is no login form: the library refuses to authenticate its own
  // login path (a 500). A merchant who lands here is told where to open the app instead.
  if (new URL(request.url).pathname === "/auth/login") {
    throw new Response(translator(localeFromRequest(request))("install.openFromShopify"), {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  await requireShopify().authenticate.admin(request);
  return null;
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
