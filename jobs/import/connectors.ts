import type { ConnectorLogger } from "../../connectors/types";
import { createAmazonConnector } from "../../connectors/amazon/client";
import { createBigCommerceConnector } from "../../connectors/bigcommerce/client";
import { createEbayConnector } from "../../connectors/ebay/client";
import type { RateLimitRegistry } from "../../connectors/rate-limit/registry";
import { createShopifyConnector } from "../../connectors/shopify/client";
import type { MarketplaceConnector, StoreConnector } from "../../connectors/types";
import { decryptCredentials, saveRefreshedTokens } from "../../db/accounts";
import type { Database } from "../../db/client";
import type { KeyRing } from "../../db/encryption";
import type { MarketplaceAccountRow, StoreRow } from "../../db/schema";
import { saveShopifyTokens } from "../../db/shopify-tokens";
import {
  BIGCOMMERCE_SECRET_HEADER,
  decryptStoreRefresh,
  decryptStoreToken,
  decryptWebhookSecret,
} from "../../db/stores";

/** The app-level credentials each platform issues to Marketsync itself. */
export interface PlatformApps {
  amazon?: { clientId: string; clientSecret: string } | undefined;
  ebay?: { appId: string; certId: string } | undefined;
  shopify?: { apiKey: string; apiSecret: string } | undefined;
  /** Signs the standard-webhooks signature of BigCommerce hooks and the install JWTs. */
  bigcommerce?: { clientId: string; clientSecret: string } | undefined;
}

export type { ConnectorLogger } from "../../connectors/types";

export interface ConnectorDeps {
  db: Database;
  keyring: KeyRing;
  queues: RateLimitRegistry;
  /** Upstream overrides (simulators, sandboxes); undefined = the real APIs. */
  endpoints: {
    amazon?: string | undefined;
    ebay?: string | undefined;
    shopify?: string | undefined;
    bigcommerce?: string | undefined;
  };
  apps: PlatformApps;
  logger: ConnectorLogger;
}

/**
 * Connectors are cached per account/store and grant: building one sets up its client library
 * (Shopify's alone is several milliseconds and a lot of garbage), and a job runs per order. A new
 * grant (refresh, reinstall) is a new key, so a stale connector is never reused.
 */
const CACHE_LIMIT = 500;
/** One cache per set of dependencies (keyed by its rate-limit registry, which connectors share). */
const caches = new WeakMap<RateLimitRegistry, Map<string, MarketplaceConnector | StoreConnector>>();

function cached<T extends MarketplaceConnector | StoreConnector>(
  deps: ConnectorDeps,
  key: string,
  build: () => T,
): T {
  let cache = caches.get(deps.queues);
  if (!cache) {
    cache = new Map();
    caches.set(deps.queues, cache);
  }
  const hit = cache.get(key) as T | undefined;
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const built = build();
  cache.set(key, built);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  return built;
}

export class MissingAppCredentials extends Error {
  override name = "MissingAppCredentials";
}

/** The connector of a marketplace account, with refreshed tokens persisted (encrypted). */
export function marketplaceConnectorFor(
  deps: ConnectorDeps,
  account: MarketplaceAccountRow,
): MarketplaceConnector {
  return cached(deps, `${account.id}:${account.credentialsEnc}:${endpointKey(deps)}`, () =>
    buildMarketplaceConnector(deps, account),
  );
}

function buildMarketplaceConnector(
  deps: ConnectorDeps,
  account: MarketplaceAccountRow,
): MarketplaceConnector {
  const credentials = decryptCredentials(deps.keyring, account);
  const tokens = {
    refreshToken: credentials.refreshToken,
    accessToken: credentials.accessToken,
    expiresAt: credentials.expiresAt ? new Date(credentials.expiresAt) : undefined,
  };
  const onTokenRefresh = (next: Parameters<typeof saveRefreshedTokens>[2]) =>
    saveRefreshedTokens(deps, account, next);
  const common = { queues: deps.queues, accountKey: account.id, logger: deps.logger };
  if (account.platform === "amazon") {
    if (!deps.apps.amazon) throw new MissingAppCredentials("AMAZON_LWA_CLIENT_ID / _SECRET");
    return createAmazonConnector({
      ...common,
      region: account.region as "na" | "eu" | "fe",
      marketplaceIds: account.marketplaceIds,
      clientId: deps.apps.amazon.clientId,
      clientSecret: deps.apps.amazon.clientSecret,
      tokens,
      onTokenRefresh,
      endpoint: deps.endpoints.amazon,
    });
  }
  if (!deps.apps.ebay) throw new MissingAppCredentials("EBAY_APP_ID / EBAY_CERT_ID");
  return createEbayConnector({
    ...common,
    credentials: deps.apps.ebay,
    tokens: { ...tokens, accessToken: tokens.accessToken ?? "" },
    onTokenRefresh,
    endpoint: deps.endpoints.ebay,
  });
}

/** The connector of an installed store. */
export function storeConnectorFor(deps: ConnectorDeps, store: StoreRow): StoreConnector {
  const key = `${store.id}:${store.accessTokenEnc}:${store.webhookSecretEnc ?? ""}:${endpointKey(deps)}`;
  return cached(deps, key, () => buildStoreConnector(deps, store));
}

function endpointKey(deps: ConnectorDeps): string {
  const e = deps.endpoints;
  return `${e.amazon ?? ""}|${e.ebay ?? ""}|${e.shopify ?? ""}|${e.bigcommerce ?? ""}`;
}

function buildStoreConnector(deps: ConnectorDeps, store: StoreRow): StoreConnector {
  const accessToken = decryptStoreToken(deps.keyring, store);
  if (!accessToken) throw new Error(`store ${store.id} has no access token`);
  const common = { queues: deps.queues, accountKey: store.id, logger: deps.logger };
  if (store.platform === "shopify") {
    if (!deps.apps.shopify) throw new MissingAppCredentials("SHOPIFY_API_KEY / _SECRET");
    return createShopifyConnector({
      ...common,
      shop: store.externalId,
      accessToken,
      // Expiring offline tokens: the connector renews the hour-long access token itself and the
      // new pair is written where both the admin and the other workers read it.
      ...decryptStoreRefresh(deps.keyring, store),
      onTokenRefresh: (tokens) =>
        saveShopifyTokens(deps, store.externalId, tokens, { session: true }),
      apiKey: deps.apps.shopify.apiKey,
      apiSecret: deps.apps.shopify.apiSecret,
      endpoint: deps.endpoints.shopify,
    });
  }
  const webhookSecret = decryptWebhookSecret(deps.keyring, store);
  return createBigCommerceConnector({
    ...common,
    storeHash: store.externalId,
    ...(webhookSecret
      ? { webhookSecret: { header: BIGCOMMERCE_SECRET_HEADER, value: webhookSecret } }
      : {}),
    accessToken,
    currency: store.currency ?? undefined,
    endpoint: deps.endpoints.bigcommerce,
  });
}
