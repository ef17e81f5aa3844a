// `npm run bench:webhooks [-- --rates 50,100,200,400,600,800 --seconds 5 --database-url postgres://…]`:
// signed Shopify fulfillments/create webhooks at increasing fixed rates against the real app
// (server.ts: Remix route, Postgres, its in-process worker working the jobs the webhooks enqueue),
// then the same load against a bare node:http server that only checks the HMAC. The app, the bare
// server, the load generator and the simulators each run in their own process. Prints accepted/s
// and p50/p99 per step for both; last line
// {"bench":"webhooks","ratio_to_bare":R,"p99_ms_at_200":P}.
import { randomBytes } from "node:crypto";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { count, sql } from "drizzle-orm";
import { openDatabase, rowsOf } from "../db/client";
import { parseKeyRing } from "../db/encryption";
import { migrate } from "../db/migrate";
import { webhookReceipts } from "../db/schema";
import { upsertInstalledStore } from "../db/stores";
import { SIM_SHOPIFY_APP } from "../test/simulators";
import {
  cleanUpOnFailure,
  createBenchDatabase,
  ensureRemixBuild,
  freePort,
  runNodeForJson,
  spawnNode,
  waitForHealthy,
} from "./webhooks/app-process";
import { cpuSeconds, machineCpu } from "./webhooks/cpu";
import type { LoadConfig, StepMark, StepResult } from "./webhooks/load-types";

const { values } = parseArgs({
  options: {
    rates: { type: "string", default: "50,100,200,400,600,800" },
    seconds: { type: "string", default: "5" },
    "database-url": { type: "string", default: "postgres://postgres@127.0.0.1:5432/test" },
    port: { type: "string", default: "4501" },
    sockets: { type: "string", default: "256" },
    /** `off` (profiling only): no in-process worker, to tell the route's cost from the jobs'. */
    worker: { type: "string", default: "in-process" },
    /** Write a V8 CPU profile of the app process here (where its milliseconds go). */
    "profile-dir": { type: "string" },
    /** Append every request's send offset, latency and status here (JSON lines, one per step). */
    timeline: { type: "string" },
  },
});
const RATES = values.rates.split(",").map(Number);
const STEP_SECONDS = Number(values.seconds);
const SIM_PORT = Number(values.port);
const SHOP = "bench-webhooks.myshopify.com";
const write = (line = "") => process.stdout.write(`${line}\n`);

cleanUpOnFailure();
ensureRemixBuild();

// --- simulators (only for what the app's scheduled jobs might call: never the internet) -------
const sims = spawnNode("test/simulators/cli.ts", ["--scale", "50", "--port", String(SIM_PORT)], {});
for (let waited = 0; !sims.output().includes("BIGCOMMERCE_ENDPOINT"); waited += 100) {
  if (waited > 30_000 || sims.child.exitCode !== null) {
    throw new Error(`simulators did not start:\n${sims.output()}`);
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const endpoints = {
  AMAZON_ENDPOINT: `http://127.0.0.1:${SIM_PORT}`,
  EBAY_ENDPOINT: `http://127.0.0.1:${SIM_PORT + 1}`,
  SHOPIFY_ENDPOINT: `http://127.0.0.1:${SIM_PORT + 2}`,
  BIGCOMMERCE_ENDPOINT: `http://127.0.0.1:${SIM_PORT + 3}`,
};
const shopToken = `shpat_${randomBytes(6).toString("hex")}`;
await fetch(`${endpoints.SHOPIFY_ENDPOINT}/__admin/shopify/shops`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ domain: SHOP, accessToken: shopToken, currency: "USD" }),
}).then((r) => r.arrayBuffer());

// --- a fresh database with the shop installed ----------------------------------------------------
const benchDb = await createBenchDatabase(values["database-url"], "marketsync_bench_webhooks");
const database = await openDatabase({ url: benchDb.url, maxConnections: 2 });
await migrate(database.db);
const keySpec = `bench:${randomBytes(32).toString("base64")}`;
await upsertInstalledStore(
  { db: database.db, keyring: parseKeyRing(keySpec) },
  {
    platform: "shopify",
    externalId: SHOP,
    accessToken: shopToken,
    scopes: "write_orders,read_products,read_fulfillments,read_inventory",
    currency: "USD",
  },
);

