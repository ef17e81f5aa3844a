import type { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { fromDrizzle, fromPglite, PgBoss } from "pg-boss";
import type { DatabaseHandle, Database } from "../db/client";
import {
  accountGroup,
  DEAD_LETTER_QUEUE,
  JOBS,
  type JobName,
  type JobPayload,
  WAKE_CHANNEL,
} from "./registry";

interface JobDefinition {
  payload: { parse(value: unknown): unknown };
  singletonKey?: (data: never) => string;
  wakeWorkers?: boolean;
}

/** A transaction (or the database) whose commit decides whether an enqueued job exists. */
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

export interface JobQueue {
  boss: PgBoss;
  /**
   * Enqueues a job inside `tx`, so it exists exactly when the rows that caused it commit. Jobs of
   * an account carry its group: workers run one job per account and queue at a time.
   */
  send<N extends JobName>(
    tx: Transaction | Database,
    name: N,
    payload: JobPayload<N>,
    options?: {
      startAfterSeconds?: number;
      singletonKey?: string;
      /** false: the caller already NOTIFYs in this transaction (one round trip less). */
      wake?: boolean;
    },
  ): Promise<string | null>;
  /**
   * `send` for many jobs of one queue in one statement (and one wake-up): a poll enqueues a page
   * of orders at a time. Each payload gets the same group and singleton key `send` would give it.
   */
  sendMany<N extends JobName>(
    tx: Transaction | Database,
    name: N,
    payloads: readonly JobPayload<N>[],
  ): Promise<void>;
  stop(): Promise<void>;
}

/**
 * pg-boss on the app's own database: through PGlite itself when embedded (one connection, shared
 * with drizzle), through its own small `pg` pool on Postgres. Its schema is created and migrated
 * by pg-boss under its own advisory lock.
 */
export async function startJobQueue(
  database: DatabaseHandle,
  options: { onError?: (error: Error) => void; supervise?: boolean; schedule?: boolean } = {},
): Promise<JobQueue> {
  const common = {
    schema: "pgboss",
    supervise: options.supervise ?? true,
    schedule: options.schedule ?? true,
  };
  const boss =
    database.kind === "pglite"
      ? new PgBoss({ ...common, db: fromPglite(database.client as PGlite), backend: "pglite" })
      : new PgBoss({
          ...common,
          connectionString: database.url!,
          max: 4,
          application_name: "marketsync-jobs",
        });
  boss.on("error", (error) => options.onError?.(error));
  await boss.start();
  await boss.createQueue(DEAD_LETTER_QUEUE, { retentionSeconds: 30 * 86_400 });
  for (const [name, job] of Object.entries(JOBS)) {
    await boss.createQueue(name, {
      ...job.queue,
      retryBackoff: true,
      deadLetter: DEAD_LETTER_QUEUE,
    });
  }
  return {
    boss,
    async send(tx, name, payload, sendOptions = {}) {
      const job: JobDefinition = JOBS[name];
      const { data, group, singletonKey } = jobOptions(name, payload, sendOptions.singletonKey);
      const id = await boss.send(name, data, {
        db: fromDrizzle(tx as never, sql as never),
        ...(group ? { group } : {}),
        ...(singletonKey ? { singletonKey } : {}),
        ...(sendOptions.startAfterSeconds ? { startAfter: sendOptions.startAfterSeconds } : {}),
      });
      // Delivered on commit (and dropped on rollback): the workers fetch now, not at their next poll.
      if (id && job.wakeWorkers && !sendOptions.startAfterSeconds && sendOptions.wake !== false) {
        await (tx as Database).execute(sql`select pg_notify(${WAKE_CHANNEL}, ${name})`);
      }
      return id;
    },
    async sendMany(tx, name, payloads) {
      if (payloads.length === 0) return;
      const job: JobDefinition = JOBS[name];
      await boss.insert(
        name,
        payloads.map((payload) => {
          const { data, group, singletonKey } = jobOptions(name, payload);
          return { data, ...(group ? { group } : {}), ...(singletonKey ? { singletonKey } : {}) };
        }),
        { db: fromDrizzle(tx as never, sql as never) },
      );
      if (job.wakeWorkers) {
        await (tx as Database).execute(sql`select pg_notify(${WAKE_CHANNEL}, ${name})`);
      }
    },
    stop: () => boss.stop({ graceful: true, timeout: 10_000 }),
  };
}

/** The validated payload, account group and singleton key a job of `name` is enqueued with. */
function jobOptions<N extends JobName>(name: N, payload: JobPayload<N>, singletonKey?: string) {
  const job: JobDefinition = JOBS[name];
  const data = job.payload.parse(payload) as { accountId?: string; orderId?: string };
  return {
    data,
    group: data.accountId ? accountGroup(data.accountId) : undefined,
    singletonKey:
      singletonKey ??
      job.singletonKey?.(data as never) ??
      (name === "order.process" || name === "order.cancel" ? data.orderId : data.accountId),
  };
}
