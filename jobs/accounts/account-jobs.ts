import { sql } from "drizzle-orm";
import { fromDrizzle } from "pg-boss";
import type { JobQueue, Transaction } from "../boss";
import type { JobName } from "../registry";

/**
 * The queues of an account's work that stops with it, found by the `accountId` their payloads
 * carry, through pg-boss's own `findJobs`/`cancel` (as jobs/privacy/store-jobs.ts does for a whole
 * store, and for the same reasons: pg-boss knows where each queue lives and what "queued" means).
 *
 * Two queues are left to run: `order.cancel` only cancels a store order the marketplace already
 * cancelled (the merchant must not ship it, connected or not), and `tracking.push` checks the
 * account first and fails the push with `push.account_inactive`, which the merchant sees and can
 * retry after reconnecting; cancelling it would leave the push pending forever.
 */
const ACCOUNT_QUEUES: readonly JobName[] = ["import.poll", "order.process", "tracking.verify"];

const PAGE = 1_000;

/**
 * Cancels the account's queued (created/retry) jobs inside `tx`, so they stop exactly when the
 * disconnection commits. Active ones finish on their own: each re-reads the account and finds it
 * disconnected.
 */
export async function cancelQueuedAccountJobs(
  jobs: JobQueue,
  tx: Transaction,
  accountId: string,
): Promise<number> {
  const db = fromDrizzle(tx as never, sql as never);
  let cancelled = 0;
  for (const name of ACCOUNT_QUEUES) {
    for (;;) {
      const found = await jobs.boss.findJobs(name, {
        data: { accountId },
        queued: true,
        limit: PAGE,
        db,
      });
      const ids = found.filter((job) => job.state !== "active").map((job) => job.id);
      if (ids.length > 0) {
        await jobs.boss.cancel(name, ids, { db });
        cancelled += ids.length;
      }
      if (found.length < PAGE || ids.length === 0) break;
    }
  }
  return cancelled;
}
