import { eq } from "drizzle-orm";
import { randomBytes } from "node:crypto";
import { RateLimitRegistry } from "../../connectors/rate-limit/registry";
import { encryptCredentials } from "../../db/accounts";
import type { AccountSettingsInput } from "../../db/account-settings";
import { marketplaceAccounts, type StoreRow } from "../../db/schema";
import { upsertInstalledStore } from "../../db/stores";
import { startJobQueue, type JobQueue } from "../../jobs/boss";
import type { ImportDeps } from "../../jobs/import/poll-account";
import {
  SIM_CLIENT_ID,
  SIM_CLIENT_SECRET,
  SIM_REFRESH_TOKEN,
  SIM_SELLER_ID,
} from "../simulators/amazon";
import { SIM_SHOPIFY_APP, type Simulators, startSimulators } from "../simulators";
import { parseKeyRing } from "../../db/encryption";
import { createTestDatabase, type TestDatabase } from "./database";

/**
 * A whole import world for a test file: its own database (PGlite or Postgres), the four simulators
 * at a high rate scale, a job queue, and helpers that install a store and connect accounts exactly
 * as the app does (encrypted tokens, real connectors pointed at the simulators).
 */
export interface ImportWorld {
  database: TestDatabase;
  simulators: Simulators;
  jobs: JobQueue;
  deps: ImportDeps;
  /** The environment a child process (`npm run worker`) needs to join this world. */
  childEnv(): Record<string, string>;
  keySpec: string;
  close(): Promise<void>;
}

export const WORLD_SCALE = 200;

const silentLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

export async function startImportWorld(
  options: { scale?: number; jobs?: boolean } = {},
): Promise<ImportWorld> {
  const scale = options.scale ?? WORLD_SCALE;
  const database = await createTestDatabase();
  const simulators = await startSimulators({ scale, shopifyApp: SIM_SHOPIFY_APP });
  const keySpec = `test:${randomBytes(32).toString("base64")}`;
  const keyring = parseKeyRing(keySpec);
  const jobs = await startJobQueue(database, { supervise: false, schedule: false });
  const deps: ImportDeps = {
    db: database.db,
    keyring,
    queues: new RateLimitRegistry({ scale, maxJitterMs: 20 }),
    endpoints: { ...simulators.endpoints },
    apps: {
      amazon: { clientId: SIM_CLIENT_ID, clientSecret: SIM_CLIENT_SECRET },
      ebay: simulators.ebay.app,
      shopify: SIM_SHOPIFY_APP,
    },
    logger: silentLogger,
    jobs,
  };
  return {
    database,
    simulators,
    jobs,
    deps,
    keySpec,
    childEnv: () => ({
      ...(database.url ? { DATABASE_URL: database.url } : {}),
      MARKETSYNC_ENCRYPTION_KEY: keySpec,
      SHOPIFY_API_KEY: SIM_SHOPIFY_APP.apiKey,
      SHOPIFY_API_SECRET: SIM_SHOPIFY_APP.apiSecret,
      SHOPIFY_APP_URL: "https://marketsync.test",
      AMAZON_LWA_CLIENT_ID: SIM_CLIENT_ID,
      AMAZON_LWA_CLIENT_SECRET: SIM_CLIENT_SECRET,
      EBAY_APP_ID: simulators.ebay.app.appId,
      EBAY_CERT_ID: simulators.ebay.app.certId,
      AMAZON_ENDPOINT: simulators.endpoints.amazon,
      EBAY_ENDPOINT: simulators.endpoints.ebay,
      SHOPIFY_ENDPOINT: simulators.endpoints.shopify,
      BIGCOMMERCE_ENDPOINT: simulators.endpoints.bigcommerce,
    }),
    close: async () => {
      await jobs.stop();
      await simulators.stop();
      await database.drop();
    },
  };
}

/** A Shopify shop in the simulator and the matching installed store in the database. */
export async function installShopifyStore(
  world: ImportWorld,
  input: { shop: string; currency?: string },
): Promise<StoreRow> {
  const accessToken = `shpat_${randomBytes(8).toString("hex")}`;
  world.simulators.shopify.addShop({
    domain: input.shop,
    accessToken,
    currency: input.currency ?? "USD",
  });
  return upsertInstalledStore(world.deps, {
    platform: "shopify",
    externalId: input.shop,
    accessToken,
    scopes: "write_orders,read_products,read_fulfillments,read_inventory",
    currency: input.currency ?? "USD",
  });
}