// --- the app, as `npm start` runs it, and the bare server ----------------------------------------
const appPort = await freePort();
const appUrl = `http://127.0.0.1:${appPort}`;
const app = spawnNode(
  "server.ts",
  [],
  {
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(appPort),
    LOG_LEVEL: "info",
    DATABASE_URL: benchDb.url,
    MARKETSYNC_ENCRYPTION_KEY: keySpec,
    SHOPIFY_API_KEY: SIM_SHOPIFY_APP.apiKey,
    SHOPIFY_API_SECRET: SIM_SHOPIFY_APP.apiSecret,
    SHOPIFY_APP_URL: appUrl,
    MARKETSYNC_PUBLIC_URL: appUrl,
    MARKETSYNC_WORKER: values.worker,
    ...endpoints,
  },
  values["profile-dir"] ? ["--cpu-prof", "--cpu-prof-dir", values["profile-dir"]] : [],
);
await waitForHealthy(`${appUrl}/healthz`, app);
const barePort = await freePort();
const bare = spawnNode(
  "bench/webhooks/bare-server.ts",
  [SIM_SHOPIFY_APP.apiSecret, String(barePort)],
  {},
);
for (let waited = 0; !bare.output().includes('"url"'); waited += 50) {
  if (waited > 20_000) throw new Error(`bare server did not start:\n${bare.output()}`);
  await new Promise((resolve) => setTimeout(resolve, 50));
}
write(
  `app ${appUrl} (server.ts, NODE_ENV=production, worker ${values.worker}, Postgres); bare ${barePort}; ` +
    `rates ${RATES.join(", ")} req/s × ${STEP_SECONDS} s, open loop, 5 s timeout`,
);
// The figures only mean something on a quiet machine: say how busy it was.
write(
  `machine: ${cpus().length} CPUs, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")} before the load`,
);

async function jobsCompleted(): Promise<number> {
  const [row] = rowsOf<{ n: number }>(
    await database.db.execute(
      sql`select count(*)::int as n from pgboss.job where name = 'fulfillment.sync' and state = 'completed'`,
    ),
  );
  return row?.n ?? 0;
}

async function jobsWaiting(): Promise<number> {
  const [row] = rowsOf<{ n: number }>(
    await database.db.execute(
      sql`select count(*)::int as n from pgboss.job where name = 'fulfillment.sync' and state in ('created', 'retry', 'active')`,
    ),
  );
  return row?.n ?? 0;
}

let appWarmupAccepted = 0;

/** Postgres backends serving the bench database (the app's pools, pg-boss's, ours). */
async function backendPids(): Promise<number[]> {
  const rows = rowsOf<{ pid: number }>(
    await database.db.execute(
      sql`select pid from pg_stat_activity where datname = current_database()`,
    ),
  );
  return rows.map((r) => r.pid);
}

async function load(
  label: "app" | "bare",
  url: string,
  serverPid: number,
  seqStart: number,
): Promise<StepResult[]> {
  const config: LoadConfig = {
    label,
    url,
    shop: SHOP,
    secret: SIM_SHOPIFY_APP.apiSecret,
    rates: RATES,
    stepSeconds: STEP_SECONDS,
    warmup: { rate: 50, seconds: 2 },
    pauseMs: 1_000,
    timeoutMs: 5_000,
    maxSockets: Number(values.sockets),
    seqStart,
    timelineFile: values.timeline,
  };
  const steps: StepResult[] = [];
  const waiting: number[] = [];
  // Lines are handled in order, each after the previous one's queries.
  let chain = Promise.resolve();
  let before = { server: 0, postgres: new Map<number, number>(), machine: machineCpu() };
  await runNodeForJson<StepResult | StepMark>(
    "bench/webhooks/load-generator.ts",
    [JSON.stringify(config)],
    (line) => {
      chain = chain.then(async () => {
        const pids = label === "app" ? await backendPids() : [];
        if ("mark" in line) {
          before = {
            server: cpuSeconds([serverPid]),
            postgres: new Map(pids.map((pid) => [pid, cpuSeconds([pid])])),
            machine: machineCpu(),
          };
          return;
        }
        line.cpu = {
          machineBusy: machineCpu().busy - before.machine.busy,
          server: cpuSeconds([serverPid]) - before.server,
          postgres: pids.reduce(
            (sum, pid) => sum + cpuSeconds([pid]) - (before.postgres.get(pid) ?? 0),
            0,
          ),
        };
        steps.push(line);
        waiting.push(label === "app" ? await jobsWaiting() : 0);
      });
    },
  );
  await chain;
  for (const [i, step] of steps.entries()) {
    const failures = [
      ...Object.entries(step.errors).map(([k, n]) => `${k}×${n}`),
      ...Object.entries(step.otherStatuses).map(([k, n]) => `HTTP ${k}×${n}`),
    ].join(" ");
    const cpu = step.cpu!;
    write(
      `  ${label.padEnd(4)} ${step.warmup ? "warm-up" : "       "} ${String(step.rate).padStart(4)}/s ` +
        `sent ${String(step.sent).padStart(5)}  accepted/s ${step.acceptedPerSecond.toFixed(1).padStart(6)}  ` +
        `p50 ${step.p50Ms.toFixed(1).padStart(7)} ms  p99 ${step.p99Ms.toFixed(1).padStart(7)} ms  ` +
        `max ${step.maxMs.toFixed(0).padStart(5)} ms  client lag p99 ${step.sendLagP99Ms.toFixed(1)} ms  ` +
        `cpu ${label} ${((cpu.server / step.elapsedS) * 100).toFixed(0)}%` +
        (label === "app"
          ? ` (${((cpu.server * 1000) / Math.max(1, step.accepted)).toFixed(2)} ms/webhook), ` +
            `postgres ${((cpu.postgres / step.elapsedS) * 100).toFixed(0)}%, jobs waiting ${waiting[i]}`
          : "") +
        `, machine ${((cpu.machineBusy / step.elapsedS) * 100).toFixed(0)}% of ${cpus().length * 100}%` +
        (failures ? `  failed: ${failures}` : ""),
    );
  }
  if (label === "app") appWarmupAccepted = steps.find((s) => s.warmup)?.accepted ?? 0;
  return steps.filter((s) => !s.warmup);
}

