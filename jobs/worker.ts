import { isConnectorError } from "../connectors/errors";
import { backfillBuyerSearchKeys } from "../db/buyer-search-backfill";
import { dropExpiredPendingConnections } from "../db/pending-connections";
import { sendAlertDigests } from "./alerts/send-digest";
import type { JobQueue } from "./boss";
import { cancelImportedOrder } from "./import/cancel-order";
import { pollAccount } from "./import/poll-account";
import { processOrder } from "./import/process-order";
import { enqueueDuePolls } from "./import/schedule";
import { deleteEbayUserData } from "./privacy/ebay-account-deletion";
import { purgeShippedOrdersPii } from "./privacy/purge";
import { handleStoreLifecycle } from "./privacy/store-lifecycle";
import { JOBS, type JobData, type JobName, WAKE_CHANNEL } from "./registry";
import { pushTracking, verifyPush } from "./tracking/push-tracking";
import { enqueueReconciliations, type ReconcileDeps, reconcileStore } from "./tracking/reconcile";
import { handleStoreCancellation } from "./tracking/store-cancellation";
import { syncFulfillment } from "./tracking/sync-fulfillment";

/** The shortest time between two wake-ups of one queue's workers. */
const WAKE_COALESCE_MS = 25;

export interface Worker {
  stop(): Promise<void>;
}

type Handler<N extends JobName> = (
  data: JobData<N>,
  job: { id: string; retryCount: number },
) => Promise<unknown>;

export interface WorkerDeps extends ReconcileDeps {
  /** LISTEN for committed enqueues (the database handle's), so urgent jobs start at once. */
  listen?: (channel: string, onPayload: (payload: string) => void) => Promise<() => Promise<void>>;
  /** The process's configuration (the app passes its own): the digest's SMTP server and sender. */
  config?: { alertsMail?: { smtpUrl: string; from: string } | undefined };
}

/**
 * Registers a handler for every job. Jobs of one account run one at a time across all worker
 * processes (pg-boss group concurrency on the account id). A handler that throws is retried with
 * exponential backoff and jitter up to the queue's limit, then dead-lettered; permanent vendor
 * rejections never reach here as throws — the use cases turn them into held orders.
 */
export async function startWorker(
  deps: WorkerDeps,
  options: { pollingIntervalSeconds?: number; concurrency?: number } = {},
): Promise<Worker> {
  const jobs: JobQueue = deps.jobs;
  const polling = { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 0.5 };
  const handlers: { [N in JobName]: Handler<N> } = {
    "import.tick": () => enqueueDuePolls(deps),
    "import.poll": (data) =>
      pollAccount(deps, {
        accountId: data.accountId,
        since: data.sinceDays
          ? new Date((deps.now?.() ?? new Date()).getTime() - data.sinceDays * 86_400_000)
          : undefined,
      }),
    "order.process": (data) => processOrder(deps, { orderId: data.orderId }),
    "order.cancel": (data) => cancelImportedOrder(deps, { orderId: data.orderId }),
    "fulfillment.sync": (data) => syncFulfillment(deps, data),
    "tracking.push": (data, job) =>
      pushTracking(deps, {
        pushId: data.pushId,
        lastAttempt: job.retryCount >= JOBS["tracking.push"].queue.retryLimit,
      }),
    "tracking.verify": (data, job) =>
      verifyPush(deps, {
        pushId: data.pushId,
        lastAttempt: job.retryCount >= JOBS["tracking.verify"].queue.retryLimit,
      }),
    "store.order_cancelled": (data) => handleStoreCancellation(deps, data),
    "store.lifecycle": (data) => handleStoreLifecycle(deps, data),
    "ebay.account_deletion": (data) => deleteEbayUserData(deps, data),
    "tracking.reconcile": () => enqueueReconciliations(deps),
    "tracking.reconcile_store": (data) => reconcileStore(deps, { storeId: data.storeId }),
    "privacy.purge": async () => ({
      ...(await purgeShippedOrdersPii(deps)),
      expiredConnections: await dropExpiredPendingConnections(deps.db),
    }),
    "orders.index_buyers": () => backfillBuyerSearchKeys(deps),
    "alerts.digest": () => sendAlertDigests({ ...deps, mail: deps.config?.alertsMail }),
  };
  const run = async (name: JobName, job: { id: string; data: unknown; retryCount: number }) => {
    const data = JOBS[name].payload.parse(job.data);
    try {
      return await (handlers[name] as Handler<JobName>)(data as JobData<JobName>, job);
    } catch (error) {
      deps.logger.warn(
        {
          job: name,
          jobId: job.id,
          retry: job.retryCount,
          ...(isConnectorError(error) ? error.toLog() : { err: error }),
        },
        "job failed; pg-boss will retry it with backoff",
      );
      throw error;
    }
  };

  const workerIds = new Map<string, string[]>();
  for (const name of Object.keys(JOBS) as JobName[]) {
    if (name === "order.process") continue;
    // Accounts side by side; one job per account at a time (the queues' singleton keys). Tracking
    // jobs are the latency-sensitive ones: woken at once, not grouped by account, still one per
    // push/fulfillment.
    const urgent = "wakeWorkers" in JOBS[name];
    const id = await jobs.boss.work(
      name,
      {
        ...polling,
        // Four jobs of each queue at once. Polls: a backlog read one account after another leaves
        // the later accounts' stores idle, and eight at once (a poll reads ~1,000 orders/s) took
        // the CPU the orders they queued needed (bench:import). Tracking: eight at once gained no
        // throughput (the marketplaces' limits pace the pushes) and doubled the webhook route's
        // p99 under load, the worker's bursts sharing its event loop (bench:webhooks).
        localConcurrency: name === "import.tick" ? 1 : 4,
        ...(urgent ? {} : { groupConcurrency: 1 }),
      },
      async ([job]) => (job ? run(name, job) : undefined),
    );
    workerIds.set(name, [...(workerIds.get(name) ?? []), id]);
  }
  // A committed enqueue NOTIFYs (jobs/boss.ts): wake that queue's workers instead of waiting for
  // their next poll, which is what gets tracking to the marketplace in well under a second.
  // Under a burst every webhook NOTIFYs, and each wake is a fetch query over the queue: wake a
  // queue at most once per WAKE_COALESCE_MS (the first at once, then one for whatever came since),
  // which keeps the latency and stops hundreds of fetches a second from starving the web requests.
  const lastWake = new Map<string, number>();
  const pendingWake = new Map<string, NodeJS.Timeout>();
  const wake = (queue: string) => {
    lastWake.set(queue, Date.now());
    for (const id of workerIds.get(queue) ?? []) jobs.boss.notifyWorker(id);
  };
  const unlisten = await deps.listen?.(WAKE_CHANNEL, (queue) => {
    if (pendingWake.has(queue)) return;
    const wait = (lastWake.get(queue) ?? 0) + WAKE_COALESCE_MS - Date.now();
    if (wait <= 0) return wake(queue);
    pendingWake.set(
      queue,
      setTimeout(() => {
        pendingWake.delete(queue);
        wake(queue);
      }, wait),
    );
  });
  const orders = startJobPool(jobs, "order.process", options.concurrency ?? 32, 8, (job) =>
    run("order.process", job),
  );
  await jobs.boss.schedule("import.tick", "* * * * *", {});
  await jobs.boss.schedule("tracking.reconcile", "*/10 * * * *", {});
  await jobs.boss.schedule("privacy.purge", "17 3 * * *", {});
  await jobs.boss.schedule("alerts.digest", "0 7 * * *", {});
  // After an upgrade that left orders unindexed; exclusive, so many workers starting queue one.
  await jobs.send(deps.db, "orders.index_buyers", {});
  return {
    stop: async () => {
      await unlisten?.();
      for (const timer of pendingWake.values()) clearTimeout(timer);
      await orders.stop();
      for (const name of Object.keys(JOBS)) {
        if (name !== "order.process") await jobs.boss.offWork(name);
      }
    },
  };
}

