import { and, eq, isNull, lte, or } from "drizzle-orm";
import { parseAccountSettings } from "../../db/account-settings";
import type { Database } from "../../db/client";
import { marketplaceAccounts, stores } from "../../db/schema";
import type { JobQueue } from "../boss";

/**
 * Default poll interval per platform, within its read limits: Amazon's searchOrders allows about
 * one call per 3 minutes sustained (0.0056/s), eBay's daily quota is generous.
 */
export const DEFAULT_POLL_MINUTES = { amazon: 5, ebay: 3 } as const;

/**
 * Enqueues a poll for every active account that is due. The poll queue holds at most one queued
 * and one active job per account, so a slow poll is never stacked up behind itself.
 */
export async function enqueueDuePolls(
  deps: { db: Database; jobs: JobQueue },
  now = new Date(),
): Promise<number> {
  const candidates = await deps.db
    .select({
      id: marketplaceAccounts.id,
      platform: marketplaceAccounts.platform,
      settings: marketplaceAccounts.settings,
      lastImportAt: marketplaceAccounts.lastImportAt,
    })
    .from(marketplaceAccounts)
    // An uninstalled store's accounts keep their history but are not polled.
    .innerJoin(stores, eq(stores.id, marketplaceAccounts.storeId))
    .where(
      and(
        eq(marketplaceAccounts.status, "active"),
        isNull(stores.uninstalledAt),
        or(
          isNull(marketplaceAccounts.lastImportAt),
          lte(marketplaceAccounts.lastImportAt, new Date(now.getTime() - 60_000)),
        ),
      ),
    );
  let enqueued = 0;
  for (const account of candidates) {
    const settings = parseAccountSettings(account.settings);
    const minutes = settings.pollIntervalMinutes ?? DEFAULT_POLL_MINUTES[account.platform];
    const due =
      !account.lastImportAt || now.getTime() - account.lastImportAt.getTime() >= minutes * 60_000;
    if (!due) continue;
    const id = await deps.jobs.send(
      deps.db,
      "import.poll",
      { accountId: account.id, reason: "schedule" },
      { singletonKey: account.id },
    );
    if (id) enqueued += 1;
  }
  return enqueued;
}
