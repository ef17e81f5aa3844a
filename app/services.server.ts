import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Database, type DatabaseHandle, openDatabase } from "../db/client";
import { type KeyRing, generateKeySpec, parseKeyRing } from "../db/encryption";
import { migrate } from "../db/migrate";
import { RateLimitRegistry } from "../connectors/rate-limit/registry";
import { startJobQueue, type JobQueue } from "../jobs/boss";
import type { PlatformApps } from "../jobs/import/connectors";
import { startWorker, type Worker } from "../jobs/worker";
import { type AppConfig, getConfig } from "./config.server";
import { createLogger, type Logger } from "./logger.server";

/** What every loader, action and job of this process shares. */
export interface Services {
  config: AppConfig;
  logger: Logger;
  database: DatabaseHandle;
  db: Database;
  keyring: KeyRing;
  /** One rate-limited queue per (platform, account, operation group), shared by the process. */
  queues: RateLimitRegistry;
  /** Upstream overrides: from configuration, or the demo's simulators. */
  endpoints: AppConfig["endpoints"];
  apps: PlatformApps;
  /** Origin for webhook callback URLs (configuration, or the demo's loopback address). */
  publicUrl: string | undefined;
  /** eBay account-deletion verification token (configuration, or the demo's). */
  ebayVerificationToken: string | undefined;
  /** Set once `startJobs` ran. */
  jobs?: JobQueue;
  worker?: Worker;
}

const SERVICES = Symbol.for("marketsync.services");
type Cache = { [SERVICES]?: Services };

/**
 * The process's services, created at start-up. Kept on globalThis because server.ts and the Remix
 * server bundle each include this module; two PGlite instances on one data directory would corrupt it.
 */
export function getServices(): Services {
  const services = (globalThis as Cache)[SERVICES];
  if (!services) throw new Error("services not initialised: call initServices() at start-up");
  return services;
}

/** Creates the process's services once (server.ts and worker-cli.ts call it before anything). */
export async function initServices(): Promise<Services> {
  const g = globalThis as Cache;
  if (!g[SERVICES]) {
    const config = getConfig();
    const logger = createLogger(config);
    const database = await openDatabase({
      url: config.databaseUrl,
      dataDir: join(config.dataDir, "pglite"),
      onNotice: (message) => logger.debug({ message }, "postgres notice"),
    });
    g[SERVICES] = {
      config,
      logger,
      database,
      db: database.db,
      keyring: parseKeyRing(config.encryptionKey ?? demoKeySpec(config)),
      queues: new RateLimitRegistry(),
      endpoints: { ...config.endpoints },
      apps: {
        amazon: config.apps.amazon,
        ebay: config.apps.ebay,
        shopify: config.shopify
          ? { apiKey: config.shopify.apiKey, apiSecret: config.shopify.apiSecret }
          : undefined,
        bigcommerce: config.apps.bigcommerce,
      },
      publicUrl: config.publicUrl,
      ebayVerificationToken: config.ebayVerificationToken,
    };
  }
  return g[SERVICES];
}

/**
 * Demo mode runs with no configuration at all, so it makes its own key once and keeps it next to
 * the demo database (which is useless without it). Real deployments must set MARKETSYNC_ENCRYPTION_KEY.
 */
function demoKeySpec(config: AppConfig): string {
  if (!config.demo) throw new Error("MARKETSYNC_ENCRYPTION_KEY: required");
  const file = join(config.dataDir, "demo-encryption.key");
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, generateKeySpec("demo"), { mode: 0o600 });
  }
  return readFileSync(file, "utf8").trim();
}

/** Applies migrations before the process serves anything (safe with several processes starting). */
export async function prepareDatabase(services: Services): Promise<void> {
  const result = await migrate(services.db);
  services.logger.info(
    { applied: result.applied, total: result.total, database: services.database.kind },
    "database ready",
  );
}

/**
 * Starts the durable job queue on the app's database and, unless `work` is false, a worker that
 * processes it in this process (`npm run worker` runs only this part, for scale-out).
 */
export async function startJobs(services: Services, options: { work: boolean }): Promise<void> {
  const jobs = await startJobQueue(services.database, {
    onError: (error) => services.logger.error({ err: error }, "job queue error"),
  });
  services.jobs = jobs;
  if (options.work) {
    services.worker = await startWorker({
      ...services,
      jobs,
      // The demo learns its own address only once it listens: read it when a job needs it.
      get publicUrl() {
        return services.publicUrl;
      },
      listen: (channel, onPayload) => services.database.listen(channel, onPayload),
    });
  }
  services.logger.info({ work: options.work }, "job queue started");
}

export async function stopJobs(services: Services): Promise<void> {
  await services.worker?.stop();
  await services.jobs?.stop();
}