// The bare server first, while the app sits idle: the app's worker must not steal its CPU.
const bareSteps = await load(
  "bare",
  `http://127.0.0.1:${barePort}/webhooks/shopify`,
  bare.child.pid!,
  10_000_000,
);
await bare.stop();
const appSteps = await load("app", `${appUrl}/webhooks/shopify`, app.child.pid!, 0);
// The worker goes on working the jobs the webhooks enqueued: how fast it catches up.
const drainStarted = Date.now();
const backlogAtEnd = await jobsWaiting();
const completedAtEnd = await jobsCompleted();
let left = backlogAtEnd;
while (left > 0 && Date.now() - drainStarted < 20_000) {
  await new Promise((resolve) => setTimeout(resolve, 500));
  left = await jobsWaiting();
}
const drainS = (Date.now() - drainStarted) / 1000;
const drainedJobs = (await jobsCompleted()) - completedAtEnd;

// --- figures -------------------------------------------------------------------------------------
const accepted = appSteps.reduce((n, s) => n + s.accepted, 0) + appWarmupAccepted;
const [receipts] = await database.db.select({ n: count() }).from(webhookReceipts);
const [jobs] = rowsOf<{ n: number }>(
  await database.db.execute(
    sql`select count(*)::int as n from pgboss.job where name = 'fulfillment.sync'`,
  ),
);
const highestRate = Math.max(...RATES);
const bareAtTop = bareSteps.find((s) => s.rate === highestRate)!;
const appBest = Math.max(...appSteps.map((s) => s.acceptedPerSecond));
const ratioToBare = appBest / bareAtTop.acceptedPerSecond;
const perStep = appSteps.map((s) => {
  const b = bareSteps.find((x) => x.rate === s.rate)!;
  return { rate: s.rate, ratio: s.acceptedPerSecond / b.acceptedPerSecond };
});
const p99At200 = appSteps.find((s) => s.rate === 200)?.p99Ms ?? Number.NaN;

write();
write(`rate   app accepted/s  bare accepted/s  ratio   app p50 / p99 ms       bare p50 / p99 ms`);
for (const s of appSteps) {
  const b = bareSteps.find((x) => x.rate === s.rate)!;
  write(
    `${String(s.rate).padStart(4)}   ${s.acceptedPerSecond.toFixed(1).padStart(13)}  ${b.acceptedPerSecond.toFixed(1).padStart(15)}  ` +
      `${(s.acceptedPerSecond / b.acceptedPerSecond).toFixed(3)}   ${s.p50Ms.toFixed(1).padStart(7)} / ${s.p99Ms.toFixed(1).padStart(7)}   ` +
      `${b.p50Ms.toFixed(1).padStart(9)} / ${b.p99Ms.toFixed(1).padStart(7)}`,
  );
}
write(
  `app: ${accepted} webhooks answered "accepted" (warm-up included); ${receipts?.n} receipts and ` +
    `${jobs?.n} fulfillment.sync jobs in the database` +
    ((receipts?.n ?? 0) > accepted
      ? `: ${(receipts?.n ?? 0) - accepted} recorded for requests the sender had already given up on`
      : ""),
);
write(
  `worker: ${backlogAtEnd} fulfillment.sync jobs waiting when the load ended, ${left} ${drainS.toFixed(0)} s later; ` +
    `it completed ${drainedJobs} in that time (${(drainedJobs / drainS).toFixed(1)} jobs/s)`,
);
write(
  `ratio_to_bare = the app's highest accepted/s over all steps (${appBest.toFixed(1)}) ÷ the bare server's ` +
    `accepted/s at the highest step, ${highestRate}/s (${bareAtTop.acceptedPerSecond.toFixed(1)}) = ${ratioToBare.toFixed(3)}; ` +
    `lowest per-step ratio ${Math.min(...perStep.map((p) => p.ratio)).toFixed(3)}`,
);
write(`p99 at 200/s (app) = ${p99At200.toFixed(1)} ms`);
write(
  JSON.stringify({
    bench: "webhooks",
    ratio_to_bare: Number(ratioToBare.toFixed(3)),
    p99_ms_at_200: Number(p99At200.toFixed(1)),
  }),
);

await app.stop();
await sims.stop();
await database.close();
await benchDb.drop();
process.exit(0);
