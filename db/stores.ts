import { randomBytes } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "./client";
import type { KeyRing } from "./encryption";
import { type StoreRow, stores } from "./schema";

const TOKEN_CONTEXT = "stores.access_token";
const REFRESH_CONTEXT = "stores.refresh_token";

export interface InstalledStore {
  platform: StoreRow["platform"];
  externalId: string;
  accessToken: string;
  /** Shopify's expiring offline tokens; absent: the access token does not expire. */
  refreshToken?: string | undefined;
  accessTokenExpiresAt?: Date | undefined;
  scopes: string;
  name?: string | undefined;
  currency?: string | undefined;
  locale?: string | undefined;
}

/** Records an install (or re-install after an uninstall): the token is encrypted before it's written. */
export async function upsertInstalledStore(
  deps: { db: Database; keyring: KeyRing },
  input: InstalledStore,
): Promise<StoreRow> {
  const tokens = encryptStoreTokens(deps.keyring, {
    accessToken: input.accessToken,
    refreshToken: input.refreshToken,
    expiresAt: input.accessTokenExpiresAt,
  });
  const now = new Date();
  const values = {
    platform: input.platform,
    externalId: input.externalId,
    ...tokens,
    scopes: input.scopes,
    name: input.name,
    currency: input.currency,
    locale: input.locale,
    installedAt: now,
    uninstalledAt: null,
  };
  const [row] = await deps.db
    .insert(stores)
    .values(values)
    .onConflictDoUpdate({
      target: [stores.platform, stores.externalId],
      set: {
        ...tokens,
        scopes: input.scopes,
        uninstalledAt: null,
        updatedAt: now,
        ...(input.name ? { name: input.name } : {}),
        ...(input.currency ? { currency: input.currency } : {}),
        ...(input.locale ? { locale: input.locale } : {}),
      },
    })
    .returning();
  return row!;
}

export async function findStore(
  db: Database,
  platform: StoreRow["platform"],
  externalId: string,
): Promise<StoreRow | undefined> {
  const [row] = await db
    .select()
    .from(stores)
    .where(and(eq(stores.platform, platform), eq(stores.externalId, externalId)))
    .limit(1);
  return row;
}

export function decryptStoreToken(keyring: KeyRing, store: StoreRow): string | undefined {
  return store.accessTokenEnc ? keyring.decrypt(store.accessTokenEnc, TOKEN_CONTEXT) : undefined;
}

/** The store's refresh token and access-token expiry (Shopify's expiring offline tokens). */
export function decryptStoreRefresh(
  keyring: KeyRing,
  store: StoreRow,
): { refreshToken?: string; accessTokenExpiresAt?: Date } {
  return store.refreshTokenEnc
    ? {
        refreshToken: keyring.decrypt(store.refreshTokenEnc, REFRESH_CONTEXT),
        ...(store.accessTokenExpiresAt ? { accessTokenExpiresAt: store.accessTokenExpiresAt } : {}),
      }
    : {};
}

/** A token set as the stores row keeps it: encrypted, the expiry only with a refresh token. */
export function encryptStoreTokens(
  keyring: KeyRing,
  tokens: { accessToken: string; refreshToken?: string | undefined; expiresAt?: Date | undefined },
) {
  return {
    accessTokenEnc: keyring.encrypt(tokens.accessToken, TOKEN_CONTEXT),
    refreshTokenEnc: tokens.refreshToken
      ? keyring.encrypt(tokens.refreshToken, REFRESH_CONTEXT)
      : null,
    accessTokenExpiresAt: tokens.refreshToken ? (tokens.expiresAt ?? null) : null,
  };
}

const WEBHOOK_SECRET_CONTEXT = "stores.webhook_secret";
/** Header BigCommerce sends back on every hook we register (its `headers` field). */
export const BIGCOMMERCE_SECRET_HEADER = "x-marketsync-webhook-secret";

/** The store's webhook secret, made (and stored encrypted) on first use. */
export async function ensureWebhookSecret(
  deps: { db: Database; keyring: KeyRing },
  store: StoreRow,
): Promise<string> {
  const existing = decryptWebhookSecret(deps.keyring, store);
  if (existing) return existing;
  const secret = randomBytes(32).toString("base64url");
  const enc = deps.keyring.encrypt(secret, WEBHOOK_SECRET_CONTEXT);
  // Two processes racing: the first write wins and both return what was stored.
  const [row] = await deps.db
    .update(stores)
    .set({ webhookSecretEnc: enc })
    .where(and(eq(stores.id, store.id), isNull(stores.webhookSecretEnc)))
    .returning();
  if (row) return secret;
  const [current] = await deps.db.select().from(stores).where(eq(stores.id, store.id));
  return decryptWebhookSecret(deps.keyring, current!)!;
}

export function decryptWebhookSecret(keyring: KeyRing, store: StoreRow): string | undefined {
  return store.webhookSecretEnc
    ? keyring.decrypt(store.webhookSecretEnc, WEBHOOK_SECRET_CONTEXT)
    : undefined;
}
