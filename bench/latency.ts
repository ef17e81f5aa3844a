// `npm run bench:latency [-- --samples 200 --rate 4 --scale 50 --database-url postgres://…]`: how
// long from a merchant shipping in Shopify to eBay/Amazon holding the tracking. One store, one eBay
// and one Amazon account; the app (server.ts with its in-process worker, on Postgres, in its own
// process) imports their orders, then the Shopify simulator fulfills them one by one at a modest
// rate, each sending its signed fulfillments/create webhook to the app. A sample runs from that
// send to the marketplace simulator's receivedAt of the confirmation; the simulators and this
// measuring code share one process, hence one clock. Rate limits are scaled (app and simulators
// alike) so tokens are always available: this measures the path, not the vendors' budgets.
// Last line {"bench":"latency","p50_ms":A,"p99_ms":B}.
import { randomBytes } from "node:crypto";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { count, eq } from "drizzle-orm";
import { openDatabase } from "../db/client";
import { parseKeyRing } from "../db/encryption";
import { migrate } from "../db/migrate";
import { marketplaceOrders, trackingPushes } from "../db/schema";
import { startJobQueue } from "../jobs/boss";
import { SIM_SHOPIFY_APP, startSimulators } from "../test/simulators";
import { SIM_CLIENT_ID, SIM_CLIENT_SECRET } from "../test/simulators/amazon";
import { breakdown, describe, type Sample, SEGMENTS } from "./latency/breakdown";
import {
  connectAmazon,
  connectEbay,
  seedAmazonOrders,
  seedEbayOrders,
  seedShopifyStore,
} from "./latency/seed";
import {
  cleanUpOnFailure,
  createBenchDatabase,
  ensureRemixBuild,
  freePort,
  spawnNode,
  waitForHealthy,
} from "./webhooks/app-process";
import { percentile } from "./webhooks/load-types";

const { values } = parseArgs({
  options: {
    samples: { type: "string", default: "200" },
    /** Not counted: the first fulfillments meet cold code paths and fresh connections. */
    warmup: { type: "string", default: "10" },
    /** Fulfillments per second. */
    rate: { type: "string", default: "4" },
    scale: { type: "string", default: "50" },
    "database-url": { type: "string", default: "postgres://postgres@127.0.0.1:5432/test" },
  },
});
const SAMPLES = Number(values.samples);
const WARMUP = Number(values.warmup);
const RATE = Number(values.rate);
const SCALE = Number(values.scale);
const TOTAL = SAMPLES + WARMUP;
const SHOP = "bench-latency.myshopify.com";
const EBAY_SELLER = "bench_latency_seller";
const write = (line = "") => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

