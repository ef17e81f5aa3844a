import { sql } from "drizzle-orm";
import { fromDrizzle } from "pg-boss";
import type { Transaction, JobQueue } from "../boss";
import { DEAD_LETTER_QUEUE, JOBS, type JobName } from "../registry";

/**
 * A store's jobs in pg-boss, found by the ids their payloads carry (`storeId`, or the `accountId`
 * of one of its marketplace accounts). Through pg-boss's own `findJobs`/`cancel`/`deleteJob` rather
 * than SQL on `pgboss.job`: pg-boss knows which table each queue lives in, what "queued" means
 * (created or retry) and keeps its retained counts right; SQL would copy those internals and break
 * on its next schema change. Passing the caller's transaction makes them commit with the store row.
 */

/** Privacy work must outlive an uninstall: Shopify sends shop/redact 48 hours after it. */
const KEPT_ON_UNINSTALL: ReadonlySet<string> = new Set<JobName>(["store.lifecycle"]);

const PAGE = 1_000;

export interface StoreJobOwner {
  storeId: string;
  accountIds: readonly string[];
}

/** Queued (created/retry) jobs of the store are cancelled; active ones finish on their own. */
export async function cancelQueuedStoreJobs(
  jobs: JobQueue,
  tx: Transaction,
  owner: StoreJobOwner,
): Promise<number> {
  const queues = Object.keys(JOBS).filter((name) => !KEPT_ON_UNINSTALL.has(name));
  return settleStoreJobs(jobs, tx, owner, queues, { queued: true }, (name, ids, db) =>
    jobs.boss.cancel(name, ids, { db }),
  );
}

/**
 * Every job that names the store, in any queue and state (dead letters included), is deleted —
 * except an active one, which is still running (this very job among them).
 */
export async function deleteStoreJobs(
  jobs: JobQueue,
  tx: Transaction,
  owner: StoreJobOwner,
): Promise<number> {
  const queues = [...Object.keys(JOBS), DEAD_LETTER_QUEUE];
  return settleStoreJobs(jobs, tx, owner, queues, { queued: false }, (name, ids, db) =>
    jobs.boss.deleteJob(name, ids, { db }),
  );
}

async function settleStoreJobs(
  jobs: JobQueue,
  tx: Transaction,
  owner: StoreJobOwner,
  queues: string[],
  find: { queued: boolean },
  settle: (name: string, ids: string[], db: ReturnType<typeof fromDrizzle>) => Promise<unknown>,
): Promise<number> {
  const db = fromDrizzle(tx as never, sql as never);
  const filters: Record<string, string>[] = [
    { storeId: owner.storeId },
    ...owner.accountIds.map((accountId) => ({ accountId })),
  ];
  let settled = 0;
  for (const name of queues) {
    for (const data of filters) {
      for (;;) {
        const found = await jobs.boss.findJobs(name, {
          data,
          queued: find.queued,
          limit: PAGE,
          db,
        });
        const ids = found.filter((job) => job.state !== "active").map((job) => job.id);
        if (ids.length > 0) {
          await settle(name, ids, db);
          settled += ids.length;
        }
        // Settled jobs leave the result; a full page of only active ones would never shrink.
        if (found.length < PAGE || ids.length === 0) break;
      }
    }
  }
  return settled;
}
