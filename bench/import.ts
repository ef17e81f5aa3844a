// `npm run bench:import [-- --orders 10000 --scale 50 --database-url postgres://…]`: a backlog of
// marketplace orders across accounts, through the real pipeline (pg-boss jobs, pollAccount,
// pre-checks, processOrder, real connectors) against the simulators running in their own process.
// Prints elapsed ÷ the rate-limit bound (the fastest the vendors' limits allow for the calls the
// pipeline made), peak RSS of this process and duplicates; last line
// {"bench":"import","ratio":R,"peak_rss_mb":M,"duplicates":D}.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { count, eq, inArray } from "drizzle-orm";
import postgres from "postgres";
import { PUBLISHED_LIMITS } from "../connectors/rate-limit/limits";
import { RateLimitRegistry } from "../connectors/rate-limit/registry";
import { encryptCredentials } from "../db/accounts";
import { openDatabase } from "../db/client";
import { parseKeyRing } from "../db/encryption";
import { migrate } from "../db/migrate";
import { marketplaceAccounts, marketplaceOrders, orderLinks, type StoreRow } from "../db/schema";
import { upsertInstalledStore } from "../db/stores";
import { startJobQueue } from "../jobs/boss";
import type { ImportDeps } from "../jobs/import/poll-account";
import { startWorker } from "../jobs/worker";
import {
  SIM_CLIENT_ID,
  SIM_CLIENT_SECRET,
  SIM_REFRESH_TOKEN,
  SIM_SELLER_ID,
} from "../test/simulators/amazon/state";
import { SIM_SHOPIFY_APP } from "../test/simulators";
import { DEFAULT_APP } from "../test/simulators/ebay";

const { values } = parseArgs({
  options: {
    orders: { type: "string", default: "10000" },
    scale: { type: "string", default: "50" },
    "database-url": { type: "string", default: "postgres://postgres@127.0.0.1:5432/test" },
    port: { type: "string", default: "4401" },
  },
});
const TOTAL = Number(values.orders);
const SCALE = Number(values.scale);
const BASE_PORT = Number(values.port);
const ROOT = fileURLToPath(new URL("..", import.meta.url));

const CATALOG = ["MUG", "TEE", "CAP", "POSTER", "CANDLE", "SOCKS", "BAG", "PEN"].map((sku, i) => ({
  sku,
  title: `Product ${sku}`,
  price: `${10 + i}.50`,
}));

let peakRss = process.memoryUsage().rss;
const rssTimer = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 100);

