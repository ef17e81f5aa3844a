import "@shopify/shopify-api/adapters/node";
import { abstractFetch, setAbstractFetchFunc } from "@shopify/shopify-api/runtime";

/**
 * Upstream override for @shopify/shopify-api.
 *
 * WHY this exists: the library has no base-URL option. The Admin GraphQL client builds
 * `https://{shop}/admin/api/{version}/graphql.json` itself and the token refresh posts to
 * `https://{shop}/admin/oauth/access_token`; every request goes through the runtime's
 * `abstractFetch`, which the GraphQL client captures when it is constructed and the OAuth helpers
 * read on every call. `setAbstractFetchFunc` is the library's documented seam to replace it, but it
 * is process-global. So we install ONE wrapper that only rewrites requests whose host is a shop
 * registered with an override (`SHOPIFY_ENDPOINT`), sending them to `{endpoint}{same path}` with an
 * `X-Shopify-Shop-Domain` header (the path alone no longer names the shop); every other request is
 * passed unchanged to the fetch that was installed before us.
 */

type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

const overrides = new Map<string, string>();
let previous: FetchLike | undefined;

const wrapper: FetchLike = (input, init) => {
  const target = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  let url: URL | undefined;
  try {
    url = new URL(target);
  } catch {
    url = undefined;
  }
  const endpoint = url ? overrides.get(url.host.toLowerCase()) : undefined;
  if (!url || !endpoint) return (previous ?? globalThis.fetch)(input, init);
  const rewritten = new URL(`${url.pathname}${url.search}`, endpoint);
  const headers = new Headers(init?.headers);
  headers.set("X-Shopify-Shop-Domain", url.host.toLowerCase());
  return globalThis.fetch(rewritten, { ...init, headers });
};

/**
 * Makes sure our wrapper is the library's current fetch (re-wrapping whatever replaced it, e.g. an
 * adapter imported later). Call before constructing a client and before each OAuth call.
 */
export function ensureFetchWrapper(): void {
  const current = abstractFetch as unknown as FetchLike;
  if (current === wrapper) return;
  previous = current;
  setAbstractFetchFunc(wrapper as never);
}

/** Routes this shop's Admin traffic (GraphQL and OAuth) to `endpoint` instead of `https://{shop}`. */
export function registerShopOverride(shop: string, endpoint: string): void {
  const origin = new URL(endpoint).origin;
  const key = shop.toLowerCase();
  const existing = overrides.get(key);
  if (existing && existing !== origin) {
    throw new Error(`shop ${shop} is already routed to ${existing}, not ${origin}`);
  }
  overrides.set(key, origin);
  ensureFetchWrapper();
}

export function unregisterShopOverride(shop: string): void {
  overrides.delete(shop.toLowerCase());
}
