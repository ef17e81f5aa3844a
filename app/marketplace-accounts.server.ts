/**
 * The server side of the accounts pages, in one `.server` module so that Remix keeps these use
 * cases (and the vendor libraries and job queue behind them) out of the browser bundle.
 */
export { amazonConsentUrl } from "../jobs/accounts/amazon-consent";
export { completeConnection } from "../jobs/accounts/complete-connection";
export { AccountNotFound, disconnectAccount } from "../jobs/accounts/disconnect-account";
export { ebayConsentUrl } from "../jobs/accounts/ebay-consent";
export { ConnectFailed } from "../jobs/accounts/grant";
export { listStoreAccounts } from "../jobs/accounts/list-accounts";

/**
 * An admin path that keeps the embedded admin's own parameters (shop, host, embedded, locale), so
 * the page it leads to authenticates inside Shopify's frame again; anything else is dropped.
 */
export function embeddedAdminPath(from: URL, path: string, params: Record<string, string>): string {
  const next = new URLSearchParams();
  for (const key of ["shop", "host", "embedded", "locale"]) {
    const value = from.searchParams.get(key);
    if (value !== null) next.set(key, value);
  }
  for (const [key, value] of Object.entries(params)) next.set(key, value);
  return `${path}?${next.toString()}`;
}
