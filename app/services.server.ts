import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Database, type DatabaseHandle, openDatabase } from "../db/client";
import { type KeyRing, generateKeySpec, parseKeyRing } from "../db/encryption";
import { migrate } from "../db/migrate";
import { type AppConfig, getConfig } from "./config.server";
import { createLogger, type Logger } from "./logger.server";

/** What every loader, action and job of this process shares. */
export interface Services {
  config: AppConfig;
  logger: Logger;
  database: DatabaseHandle;
  db: Database;
  keyring: KeyRing;
}

const SERVICES = Symbol.for("marketsync.services");
type Cache = { [SERVICES]?: Services };

/**
 * The process's services, created on first use. Kept on globalThis because server.ts and the Remix
 * server bundle each include this module; two PGlite instances on one data directory would corrupt it.
 */
export function getServices(): Services {
  const g = globalThis as Cache;
  if (!g[SERVICES]) {
    const config = getConfig();
    const logger = createLogger(config);
    const database = openDatabase({
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
