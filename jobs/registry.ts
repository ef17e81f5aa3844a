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
  /**
   * Read one store fulfillment (Shopify fulfillment / BigCommerce shipment) of an imported order,
   * record it as our shipment and queue the tracking pushes it calls for. Enqueued by the webhook
   * routes and by reconciliation. One job per fulfillment at a time; a newer webhook waits behind.
   */
  "fulfillment.sync": {
    payload: z.object({
      storeId: uuid,
      storeOrderId: z.string().min(1).max(200),
      fulfillmentId: z.string().min(1).max(200),
      /** The webhook's own timestamp: older than what we applied → nothing to do. */
      sourceUpdatedAt: z.iso.datetime({ offset: true }).optional(),
      source: z.enum(["webhook", "reconcile"]).default("webhook"),
    }),
    queue: {
      policy: "singleton" as const,
      retryLimit: 8,
      retryDelay: 5,
      retryDelayMax: 900,
      expireInSeconds: 120,
    },
    singletonKey: (d: { storeId: string; fulfillmentId: string }) =>
      `${d.storeId}:${d.fulfillmentId}`,
    wakeWorkers: true,
  },
  /**
   * Send one tracking push to the marketplace (read first, so a retry never sends it twice), then
   * read it back. Transient errors and 429s retry with backoff; after the limit the push is marked
   * failed and dead-lettered, and the merchant can retry it.
   */
  "tracking.push": {
    payload: z.object({ pushId: uuid, accountId: uuid }),
    // A job expires only when its worker is surely gone: above the worst call the connector can
    // make (eBay sends no Retry-After, so up to five 60 s waits on 429s, plus timeouts). A retry
    // beside a live call would send the tracking twice.
    queue: {
      policy: "singleton" as const,
      retryLimit: 10,
      retryDelay: 5,
      retryDelayMax: 900,
      expireInSeconds: 600,
    },
    singletonKey: (d: { pushId: string }) => d.pushId,
    wakeWorkers: true,
  },
  /** Read a sent push back from the marketplace later (it had not shown up yet). */
  "tracking.verify": {
    payload: z.object({ pushId: uuid, accountId: uuid }),
    queue: {
      policy: "singleton" as const,
      retryLimit: 5,
      retryDelay: 30,
      retryDelayMax: 900,
      expireInSeconds: 120,
    },
    singletonKey: (d: { pushId: string }) => d.pushId,
  },
  /** The merchant cancelled an imported order in the store. */
  "store.order_cancelled": {
    payload: z.object({ storeId: uuid, storeOrderId: z.string().min(1).max(200) }),
    queue: {
      policy: "singleton" as const,
      retryLimit: 8,
      retryDelay: 5,
      retryDelayMax: 900,
      expireInSeconds: 120,
    },
    singletonKey: (d: { storeId: string; storeOrderId: string }) =>
      `${d.storeId}:${d.storeOrderId}`,
  },
  /**
   * Install lifecycle and privacy requests of one store. Payloads carry ids only (store order ids,
   * request ids): never a customer's name, e-mail or address.
   */
  "store.lifecycle": {
    payload: z.discriminatedUnion("event", [
      z.object({
        storeId: uuid,
        event: z.literal("uninstalled"),
        /** When the platform says it happened: older than the store's install → ignored. */
        triggeredAt: z.iso.datetime({ offset: true }).optional(),
      }),
      z.object({ storeId: uuid, event: z.literal("shop_redact") }),
      z.object({
        storeId: uuid,
        event: z.literal("customers_redact"),
        /** Store order ids (Shopify order GIDs / numeric ids as strings) of that customer. */
        storeOrderIds: z.array(z.string().min(1).max(200)).max(10_000),
      }),
      z.object({
        storeId: uuid,
        event: z.literal("data_request"),
        requestRef: z.string().min(1).max(200),
        storeOrderIds: z.array(z.string().min(1).max(200)).max(10_000),
      }),
    ]),
    queue: { policy: "standard" as const, retryLimit: 8, retryDelay: 30, retryDelayMax: 3600 },
  },
  /**
   * eBay Marketplace Account Deletion: erase what we hold about that eBay user. The payload holds
   * keyed hashes of the user's ids, never the ids themselves.
   */
  "ebay.account_deletion": {
    payload: z.object({
      notificationId: z.string().min(1).max(200),
      userKeys: z.array(z.string().min(1)).min(1).max(20),
    }),
    queue: { policy: "standard" as const, retryLimit: 8, retryDelay: 30, retryDelayMax: 3600 },
  },
  /** Every few minutes: queue a reconciliation of each installed store. */
  "tracking.reconcile": {
    payload: z.object({}),
    queue: { policy: "exclusive" as const, retryLimit: 0, retryDelay: 0, retryDelayMax: 0 },
  },
  /**
   * One store: fulfillments of linked orders with no confirmed push (missed or late webhooks) are
   * synced, and missing webhook subscriptions registered again.
   */
  "tracking.reconcile_store": {
    payload: z.object({ storeId: uuid }),
    queue: { policy: "stately" as const, retryLimit: 3, retryDelay: 60, retryDelayMax: 900 },
    singletonKey: (d: { storeId: string }) => d.storeId,
  },
  /** Daily: buyer PII of orders shipped more than 30 days ago is erased (Amazon DPP). */
  "privacy.purge": {
    payload: z.object({}),
    queue: { policy: "exclusive" as const, retryLimit: 2, retryDelay: 300, retryDelayMax: 3600 },
  },
  /**
   * At each worker start: buyer search keys of orders stored before they existed
   * (db/buyer-search-backfill.ts). One at a time; nothing to do costs one index probe.
   */
  "orders.index_buyers": {
    payload: z.object({}),
    queue: { policy: "exclusive" as const, retryLimit: 3, retryDelay: 60, retryDelayMax: 900 },
  },
  /** Daily: each store with the e-mail digest on gets the alerts it chose (jobs/alerts/). */
  "alerts.digest": {
    payload: z.object({}),
    queue: { policy: "exclusive" as const, retryLimit: 3, retryDelay: 600, retryDelayMax: 3600 },
  },
} as const;

/** Channel on which a committed enqueue wakes the workers at once instead of at their next poll. */
export const WAKE_CHANNEL = "marketsync_jobs";

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.input<(typeof JOBS)[N]["payload"]>;
export type JobData<N extends JobName> = z.output<(typeof JOBS)[N]["payload"]>;

/** Where jobs that ran out of retries go, to be shown in the admin and retried by hand. */
export const DEAD_LETTER_QUEUE = "dead-letter";

/** pg-boss group of an account's jobs (polls are also singletons per account: see the queues). */
export function accountGroup(accountId: string) {
  return { id: accountId };
}
