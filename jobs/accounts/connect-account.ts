import { and, eq, inArray } from "drizzle-orm";
import { encryptCredentials } from "../../db/accounts";
import type { Database } from "../../db/client";
import type { KeyRing } from "../../db/encryption";
import { recordEvent } from "../../db/orders";
import { marketplaceAccounts, marketplaceOrders } from "../../db/schema";
import type { JobQueue, Transaction } from "../boss";
import { ConnectFailed, type MarketplaceGrant } from "./grant";

export interface AccountsDeps {
  db: Database;
  keyring: KeyRing;
  /** Absent only where no job queue runs; then nothing is polled or re-checked at once. */
  jobs?: JobQueue | undefined;
  now?: () => Date;
}

export interface ConnectInput {
  storeId: string;
  platform: "ebay" | "amazon";
  grant: MarketplaceGrant;
  displayName: string;
  region: string;
  marketplaceIds: string[];
  /** Reconnecting this account: the grant must be the same seller's. */
  reconnectAccountId?: string | undefined;
}

/**
 * Saves a seller's grant (refresh token encrypted) on the store's account for that seller: a new
 * row, or the existing one — whatever its status — so a reconnect or a second consent keeps the
 * account's orders, settings and history. Then the account is polled at once and the orders left
 * waiting for it are checked again, in the same transaction.
 */
export async function saveConnectedAccount(
  deps: AccountsDeps,
  input: ConnectInput,
): Promise<{ accountId: string; reconnected: boolean }> {
  const now = deps.now?.() ?? new Date();
  const granted = {
    credentialsEnc: encryptCredentials(deps.keyring, input.grant.credentials),
    credentialsExpireAt: input.grant.grantExpiresAt,
    status: "active" as const,
    disconnectedAt: null,
    updatedAt: now,
  };
  return deps.db.transaction(async (tx) => {
    let accountId: string;
    let reconnected: boolean;
    if (input.reconnectAccountId) {
      const [account] = await tx
        .select({ id: marketplaceAccounts.id, sellerId: marketplaceAccounts.sellerId })
        .from(marketplaceAccounts)
        .where(
          and(
            eq(marketplaceAccounts.id, input.reconnectAccountId),
            eq(marketplaceAccounts.storeId, input.storeId),
            eq(marketplaceAccounts.platform, input.platform),
          ),
        );
      if (!account) throw new ConnectFailed("account_not_found");
      // Consenting as another seller would silently swap whose orders this account imports.
      if (account.sellerId !== input.grant.sellerId) {
        throw new ConnectFailed("wrong_seller", {
          expected: account.sellerId,
          got: input.grant.sellerId,
        });
      }
      await tx
        .update(marketplaceAccounts)
        .set(granted)
        .where(eq(marketplaceAccounts.id, account.id));
      accountId = account.id;
      reconnected = true;
    } else {
      const [existing] = await tx
        .select({ id: marketplaceAccounts.id })
        .from(marketplaceAccounts)
        .where(
          and(
            eq(marketplaceAccounts.storeId, input.storeId),
            eq(marketplaceAccounts.platform, input.platform),
            eq(marketplaceAccounts.sellerId, input.grant.sellerId),
          ),
        );
      const [row] = await tx
        .insert(marketplaceAccounts)
        .values({
          storeId: input.storeId,
          platform: input.platform,
          sellerId: input.grant.sellerId,
          displayName: input.displayName,
          region: input.region,
          marketplaceIds: input.marketplaceIds,
          ...granted,
        })
        .onConflictDoUpdate({
          target: [
            marketplaceAccounts.storeId,
            marketplaceAccounts.platform,
            marketplaceAccounts.sellerId,
          ],
          set: { ...granted, region: input.region, marketplaceIds: input.marketplaceIds },
        })
        .returning({ id: marketplaceAccounts.id });
      accountId = row!.id;
      reconnected = existing !== undefined;
    }
    if (deps.jobs) await resumeAccount(deps.jobs, tx, input.storeId, accountId);
    return { accountId, reconnected };
  });
}

/**
 * Orders that waited for the connection (`account.reconnect`), and those whose job a disconnection
 * cancelled (still new, or creating: processOrder looks a creating order up in the store first).
 */
const RESUMED = ["new", "waiting", "creating"] as const;

async function resumeAccount(
  jobs: JobQueue,
  tx: Transaction,
  storeId: string,
  accountId: string,
): Promise<void> {
  const waiting = await tx
    .select({ id: marketplaceOrders.id })
    .from(marketplaceOrders)
    .where(
      and(eq(marketplaceOrders.accountId, accountId), inArray(marketplaceOrders.state, RESUMED)),
    );
  for (const order of waiting) {
    await recordEvent(tx, {
      orderId: order.id,
      storeId,
      kind: "order.recheck",
      params: { cause: "account_connected" },
    });
    await jobs.send(tx, "order.process", { orderId: order.id, accountId });
  }
  await jobs.send(tx, "import.poll", { accountId, reason: "manual" }, { singletonKey: accountId });
}
