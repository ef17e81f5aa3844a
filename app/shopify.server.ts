import "@shopify/shopify-app-remix/adapters/node";
import {
  ApiVersion,
  AppDistribution,
  LogSeverity,
  shopifyApp,
} from "@shopify/shopify-app-remix/server";
import { DrizzleSessionStoragePostgres } from "@shopify/shopify-app-session-storage-drizzle";
import { shopifySessions, type StoreRow } from "../db/schema";
import { upsertInstalledStore } from "../db/stores";
import { recheckStoreAccessHolds } from "../jobs/import/held-orders";
import { getServices } from "./services.server";
import { copyTokensToStore, EncryptedSessionStorage } from "./session-storage.server";

/** The Admin API version every Shopify call uses (connectors read it from here too). */
export const SHOPIFY_API_VERSION = ApiVersion.July26;

const LEVELS = {
  [LogSeverity.Error]: "error",
  [LogSeverity.Warning]: "warn",
  [LogSeverity.Info]: "info",
  [LogSeverity.Debug]: "debug",
} as const;

function createShopify() {
  const { config, db, keyring, logger } = getServices();
  // Demo mode has no Shopify app: its pages authenticate against the demo store instead.
  if (!config.shopify) return undefined;
  const shopifyLogger = logger.child({ lib: "shopify" });
  return shopifyApp({
    apiKey: config.shopify.apiKey,
    apiSecretKey: config.shopify.apiSecret,
    apiVersion: SHOPIFY_API_VERSION,
    scopes: config.shopify.scopes,
    appUrl: config.shopify.appUrl,
    authPathPrefix: "/auth",
    sessionStorage: new EncryptedSessionStorage(
      new DrizzleSessionStoragePostgres(db, shopifySessions),
      keyring,
      copyTokensToStore({ db, keyring }),
    ),
    distribution: AppDistribution.AppStore,
    future: {
      unstable_newEmbeddedAuthStrategy: true,
      expiringOfflineAccessTokens: true,
    },
    logger: {
      level: LogSeverity.Info,
      log: (severity, message) => shopifyLogger[LEVELS[severity]](message),
    },
    hooks: {
      afterAuth: async ({ session }) => {
        await recordShopifyInstall(session);
      },
    },
    ...(config.shopify.customShopDomains.length > 0
      ? { customShopDomains: config.shopify.customShopDomains }
      : {}),
  });
}

/**
 * Records the shop as installed (token encrypted), subscribes its webhooks and catches up on
 * fulfillments made meanwhile (the queued reconciliation). Idempotent: afterAuth runs it, and so
 * does an admin request that finds a valid offline session but no store row yet — on a first
 * load the layout's and the page's loaders authenticate at once, and one may get past the session
 * the other just stored before that one's afterAuth has committed.
 */
export async function recordShopifyInstall(session: {
  shop: string;
  isOnline: boolean;
  accessToken?: string | undefined;
  refreshToken?: string | undefined;
  expires?: Date | undefined;
  scope?: string | undefined;
}): Promise<StoreRow | undefined> {
  if (session.isOnline || !session.accessToken) return undefined;
  const { db, keyring, logger } = getServices();
  const store = await upsertInstalledStore(
    { db, keyring },
    {
      platform: "shopify",
      externalId: session.shop,
      accessToken: session.accessToken,
      refreshToken: session.refreshToken,
      accessTokenExpiresAt: session.expires,
      scopes: session.scope ?? "",
    },
  );
  const { jobs } = getServices();
  await jobs?.send(db, "tracking.reconcile_store", { storeId: store.id });
  // A token exchange after the store's token was lost: orders held meanwhile are checked again.
  if (jobs) await recheckStoreAccessHolds({ db, jobs }, store.id);
  logger.info({ shop: session.shop }, "shopify store installed");
  return store;
}

export const shopify = createShopify();

export function requireShopify(): NonNullable<typeof shopify> {
  if (!shopify) throw new Response("Shopify is not configured (demo mode)", { status: 404 });
  return shopify;
}