// --- simulators, in their own process so this process's memory is the pipeline's ---------------
const sims: ChildProcess = spawn(
  process.execPath,
  [
    "--import",
    "tsx",
    "test/simulators/cli.ts",
    "--scale",
    String(SCALE),
    "--port",
    String(BASE_PORT),
  ],
  { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
);
await new Promise<void>((resolve, reject) => {
  let out = "";
  sims.stdout!.on("data", (c: Buffer) => {
    out += c.toString();
    if (out.includes("BIGCOMMERCE_ENDPOINT")) resolve();
  });
  sims.once("exit", (code) => reject(new Error(`simulators exited with ${code}`)));
});
const endpoints = {
  amazon: `http://127.0.0.1:${BASE_PORT}`,
  ebay: `http://127.0.0.1:${BASE_PORT + 1}`,
  shopify: `http://127.0.0.1:${BASE_PORT + 2}`,
  bigcommerce: `http://127.0.0.1:${BASE_PORT + 3}`,
};
async function admin(base: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${base}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? undefined : response.json();
}

// --- a fresh database ----------------------------------------------------------------------------
const serverUrl = values["database-url"];
const dbName = `marketsync_bench_${randomBytes(4).toString("hex")}`;
const adminSql = postgres(serverUrl, { max: 1, onnotice: () => {} });
await adminSql.unsafe(`create database "${dbName}"`);
const url = new URL(serverUrl);
url.pathname = `/${dbName}`;
const database = await openDatabase({ url: url.toString(), maxConnections: 20 });
await migrate(database.db);
const keyring = parseKeyRing(`bench:${randomBytes(32).toString("base64")}`);
const jobs = await startJobQueue(database, { schedule: false });
const queues = new RateLimitRegistry({ scale: SCALE });
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const ebayApp = { appId: DEFAULT_APP.appId, certId: DEFAULT_APP.certId };
const deps: ImportDeps = {
  db: database.db,
  keyring,
  queues,
  endpoints,
  apps: {
    amazon: { clientId: SIM_CLIENT_ID, clientSecret: SIM_CLIENT_SECRET },
    ebay: ebayApp,
    shopify: SIM_SHOPIFY_APP,
  },
  logger: quiet,
  jobs,
};

// --- stores, catalogs, accounts, orders ------------------------------------------------------------
async function shopifyStore(shop: string): Promise<StoreRow> {
  const token = `shpat_${randomBytes(6).toString("hex")}`;
  await admin(endpoints.shopify, "/__admin/shopify/shops", {
    domain: shop,
    accessToken: token,
    currency: "USD",
  });
  for (const p of CATALOG) {
    await admin(endpoints.shopify, `/__admin/shopify/shops/${shop}/products`, {
      title: p.title,
      variants: [{ sku: p.sku, price: p.price, inventoryQuantity: 1_000_000 }],
    });
  }
  return upsertInstalledStore(
    { db: database.db, keyring },
    {
      platform: "shopify",
      externalId: shop,
      accessToken: token,
      scopes: "",
      currency: "USD",
    },
  );
}
async function bigCommerceStore(hash: string): Promise<StoreRow> {
  const token = `bc_${randomBytes(6).toString("hex")}`;
  await admin(endpoints.bigcommerce, "/__admin/stores", {
    hash,
    currency: "USD",
    tokens: [{ token }],
  });
  for (const p of CATALOG) {
    await admin(endpoints.bigcommerce, `/__admin/stores/${hash}/products`, {
      name: p.title,
      price: Number(p.price),
      inventory_tracking: "variant",
      variants: [{ sku: p.sku, inventory_level: 1_000_000 }],
    });
  }
  return upsertInstalledStore(
    { db: database.db, keyring },
    {
      platform: "bigcommerce",
      externalId: hash,
      accessToken: token,
      scopes: "",
      currency: "USD",
    },
  );
}
const address = {
  fullName: "Ava Johnson",
  addressLine1: "12 Maple St",
  city: "Portland",
  stateOrProvince: "OR",
  postalCode: "97201",
  countryCode: "US",
};
function line(i: number) {
  const p = CATALOG[i % CATALOG.length]!;
  return {
    sku: p.sku,
    title: p.title,
    quantity: 1 + (i % 3),
    unitPrice: p.price,
    shipping: "4.99",
  };
}
async function ebayAccount(store: StoreRow, username: string, orders: number): Promise<string> {
  const tokens = (await admin(endpoints.ebay, "/__admin/ebay/accounts", {
    username,
    marketplaceId: "EBAY_US",
  })) as {
    accessToken: string;
    refreshToken: string;
    expiresAt: string;
  };
  for (let i = 0; i < orders; i += 500) {
    const batch = Array.from({ length: Math.min(500, orders - i) }, (_, j) => ({
      seller: username,
      lines: [line(i + j)],
      shipTo: address,
      createdAt: new Date(Date.now() - 3_600_000).toISOString(),
    }));
    await admin(endpoints.ebay, "/__admin/ebay/orders", batch);
  }
  const [row] = await database.db
    .insert(marketplaceAccounts)
    .values({
      storeId: store.id,
      platform: "ebay",
      sellerId: username,
      displayName: username,
      region: "EBAY_US",
      marketplaceIds: ["EBAY_US"],
      credentialsEnc: encryptCredentials(keyring, tokens),
      settings: {},
    })
    .returning({ id: marketplaceAccounts.id });
  return row!.id;
}
async function amazonAccount(store: StoreRow, orders: number): Promise<string> {
  for (let i = 0; i < orders; i += 500) {
    const batch = Array.from({ length: Math.min(500, orders - i) }, (_, j) => {
      const l = line(i + j);
      return {
        status: "UNSHIPPED",
        marketplaceId: "ATVPDKIKX0DER",
        createdTime: new Date(Date.now() - 3_600_000).toISOString(),
        items: [{ sku: l.sku, title: l.title, quantity: l.quantity, unitPrice: l.unitPrice }],
        shipTo: {
          name: address.fullName,
          addressLine1: address.addressLine1,
          city: address.city,
          stateOrRegion: address.stateOrProvince,
          postalCode: address.postalCode,
          countryCode: "US",
        },
      };
    });
    await admin(endpoints.amazon, "/__admin/amazon/orders", batch);
  }
  const [row] = await database.db
    .insert(marketplaceAccounts)
    .values({
      storeId: store.id,
      platform: "amazon",
      sellerId: SIM_SELLER_ID,
      displayName: "Amazon US",
      region: "na",
      marketplaceIds: ["ATVPDKIKX0DER"],
      credentialsEnc: encryptCredentials(keyring, { refreshToken: SIM_REFRESH_TOKEN }),
      settings: {},
    })
    .returning({ id: marketplaceAccounts.id });
  return row!.id;
}

const perAccount = Math.floor(TOTAL / 8);
const shopA = await shopifyStore("bench-a.myshopify.com");
const shopB = await shopifyStore("bench-b.myshopify.com");
const bcC = await bigCommerceStore("benchc");
const bcD = await bigCommerceStore("benchd");
const accountIds = [
  await ebayAccount(shopA, "bench_a1", perAccount),
  await amazonAccount(shopA, perAccount),
  await ebayAccount(shopB, "bench_b1", perAccount),
  await ebayAccount(shopB, "bench_b2", perAccount),
  await ebayAccount(bcC, "bench_c1", perAccount),
  await ebayAccount(bcC, "bench_c2", perAccount),
  await ebayAccount(bcD, "bench_d1", perAccount),
  await ebayAccount(bcD, "bench_d2", TOTAL - 7 * perAccount),
];
process.stdout.write(
  `seeded ${TOTAL} orders across ${accountIds.length} accounts and 4 stores (scale ×${SCALE})\n`,
);

// --- run -------------------------------------------------------------------------------------------
const started = performance.now();
// The job pool as the app runs it (32 in flight, at most 4 per account).
const worker = await startWorker(deps);
for (const accountId of accountIds) {
  await jobs.send(
    database.db,
    "import.poll",
    { accountId, reason: "manual" },
    { singletonKey: accountId },
  );
}
const deadline = Date.now() + 30 * 60_000;
let lastProgress = Date.now();
for (;;) {
  const [done] = await database.db
    .select({ n: count() })
    .from(marketplaceOrders)
    .where(inArray(marketplaceOrders.state, ["imported", "held", "skipped", "failed"]));
  if ((done?.n ?? 0) >= TOTAL) break;
  if (Date.now() - lastProgress > 5_000) {
    lastProgress = Date.now();
    const [stored] = await database.db.select({ n: count() }).from(marketplaceOrders);
    const byStore = await database.db
      .select({ store: marketplaceOrders.storeId, state: marketplaceOrders.state, n: count() })
      .from(marketplaceOrders)
      .groupBy(marketplaceOrders.storeId, marketplaceOrders.state);
    const names = new Map([shopA, shopB, bcC, bcD].map((s) => [s.id, s.externalId.slice(0, 7)]));
    const summary = byStore
      .filter((r) => r.state === "imported")
      .map((r) => `${names.get(r.store)}=${r.n}`)
      .join(" ");
    process.stdout.write(
      `  ${((performance.now() - started) / 1000).toFixed(0)} s: ${stored?.n ?? 0} orders read, ${done?.n ?? 0} settled (${summary})\n`,
    );
  }
  if (Date.now() > deadline) throw new Error(`timed out with ${done?.n} of ${TOTAL} orders done`);
  await new Promise((r) => setTimeout(r, 250));
}
const elapsedMs = performance.now() - started;
await worker.stop();

// --- figures ---------------------------------------------------------------------------------------
const [imported] = await database.db
  .select({ n: count() })
  .from(marketplaceOrders)
  .where(eq(marketplaceOrders.state, "imported"));
const [links] = await database.db.select({ n: count() }).from(orderLinks);
let storeOrders = 0;
const refs = new Map<string, number>();
for (const shop of [shopA, shopB]) {
  const { orders } = (await admin(
    endpoints.shopify,
    `/__admin/shopify/shops/${shop.externalId}/orders`,
  )) as {
    orders: { sourceIdentifier?: string }[];
  };
  storeOrders += orders.length;
  for (const o of orders)
    refs.set(
      `${shop.externalId}:${o.sourceIdentifier}`,
      (refs.get(`${shop.externalId}:${o.sourceIdentifier}`) ?? 0) + 1,
    );
}
for (const store of [bcC, bcD]) {
  const { orders } = (await admin(
    endpoints.bigcommerce,
    `/__admin/stores/${store.externalId}/orders`,
  )) as {
    orders: { order: { external_order_id?: string } }[];
  };
  storeOrders += orders.length;
  for (const o of orders)
    refs.set(
      `${store.externalId}:${o.order.external_order_id}`,
      (refs.get(`${store.externalId}:${o.order.external_order_id}`) ?? 0) + 1,
    );
}
const duplicates =
  [...refs.values()].reduce((sum, n) => sum + (n - 1), 0) + Math.max(0, storeOrders - TOTAL);

let boundMs = 0;
let bindingQueue = "";
for (const queue of queues.all()) {
  const boundForQueue =
    (Math.max(0, queue.stats.consumed - queue.limit.burst) / (queue.limit.rate * SCALE)) * 1000;
  if (boundForQueue > boundMs) {
    boundMs = boundForQueue;
    bindingQueue = queue.key;
  }
}
const limitsNote = Object.keys(PUBLISHED_LIMITS).join(", ");
for (const queue of queues.all()) {
  process.stdout.write(
    `  queue ${queue.key}: ${queue.stats.completed} calls, ${queue.stats.consumed} units, ${queue.stats.rateLimited} throttled\n`,
  );
}
clearInterval(rssTimer);
const ratio = elapsedMs / boundMs;
process.stdout.write(
  [
    `orders imported: ${imported?.n} of ${TOTAL}; links: ${links?.n}; store orders: ${storeOrders}`,
    `elapsed ${(elapsedMs / 1000).toFixed(1)} s; rate-limit bound ${(boundMs / 1000).toFixed(1)} s (binding queue ${bindingQueue}; limits of ${limitsNote} × ${SCALE})`,
    `ratio elapsed ÷ bound = ${ratio.toFixed(3)}; peak RSS ${(peakRss / 1048576).toFixed(0)} MB; duplicates ${duplicates}`,
    JSON.stringify({
      bench: "import",
      ratio: Number(ratio.toFixed(3)),
      peak_rss_mb: Math.round(peakRss / 1048576),
      duplicates,
    }),
    "",
  ].join("\n"),
);

await jobs.stop();
await database.close();
await adminSql.unsafe(`drop database if exists "${dbName}" with (force)`);
await adminSql.end();
sims.kill("SIGTERM");
process.exit(0);