/** A BigCommerce store in the simulator and the matching installed store in the database. */
export async function installBigCommerceStore(
  world: ImportWorld,
  input: { hash: string; currency?: string },
): Promise<StoreRow> {
  const accessToken = `bc_${randomBytes(8).toString("hex")}`;
  world.simulators.bigcommerce.createStore({
    hash: input.hash,
    currency: input.currency ?? "USD",
    tokens: [{ token: accessToken }],
  });
  return upsertInstalledStore(world.deps, {
    platform: "bigcommerce",
    externalId: input.hash,
    accessToken,
    scopes: "store_v2_orders",
    currency: input.currency ?? "USD",
  });
}

/** Products with these SKUs in the store's simulator (price as a decimal string). */
export function seedCatalog(
  world: ImportWorld,
  store: StoreRow,
  products: { sku: string; title: string; price: string; stock?: number }[],
): void {
  for (const p of products) {
    if (store.platform === "shopify") {
      world.simulators.shopify.addProduct(store.externalId, {
        title: p.title,
        variants: [{ sku: p.sku, price: p.price, inventoryQuantity: p.stock ?? 100 }],
      });
    } else {
      world.simulators.bigcommerce.seedProduct(store.externalId, {
        name: p.title,
        price: Number(p.price),
        inventory_tracking: "variant",
        variants: [{ sku: p.sku, inventory_level: p.stock ?? 100 }],
      });
    }
  }
}

/** An eBay seller in the simulator and its connected account (encrypted grant) in the database. */
export async function connectEbayAccount(
  world: ImportWorld,
  store: StoreRow,
  input: { username: string; marketplaceId?: string; settings?: AccountSettingsInput },
): Promise<string> {
  const marketplaceId = input.marketplaceId ?? "EBAY_US";
  const tokens = world.simulators.ebay.addAccount({ username: input.username, marketplaceId });
  const [row] = await world.database.db
    .insert(marketplaceAccounts)
    .values({
      storeId: store.id,
      platform: "ebay",
      sellerId: input.username,
      displayName: `eBay ${marketplaceId}`,
      region: marketplaceId,
      marketplaceIds: [marketplaceId],
      credentialsEnc: encryptCredentials(world.deps.keyring, {
        refreshToken: tokens.refreshToken,
        accessToken: tokens.accessToken,
        expiresAt: tokens.expiresAt.toISOString(),
      }),
      settings: input.settings ?? {},
    })
    .returning({ id: marketplaceAccounts.id });
  return row!.id;
}

/** The simulator's Amazon seller and its connected account in the database. */
export async function connectAmazonAccount(
  world: ImportWorld,
  store: StoreRow,
  input: { marketplaceId?: string; region?: "na" | "eu" | "fe"; settings?: AccountSettingsInput },
): Promise<string> {
  const marketplaceId = input.marketplaceId ?? "ATVPDKIKX0DER";
  const [row] = await world.database.db
    .insert(marketplaceAccounts)
    .values({
      storeId: store.id,
      platform: "amazon",
      sellerId: SIM_SELLER_ID,
      displayName: `Amazon ${marketplaceId}`,
      region: input.region ?? (marketplaceId === "ATVPDKIKX0DER" ? "na" : "eu"),
      marketplaceIds: [marketplaceId],
      credentialsEnc: encryptCredentials(world.deps.keyring, { refreshToken: SIM_REFRESH_TOKEN }),
      settings: input.settings ?? {},
    })
    .returning({ id: marketplaceAccounts.id });
  return row!.id;
}

/** An account's settings as stored (jsonb, unparsed): to check that a refused save wrote nothing. */
export async function storedAccountSettings(world: ImportWorld, accountId: string) {
  const [row] = await world.database.db
    .select({ settings: marketplaceAccounts.settings })
    .from(marketplaceAccounts)
    .where(eq(marketplaceAccounts.id, accountId));
  return row!.settings;
}
