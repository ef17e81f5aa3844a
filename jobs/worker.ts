import { isConnectorError } from "../connectors/errors";
import type { JobQueue } from "./boss";
import { cancelImportedOrder } from "./import/cancel-order";
import { pollAccount, type ImportDeps } from "./import/poll-account";
import { processOrder } from "./import/process-order";
import { enqueueDuePolls } from "./import/schedule";
import { JOBS, type JobData, type JobName } from "./registry";

export interface Worker {
  stop(): Promise<void>;
}

type Handler<N extends JobName> = (data: JobData<N>) => Promise<unknown>;

/**
 * Registers a handler for every job. Jobs of one account run one at a time across all worker
 * processes (pg-boss group concurrency on the account id). A handler that throws is retried with
 * exponential backoff and jitter up to the queue's limit, then dead-lettered; permanent vendor
 * rejections never reach here as throws — the use cases turn them into held orders.
 */
export async function startWorker(
  deps: ImportDeps,
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
  };
  const run = async (name: JobName, job: { id: string; data: unknown; retryCount: number }) => {
    const data = JOBS[name].payload.parse(job.data);
    try {
      return await (handlers[name] as Handler<JobName>)(data as JobData<JobName>);
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

  for (const name of Object.keys(JOBS) as JobName[]) {
    if (name === "order.process") continue;
    // One job of an account at a time, across every worker process (pg-boss group concurrency).
    await jobs.boss.work(
      name,
      { ...polling, localConcurrency: 1, groupConcurrency: 1 },
      async ([job]) => (job ? run(name, job) : undefined),
    );
  }
  // Orders come in backlogs: fetched in batches and run side by side, each settled on its own
  // (a failed order is retried alone). pg-boss fetches again at once while batches come back full.
  await jobs.boss.work(
    "order.process",
    {
      ...polling,
      batchSize: options.concurrency ?? 8,
      burstWhenBatchFull: true,
      perJobResults: true,
      localConcurrency: 1,
    },
    async (batch) =>
      Promise.all(
        batch.map(async (job) => {
          try {
            return {
              id: job.id,
              status: "completed" as const,
              output: await run("order.process", job),
            };
          } catch {
            return { id: job.id, status: "failed" as const };
          }
        }),
      ),
  );
  await jobs.boss.schedule("import.tick", "* * * * *", {});
  return {
    stop: async () => {
      for (const name of Object.keys(JOBS)) await jobs.boss.offWork(name);
    },
  };
}
