import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import { parseConfig } from "../../app/config.server";
import { createLogger } from "../../app/logger.server";
import type { Services } from "../../app/services.server";
import { PROJECT_ROOT } from "./app-process";
import type { ImportWorld } from "./import-world";

/**
 * The real Remix app (the `remix build` output, as server.ts serves it) in the test's own process,
 * on the world's database, job queue and simulators, over real HTTP on loopback. Routes read their
 * services from the process-wide slot server.ts fills, so a test file serves one app at a time.
 */
export interface AppServer {
  url: string;
  services: Services;
  close(): Promise<void>;
}

const SERVICES = Symbol.for("marketsync.services");
export const TEST_EBAY_VERIFICATION_TOKEN = "marketsync-test-verification-token-0123456789";

export async function startAppServer(
  world: ImportWorld,
  overrides: Partial<Services> = {},
): Promise<AppServer> {
  const buildFile = join(PROJECT_ROOT, "build", "index.js");
  if (!existsSync(buildFile)) {
    throw new Error("build/index.js is missing: run `npx remix build` (npm test does it first)");
  }
  const config = parseConfig({
    ...world.childEnv(),
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    EBAY_VERIFICATION_TOKEN: TEST_EBAY_VERIFICATION_TOKEN,
  });
  const logger = createLogger(config);
  const services: Services = {
    config,
    logger,
    database: world.database,
    db: world.database.db,
    keyring: world.deps.keyring,
    queues: world.deps.queues,
    endpoints: { ...config.endpoints, ...world.deps.endpoints },
    apps: world.deps.apps,
    publicUrl: undefined,
    ebayVerificationToken: TEST_EBAY_VERIFICATION_TOKEN,
    jobs: world.jobs,
    ...overrides,
  };
  (globalThis as Record<symbol, unknown>)[SERVICES] = services;

  const build = (await import(pathToFileURL(buildFile).href)) as ServerBuild;
  const app = express();
  app.all("*", createRequestHandler({ build, mode: "test" }));
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  services.publicUrl ??= url;
  return {
    url,
    services,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      delete (globalThis as Record<symbol, unknown>)[SERVICES];
    },
  };
}
