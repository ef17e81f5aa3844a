// `npm run worker`: a process that only works jobs (scale-out beside the web processes). Several
// may run against one Postgres: pg-boss hands each job to one of them, and an account's jobs run
// one at a time across all of them.
import { ConfigError, getConfig } from "../app/config.server";
import { initServices, prepareDatabase, startJobs, stopJobs } from "../app/services.server";

try {
  getConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

const services = await initServices();
await prepareDatabase(services);
await startJobs(services, { work: true });
services.logger.info({ database: services.database.kind }, "marketsync worker running");

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  services.logger.info({ signal }, "worker shutting down");
  await stopJobs(services);
  await services.database.close();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
