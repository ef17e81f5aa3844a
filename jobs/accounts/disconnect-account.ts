import { and, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { marketplaceAccounts } from "../../db/schema";
import type { JobQueue } from "../boss";
import { cancelQueuedAccountJobs } from "./account-jobs";

export class AccountNotFound extends Error {
  override name = "AccountNotFound";
}

/**
 * The merchant disconnects an account: it stops being polled, its queued imports and checks are
 * cancelled (see account-jobs.ts) and the seller's grant is erased (we no longer act for them), all
 * in one transaction. A reconnect picks the orders left behind up again. Its orders,
 * links, shipments, pushes and timeline stay: history is the merchant's. Another store's account
 * id matches nothing.
 */
export async function disconnectAccount(
  deps: { db: Database; jobs: JobQueue; now?: () => Date },
  input: { storeId: string; accountId: string },
): Promise<{ jobsCancelled: number }> {
  const now = deps.now?.() ?? new Date();
  return deps.db.transaction(async (tx) => {
    const [account] = await tx
      .select({
        id: marketplaceAccounts.id,
        disconnectedAt: marketplaceAccounts.disconnectedAt,
      })
      .from(marketplaceAccounts)
      .where(
        and(
          eq(marketplaceAccounts.id, input.accountId),
          eq(marketplaceAccounts.storeId, input.storeId),
        ),
      )
      .for("update");
    if (!account) throw new AccountNotFound("no such account in this store");
    await tx
      .update(marketplaceAccounts)
      .set({
        status: "disconnected",
        disconnectedAt: account.disconnectedAt ?? now,
        credentialsEnc: null,
        credentialsExpireAt: null,
        updatedAt: now,
      })
      .where(eq(marketplaceAccounts.id, account.id));
    const jobsCancelled = await cancelQueuedAccountJobs(deps.jobs, tx, account.id);
    return { jobsCancelled };
  });
}
