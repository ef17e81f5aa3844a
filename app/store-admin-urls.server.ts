import type { StoreRow } from "../db/schema";

/** The store's BigCommerce control panel, at `path` (e.g. `/orders/12`). */
export function bigCommerceControlPanelUrl(storeHash: string, path = ""): string {
  return `https://store-${encodeURIComponent(storeHash)}.mybigcommerce.com/manage${path}`;
}

/**
 * Marketsync inside the store's control panel: opening it makes BigCommerce call our load
 * callback in its iframe, with the merchant's signed session.
 */
export function bigCommerceAppUrl(storeHash: string, appId: string): string {
  return bigCommerceControlPanelUrl(storeHash, `/app/${encodeURIComponent(appId)}`);
}

/**
 * Where the merchant opens the store order: the Shopify admin, or the BigCommerce control panel.
 * Shopify order ids are GIDs (`gid://shopify/Order/123`); BigCommerce's are the numeric order id.
 */
export function storeAdminOrderUrl(store: StoreRow, storeOrderId: string): string | null {
  const numeric = storeOrderId.split("/").pop() ?? "";
  if (!/^\d+$/.test(numeric)) return null;
  if (store.platform === "shopify") {
    const handle = store.externalId.replace(/\.myshopify\.com$/i, "");
    return `https://admin.shopify.com/store/${encodeURIComponent(handle)}/orders/${numeric}`;
  }
  return bigCommerceControlPanelUrl(store.externalId, `/orders/${numeric}`);
}
