import { eq } from "drizzle-orm";
import type { TokenSet } from "../connectors/types";
import type { Database } from "./client";
import type { KeyRing } from "./encryption";
import { type MarketplaceAccountRow, marketplaceAccounts } from "./schema";

const CREDENTIALS = "marketplace_accounts.credentials";

/** A seller's OAuth grant: the refresh token, and the last access token while it is valid. */
export interface AccountCredentials {
  refreshToken: string;
  accessToken?: string | undefined;
  expiresAt?: string | undefined;
}

export function encryptCredentials(keyring: KeyRing, credentials: AccountCredentials): string {
  return keyring.encrypt(JSON.stringify(credentials), CREDENTIALS);
}

export function decryptCredentials(
  keyring: KeyRing,
  account: MarketplaceAccountRow,
): AccountCredentials {
  if (!account.credentialsEnc) throw new Error(`account ${account.id} has no credentials`);
  return JSON.parse(keyring.decrypt(account.credentialsEnc, CREDENTIALS)) as AccountCredentials;
}

/** Persists tokens a connector refreshed, so the next process starts from them. */
export async function saveRefreshedTokens(
  deps: { db: Database; keyring: KeyRing },
  account: MarketplaceAccountRow,
  tokens: TokenSet,
): Promise<void> {
  const current = decryptCredentials(deps.keyring, account);
  const next: AccountCredentials = {
    refreshToken: tokens.refreshToken ?? current.refreshToken,
    accessToken: tokens.accessToken,
    expiresAt: tokens.expiresAt.toISOString(),
  };
  const credentialsEnc = encryptCredentials(deps.keyring, next);
  account.credentialsEnc = credentialsEnc;
  await deps.db
    .update(marketplaceAccounts)
    // credentials_expire_at is when the seller must consent again (eBay 18 months, Amazon a year),
    // not the access token's expiry, which stays inside the encrypted credentials.
    .set({ credentialsEnc })
    .where(eq(marketplaceAccounts.id, account.id));
}

export async function markNeedsReconnect(db: Database, accountId: string): Promise<void> {
  await db
    .update(marketplaceAccounts)
    .set({ status: "needs_reconnect" })
    .where(eq(marketplaceAccounts.id, accountId));
}
