import type { Api } from "@shopify/ui-extensions/admin.order-details.block.render";

/**
 * The admin installs the target's API as the `shopify` global before it runs the extension. Read
 * through this function rather than declared globally, so that the app's own type-check (which
 * also sees this folder) gets no `shopify` global.
 */
export function shopifyApi(): Api {
  return (globalThis as unknown as { shopify: Api }).shopify;
}
