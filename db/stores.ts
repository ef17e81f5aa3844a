import { and, eq } from "drizzle-orm";
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