/**
 * Orders come in backlogs, and each waits on its own store's and marketplace's rate limits: a
 * fixed batch would hold every order fetched with the slowest one. This pool keeps up to
 * `concurrency` jobs in flight and fetches again as soon as any settles; each job is completed or
 * failed on its own (pg-boss then retries it with backoff, or dead-letters it).
 */
function startJobPool(
  jobs: JobQueue,
  name: JobName,
  concurrency: number,
  perAccount: number,
  handle: (job: { id: string; data: unknown; retryCount: number }) => Promise<unknown>,
): { stop(): Promise<void> } {
  let running = true;
  let inFlight = 0;
  const perGroup = new Map<string, number>();
  let wake: (() => void) | undefined;
  const idle = new Set<Promise<unknown>>();
  const nap = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const loop = (async () => {
    while (running) {
      if (inFlight >= concurrency) {
        await nap(1_000);
        continue;
      }
      let fetched: Awaited<ReturnType<typeof jobs.boss.fetch>> = [];
      try {
        // At most a few jobs per account at once (pg-boss groups are accounts): otherwise the
        // oldest account's backlog fills every slot, all waiting on one store's rate limit, while
        // other stores sit idle. So first take accounts with nothing in flight here, then top up
        // the others, never past their cap. The cap is this process's: pg-boss's own
        // groupConcurrency counts every active job of the queue on each fetch, and over a
        // 10k-job backlog that fetch took ~7 ms of database time, 70 times a second (three
        // quarters of the database's work in bench:import). Each order is still only ever run by
        // one job at a time (the queue's singleton key).
        const busy = [...perGroup.keys()];
        const counts = [...perGroup.values()];
        const saturated = [...perGroup].filter(([, n]) => n >= perAccount).map(([group]) => group);
        const fetchFrom = (ignoreGroups: string[], room: number) =>
          jobs.boss.fetch(name, {
            batchSize: Math.min(concurrency - inFlight, room),
            ...(ignoreGroups.length > 0 ? { ignoreGroups } : {}),
          });
        // One batch may be all one account's: ask for no more than the fullest one has room for.
        fetched = busy.length > 0 ? await fetchFrom(busy, perAccount) : [];
        if (fetched.length === 0) {
          const fullest = Math.max(0, ...counts.filter((n) => n < perAccount));
          fetched = await fetchFrom(saturated, perAccount - fullest);
        }
      } catch {
        await nap(1_000); // the database is away: try again shortly
        continue;
      }
      if (fetched.length === 0) {
        await nap(500);
        continue;
      }
      for (const job of fetched) {
        inFlight += 1;
        const group = (job.data as { accountId?: string }).accountId ?? "";
        perGroup.set(group, (perGroup.get(group) ?? 0) + 1);
        const attempt = { id: job.id, retryCount: job.retryCount };
        const settled = handle(job)
          .then(
            (output) => jobs.boss.complete(name, attempt, { result: output ?? null }),
            (error: unknown) =>
              jobs.boss.fail(name, attempt, {
                message: (error as Error)?.message ?? String(error),
              }),
          )
          .catch(() => undefined)
          .finally(() => {
            inFlight -= 1;
            const left = (perGroup.get(group) ?? 1) - 1;
            if (left > 0) perGroup.set(group, left);
            else perGroup.delete(group);
            idle.delete(settled);
            wake?.();
          });
        idle.add(settled);
      }
    }
  })();

  return {
    stop: async () => {
      running = false;
      wake?.();
      await loop;
      await Promise.all(idle);
    },
  };
}
