import { z } from "zod";

/**
 * Every durable job Marketsync runs: its name, its payload schema and its queue policy. Payloads
 * are validated when sent and again when worked, so a malformed job fails loudly, once.
 */
const uuid = z.uuid();

export const JOBS = {
  /** Every minute: enqueue a poll for each active account whose interval has elapsed. */
  "import.tick": {
    payload: z.object({}),
    queue: { policy: "exclusive" as const, retryLimit: 0, retryDelay: 0, retryDelayMax: 0 },
  },
  /**
   * Poll one account for orders changed since its cursor, or backfill its last `sinceDays` days.
   * One per account at a time (stately singleton on the account: one queued, one active).
   */
  "import.poll": {
    payload: z.object({
      accountId: uuid,
      reason: z.enum(["schedule", "manual", "backfill"]).default("schedule"),
      sinceDays: z.number().int().min(1).max(90).optional(),
    }),
    queue: { policy: "stately" as const, retryLimit: 5, retryDelay: 30, retryDelayMax: 900 },
  },
  /** Run the pre-checks on one marketplace order and create it in the store when they pass. */
  "order.process": {
    payload: z.object({ orderId: uuid, accountId: uuid }),
    // One active job per order (singleton on the order id): orders of one account may run side by
    // side — the account's rate-limited queues pace the vendor calls — but never one order twice.
    // A worker that dies holds its job until it expires: a few minutes, far above the calls'
    // own timeouts, so a live job is never run twice.
    queue: {
      policy: "singleton" as const,
      retryLimit: 8,
      retryDelay: 5,
      retryDelayMax: 900,
      expireInSeconds: 180,
    },
  },
  /** Cancel the store order of a marketplace order cancelled before it shipped. */
  "order.cancel": {
    payload: z.object({ orderId: uuid, accountId: uuid }),
    queue: {
      policy: "singleton" as const,
      retryLimit: 8,
      retryDelay: 5,
      retryDelayMax: 900,
      expireInSeconds: 180,
    },
  },
} as const;

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.input<(typeof JOBS)[N]["payload"]>;
export type JobData<N extends JobName> = z.output<(typeof JOBS)[N]["payload"]>;

/** Where jobs that ran out of retries go, to be shown in the admin and retried by hand. */
export const DEAD_LETTER_QUEUE = "dead-letter";

/** pg-boss group of an account's jobs (polls are also singletons per account: see the queues). */
export function accountGroup(accountId: string) {
  return { id: accountId };
}
