import { and, eq, inArray, isNull } from "drizzle-orm";
import { type Tx, EBAY_USER_INDEX } from "../../db/orders";
import { chunks } from "../../db/chunks";
import { purgeOrderPii } from "../../db/pii";
import {
  marketplaceAccounts,
  marketplaceOrders,
  syncEvents,
  webhookReceipts,
} from "../../db/schema";
import type { ImportDeps } from "../import/poll-account";
import type { JobData } from "../registry";

/**
 * eBay Marketplace Account Deletion: erase what we hold about one eBay user, found by the keyed
 * hashes of their username and user id (the job never carries the ids themselves).
 *
 * - As a buyer: their orders (`buyer_key`) lose buyer, ship-to and raw payload.
 * - As a seller: eBay accounts connected with that user are disconnected, their grant is wiped,
 *   their username is replaced by a tombstone, and their orders' buyer data is erased too (the
 *   account's data goes with the account).
 *
 * Every affected order gets one `privacy.ebay_account_deleted` event (no PII in it). One
 * transaction. Running it again finds nothing, so it changes and records nothing more: the purge
 * erases `buyer_key`, and the account's seller id no longer is the username.
 */

export const EBAY_ACCOUNT_DELETED_EVENT = "privacy.ebay_account_deleted";

export interface EbayAccountDeletionResult {
  buyerOrders: number;
  sellerAccounts: number;
  sellerOrders: number;
}

export async function deleteEbayUserData(
  deps: ImportDeps,
  data: JobData<"ebay.account_deletion">,
): Promise<EbayAccountDeletionResult> {
  const now = deps.now?.() ?? new Date();
  const userKeys = new Set(data.userKeys);
  const result = await deps.db.transaction(async (tx) => {
    // Locked, so a concurrent run waits and then no longer sees them (buyer_key is erased).
    const buyerOrders = await tx
      .select({ id: marketplaceOrders.id, storeId: marketplaceOrders.storeId })
      .from(marketplaceOrders)
      .where(
        and(
          eq(marketplaceOrders.marketplace, "ebay"),
          inArray(marketplaceOrders.buyerKey, [...userKeys]),
        ),
      )
      .for("update");

    const sellerAccountIds = await disconnectSellerAccounts(deps, tx, userKeys, now);
    const sellerOrders: { id: string; storeId: string }[] = [];
    for (const ids of chunks(sellerAccountIds)) {
      sellerOrders.push(
        ...(await tx
          .select({ id: marketplaceOrders.id, storeId: marketplaceOrders.storeId })
          .from(marketplaceOrders)
          .where(inArray(marketplaceOrders.accountId, ids))),
      );
    }

    const affected = new Map<string, { storeId: string; role: "buyer" | "seller" }>();
    for (const o of sellerOrders) affected.set(o.id, { storeId: o.storeId, role: "seller" });
    for (const o of buyerOrders) affected.set(o.id, { storeId: o.storeId, role: "buyer" });
    const orderIds = [...affected.keys()];
    for (const ids of chunks(orderIds)) await purgeOrderPii(tx, deps.keyring, ids, now);

    const events = [...affected].map(([orderId, { storeId, role }]) => ({
      orderId,
      storeId,
      kind: EBAY_ACCOUNT_DELETED_EVENT,
      params: { role, notificationId: data.notificationId },
      at: now,
    }));
    for (const batch of chunks(events)) await tx.insert(syncEvents).values(batch);

    await tx
      .update(webhookReceipts)
      .set({ processedAt: now })
      .where(
        and(
          eq(webhookReceipts.source, "ebay"),
          eq(webhookReceipts.deliveryId, data.notificationId),
          isNull(webhookReceipts.processedAt),
        ),
      );
    return {
      buyerOrders: buyerOrders.length,
      sellerAccounts: sellerAccountIds.length,
      sellerOrders: sellerOrders.length,
    };
  });
  deps.logger.info(
    { job: "ebay.account_deletion", notificationId: data.notificationId, ...result },
    "eBay user data erased",
  );
  return result;
}

/**
 * The seller id of an eBay account is the eBay username, stored in clear (it is what the seller
 * sees), so it is matched by hashing each eBay account's seller id with the key ring rather than
 * by a query: eBay accounts number in the thousands at most and an HMAC costs microseconds. The
 * update re-checks the seller id, so two concurrent runs never both claim one account.
 */
async function disconnectSellerAccounts(
  deps: ImportDeps,
  tx: Tx,
  userKeys: Set<string>,
  now: Date,
): Promise<string[]> {
  const accounts = await tx
    .select({
      id: marketplaceAccounts.id,
      sellerId: marketplaceAccounts.sellerId,
      displayName: marketplaceAccounts.displayName,
      region: marketplaceAccounts.region,
      disconnectedAt: marketplaceAccounts.disconnectedAt,
    })
    .from(marketplaceAccounts)
    .where(eq(marketplaceAccounts.platform, "ebay"));
  const matched = accounts.filter((a) =>
    deps.keyring.blindIndexes(a.sellerId, EBAY_USER_INDEX).some((k) => userKeys.has(k)),
  );
  const disconnected: string[] = [];
  for (const account of matched) {
    const named = account.displayName.toLowerCase().includes(account.sellerId.toLowerCase());
    const [row] = await tx
      .update(marketplaceAccounts)
      .set({
        status: "disconnected",
        disconnectedAt: account.disconnectedAt ?? now,
        credentialsEnc: null,
        credentialsExpireAt: null,
        // The username is the deleted user's personal data; the account id keeps the row unique.
        sellerId: `deleted:${account.id}`,
        ...(named ? { displayName: `eBay ${account.region}` } : {}),
        updatedAt: now,
      })
      .where(
        and(
          eq(marketplaceAccounts.id, account.id),
          eq(marketplaceAccounts.sellerId, account.sellerId),
        ),
      )
      .returning({ id: marketplaceAccounts.id });
    if (row) disconnected.push(row.id);
  }
  return disconnected;
}
