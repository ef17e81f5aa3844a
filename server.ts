// Marketsync's HTTP entry: configuration, database, then the Remix app. `--demo` runs the
// self-contained demo (embedded database, demo store, loopback only).
import { createServer } from "node:http";
import { createRequestHandler } from "@remix-run/express";
import { broadcastDevReady, type ServerBuild } from "@remix-run/node";
import express from "express";
import { ConfigError, getConfig } from "./app/config.server";
import { initServices, prepareDatabase, startJobs, stopJobs } from "./app/services.server";

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
const { config, logger } = services;
await prepareDatabase(services);
// The demo's simulators live with the tests; production never loads them.
const demo = config.demo
  ? await (await import("./test/simulators/demo")).startDemo(services)
  : undefined;
await startJobs(services, { work: config.worker === "in-process" });

const BUILD_PATH = new URL("./build/index.js", import.meta.url).href;
const build = (await import(BUILD_PATH)) as ServerBuild;

const app = express();
app.disable("x-powered-by");
app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
app.use(express.static("public", { maxAge: "1h" }));
// The demo is what a merchant sees: Remix's development mode would send them stack traces (the
// errors are still logged here).
const mode = config.demo ? "production" : config.nodeEnv;
app.all("*", createRequestHandler({ build, mode }));

const server = createServer(app);
server.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  // The demo's simulated store sends its webhooks here, to the port actually bound.
  void demo
    ?.startOrderFlow(`http://${config.host}:${port}`)
    .catch((error: unknown) => logger.error({ err: error }, "demo order flow failed to start"));
  logger.info(
    { url: `http://${config.host}:${port}`, demo: config.demo, database: services.database.kind },
    "marketsync listening",
  );
  // Under `remix dev`, tell the dev server this build is live so it can reload the browser.
  if (config.nodeEnv === "development" && !config.demo) void broadcastDevReady(build);
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down");
  server.close();
  await stopJobs(services);
  await demo?.stop();
  await services.database.close();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
