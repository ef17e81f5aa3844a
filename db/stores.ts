import { randomBytes } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "./client";
import type { KeyRing } from "./encryption";
import { type StoreRow, stores } from "./schema";

const TOKEN_CONTEXT = "stores.access_token";

export interface InstalledStore {
  platform: StoreRow["platform"];
  externalId: string;
  accessToken: string;
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
  const accessTokenEnc = deps.keyring.encrypt(input.accessToken, TOKEN_CONTEXT);
  const now = new Date();
  const values = {
    platform: input.platform,
    externalId: input.externalId,
    accessTokenEnc,
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
        accessTokenEnc,
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