cleanUpOnFailure();
ensureRemixBuild();
write(
  `machine: ${cpus().length} CPUs, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);

// --- simulators here (same clock as the measurements), a fresh database, the seeds --------------
const sims = await startSimulators({ scale: SCALE, shopifyApp: SIM_SHOPIFY_APP });
const benchDb = await createBenchDatabase(values["database-url"], "marketsync_bench_latency");
const database = await openDatabase({ url: benchDb.url, maxConnections: 4 });
await migrate(database.db);
const keySpec = `bench:${randomBytes(32).toString("base64")}`;
const seedDeps = { db: database.db, keyring: parseKeyRing(keySpec), sims };
const store = await seedShopifyStore(seedDeps, SHOP);
const ebayAccountId = await connectEbay(seedDeps, store, EBAY_SELLER);
const amazonAccountId = await connectAmazon(seedDeps, store);
const ebayOrders = seedEbayOrders(seedDeps, EBAY_SELLER, Math.ceil(TOTAL / 2));
const amazonOrders = seedAmazonOrders(seedDeps, Math.floor(TOTAL / 2));

// --- the app -------------------------------------------------------------------------------------
const appPort = await freePort();
const appUrl = `http://127.0.0.1:${appPort}`;
const app = spawnNode("bench/latency/scaled-app.ts", [String(SCALE)], {
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
  AMAZON_LWA_CLIENT_ID: SIM_CLIENT_ID,
  AMAZON_LWA_CLIENT_SECRET: SIM_CLIENT_SECRET,
  EBAY_APP_ID: sims.ebay.app.appId,
  EBAY_CERT_ID: sims.ebay.app.certId,
  AMAZON_ENDPOINT: sims.endpoints.amazon,
  EBAY_ENDPOINT: sims.endpoints.ebay,
  SHOPIFY_ENDPOINT: sims.endpoints.shopify,
  BIGCOMMERCE_ENDPOINT: sims.endpoints.bigcommerce,
});
await waitForHealthy(`${appUrl}/healthz`, app);

// The app's own jobs do the rest, as they would after an install and "import now".
const jobs = await startJobQueue(database, { supervise: false, schedule: false });
await jobs.send(database.db, "tracking.reconcile_store", { storeId: store.id });
await until(
  "the app to subscribe to fulfillments/create",
  async () =>
    sims.shopify.subscriptions(SHOP).some((s) => s.topic === "FULFILLMENTS_CREATE") || undefined,
  30_000,
);
const importStarted = Date.now();
for (const accountId of [ebayAccountId, amazonAccountId]) {
  await jobs.send(
    database.db,
    "import.poll",
    { accountId, reason: "manual" },
    { singletonKey: accountId },
  );
}
await until(
  `${TOTAL} orders imported`,
  async () => {
    const [row] = await database.db
      .select({ n: count() })
      .from(marketplaceOrders)
      .where(eq(marketplaceOrders.state, "imported"));
    return (row?.n ?? 0) >= TOTAL || undefined;
  },
  120_000,
);
write(
  `${TOTAL} orders (${ebayOrders.length} eBay, ${amazonOrders.length} Amazon) imported by the app in ` +
    `${((Date.now() - importStarted) / 1000).toFixed(1)} s; rate limits ×${SCALE} in the app and the simulators`,
);

// --- fulfill one by one, eBay and Amazon in turn ---------------------------------------------------
const storeOrderIds = new Map(
  sims.shopify.orders(SHOP).map((o) => [o.sourceIdentifier ?? "", o.id] as const),
);
const plan = Array.from({ length: TOTAL }, (_, i) => {
  const ebay = i % 2 === 0;
  const marketplaceOrderId = ebay ? ebayOrders[i / 2]! : amazonOrders[(i - 1) / 2]!;
  return { marketplace: ebay ? ("ebay" as const) : ("amazon" as const), marketplaceOrderId };
});
const sent: { sentAt: number; fulfillmentGid: Promise<string> }[] = [];
const started = performance.now();
for (const [i, item] of plan.entries()) {
  const wait = started + (i * 1000) / RATE - performance.now();
  if (wait > 0) await sleep(wait);
  const storeOrderId = storeOrderIds.get(item.marketplaceOrderId);
  if (storeOrderId === undefined) throw new Error(`${item.marketplaceOrderId} is not in the store`);
  const tracking =
    item.marketplace === "ebay"
      ? { company: "USPS", number: `9400${String(100_000_000 + i).padStart(18, "0")}` }
      : { company: "UPS", number: `1Z999AA1${String(10_000_000 + i).padStart(10, "0")}` };
  // createFulfillment sends the webhook right away (it resolves once the app has answered).
  sent.push({
    sentAt: Date.now(),
    fulfillmentGid: sims.shopify.createFulfillment(
      SHOP,
      `gid://shopify/Order/${storeOrderId}`,
      tracking,
    ),
  });
}
const gids = await Promise.all(sent.map((s) => s.fulfillmentGid));

function receivedAt(item: (typeof plan)[number]): string | undefined {
  return item.marketplace === "ebay"
    ? sims.ebay.fulfillments(item.marketplaceOrderId)[0]?.receivedAt
    : sims.amazon.shipmentConfirmations(item.marketplaceOrderId)[0]?.receivedAt;
}
await until(
  "every confirmation to reach its marketplace",
  async () => plan.every((item) => receivedAt(item) !== undefined) || undefined,
  60_000,
).catch((error: unknown) => {
  const missing = plan.filter((item) => receivedAt(item) === undefined).length;
  write(`${missing} of ${TOTAL} confirmations never arrived`);
  throw error;
});

// --- figures -------------------------------------------------------------------------------------
const deliveries = new Map(
  sims.shopify
    .deliveries(SHOP)
    .filter((d) => d.topic === "FULFILLMENTS_CREATE")
    .map((d) => [(d.body as { admin_graphql_api_id: string }).admin_graphql_api_id, d]),
);
const samples: Sample[] = plan.map((item, i) => {
  const delivery = deliveries.get(gids[i]!);
  if (delivery?.status !== 200) throw new Error(`webhook ${gids[i]} answered ${delivery?.status}`);
  return {
    ...item,
    fulfillmentGid: gids[i]!,
    eventId: delivery.headers["x-shopify-event-id"]!,
    sentAt: sent[i]!.sentAt,
    receivedAt: Date.parse(receivedAt(item)!),
  };
});
const measured = samples.slice(WARMUP);
const latencies = measured.map((s) => s.receivedAt - s.sentAt);
const p50 = percentile(latencies, 0.5);
const p99 = percentile(latencies, 0.99);
const throttled = [sims.ebay, sims.amazon, sims.shopify].reduce(
  (n, sim) => n + [...sim.server.throttledCount.values()].reduce((a, b) => a + b, 0),
  0,
);
await sleep(1_000); // the read-back after each push
const [confirmed] = await database.db
  .select({ n: count() })
  .from(trackingPushes)
  .where(eq(trackingPushes.state, "confirmed"));

write(
  `${measured.length} samples (after ${WARMUP} warm-up) at ${RATE} fulfillments/s; ${confirmed?.n} of ${TOTAL} ` +
    `pushes confirmed by the read-back; 429/THROTTLED answers from the simulators: ${throttled}`,
);
write(`webhook sent → marketplace received the confirmation:`);
write(`  all     ${describe(latencies)}`);
for (const marketplace of ["ebay", "amazon"] as const) {
  const subset = measured.filter((s) => s.marketplace === marketplace);
  write(`  ${marketplace.padEnd(7)} ${describe(subset.map((s) => s.receivedAt - s.sentAt))}`);
}
write(
  `where the milliseconds go (per sample, from the database's and the simulators' timestamps):`,
);
const { segments, perSample } = await breakdown(database.db, measured);
for (const [i, [what, span]] of SEGMENTS.entries()) {
  write(`  ${`${what} (${span})`.padEnd(82)} ${describe(segments[i]!)}`);
}
// The tail is what the p99 target is about: when the slowest samples were sent and which hop held them.
const firstSent = measured[0]!.sentAt;
const slowest = measured
  .map((s, i) => ({ s, spans: perSample[i], total: s.receivedAt - s.sentAt }))
  .sort((a, b) => b.total - a.total)
  .slice(0, 5);
write(`slowest samples (sent at, total; then the five segments above, ms):`);
for (const { s, spans, total } of slowest) {
  write(
    `  +${((s.sentAt - firstSent) / 1000).toFixed(1).padStart(5)} s  ${s.marketplace.padEnd(6)} ` +
      `${String(total).padStart(5)} ms = ${spans?.map((ms) => ms.toFixed(0)).join(" + ") ?? "?"}`,
  );
}
write(JSON.stringify({ bench: "latency", p50_ms: Math.round(p50), p99_ms: Math.round(p99) }));

await jobs.stop();
await app.stop();
await database.close();
await benchDb.drop();
await sims.stop();
process.exit(0);
