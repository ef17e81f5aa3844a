import { asc, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { marketplaceAccounts } from "../../db/schema";

/** The store's marketplace accounts as the accounts page shows them (never their credentials). */
export async function listStoreAccounts(db: Database, storeId: string) {
  return db
    .select({
      id: marketplaceAccounts.id,
      platform: marketplaceAccounts.platform,
      sellerId: marketplaceAccounts.sellerId,
      displayName: marketplaceAccounts.displayName,
      region: marketplaceAccounts.region,
      marketplaceIds: marketplaceAccounts.marketplaceIds,
      status: marketplaceAccounts.status,
      lastImportAt: marketplaceAccounts.lastImportAt,
      credentialsExpireAt: marketplaceAccounts.credentialsExpireAt,
      disconnectedAt: marketplaceAccounts.disconnectedAt,
    })
    .from(marketplaceAccounts)
    .where(eq(marketplaceAccounts.storeId, storeId))
    .orderBy(asc(marketplaceAccounts.createdAt), asc(marketplaceAccounts.id));
}

export type StoreAccount = Awaited<ReturnType<typeof listStoreAccounts>>[number];
