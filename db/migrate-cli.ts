// `npm run db:migrate`: applies migrations to DATABASE_URL (or the embedded database) and exits.
import { getConfig } from "../app/config.server";
import { createLogger } from "../app/logger.server";
import { openDatabase } from "./client";
import { migrate } from "./migrate";

const config = getConfig();
const logger = createLogger(config);
const handle = await openDatabase({ url: config.databaseUrl, dataDir: `${config.dataDir}/pglite` });
try {
  const result = await migrate(handle.db);
  logger.info(result, "migrations applied");
} finally {
  await handle.close();
}
