import { and, eq, isNull } from "drizzle-orm";
import type { TokenSet } from "../connectors/types";
import type { Database } from "./client";
import type { KeyRing } from "./encryption";
import { shopifySessions, stores } from "./schema";
import { encryptStoreTokens } from "./stores";

/** Encryption contexts of the tokens in `shopify_sessions` (app/session-storage.server.ts). */
export const SHOPIFY_SESSION_CONTEXT = {
  access: "shopify_sessions.access_token",
  refresh: "shopify_sessions.refresh_token",
} as const;

/**
 * Shopify's offline token lives twice: in the library's offline session (what the admin uses) and
 * on the stores row (what the workers use). Expiring tokens rotate on every refresh, and a refresh
 * token is retired once its replacement is used, so whoever refreshes writes the new pair to both,
 * in one transaction: the other side then never refreshes with a retired token.
 */
export async function saveShopifyTokens(
  deps: { db: Database; keyring: KeyRing },
  shop: string,
  tokens: TokenSet,
  where: { session: boolean },
): Promise<void> {
  await deps.db.transaction(async (tx) => {
    await tx
      .update(stores)
      .set({ ...encryptStoreTokens(deps.keyring, tokens), updatedAt: new Date() })
      .where(
        and(
          eq(stores.platform, "shopify"),
          eq(stores.externalId, shop),
          isNull(stores.uninstalledAt),
        ),
      );
    if (!where.session) return;
    await tx
      .update(shopifySessions)
      .set({
        accessToken: deps.keyring.encrypt(tokens.accessToken, SHOPIFY_SESSION_CONTEXT.access),
        ...(tokens.refreshToken
          ? {
              refreshToken: deps.keyring.encrypt(
                tokens.refreshToken,
                SHOPIFY_SESSION_CONTEXT.refresh,
              ),
            }
          : {}),
        expires: tokens.expiresAt,
      })
      .where(and(eq(shopifySessions.shop, shop), eq(shopifySessions.isOnline, false)));
  });
}
