import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { boundary } from "@shopify/shopify-app-remix/server";
import { requireShopify } from "../shopify.server";

/** OAuth begin/callback and session-token bounce pages, all handled by the Shopify library. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireShopify().authenticate.admin(request);
  return null;
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
