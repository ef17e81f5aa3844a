// `npm run bench:admin [-- --orders 1000000 --requests 200 --server-url postgres://…]`: seeds a
// fresh Postgres database with a million orders across five stores (bench/admin/seed.ts), then
// times the orders list's query layer (db/order-list.ts, as the route calls it) on the largest
// store: the first page, and filtered pages (states, marketplace, account + dates, searches, a
// next page by cursor) taken in turn. Drops the database afterwards. Last line
// {"bench":"admin","first_page_p95_ms":A,"filtered_p95_ms":B}.
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { openDatabase } from "../db/client";
import { generateKeySpec, parseKeyRing } from "../db/encryption";
import { migrate } from "../db/migrate";
import { listOrders, type OrderListFilter } from "../db/order-list";
import { buyerName, seedAdminOrders } from "./admin/seed";

const { values } = parseArgs({
  options: {
    orders: { type: "string", default: "1000000" },
    requests: { type: "string", default: "200" },
    "server-url": { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
    /** Keep the seeded database (to EXPLAIN a query by hand); dropped otherwise. */
    keep: { type: "boolean", default: false },
  },
});
const TOTAL = Number(values.orders);
const REQUESTS = Number(values.requests);
const PAGE = 50;
const out = (line: string) => process.stdout.write(`${line}\n`);

const name = `marketsync_bench_admin_${randomBytes(4).toString("hex")}`;
const admin = postgres(values["server-url"], { max: 1, onnotice: () => {} });
await admin.unsafe(`create database "${name}"`);
const url = new URL(values["server-url"]);
url.pathname = `/${name}`;
// Interrupted mid-seed, the database would stay behind with a million rows: drop it on the way out.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void admin
      .unsafe(`drop database if exists "${name}" with (force)`)
      .finally(() => process.exit(130));
  });
}
const handle = await openDatabase({ url: url.toString(), maxConnections: 4 });
const seedSql = postgres(url.toString(), { max: 1, onnotice: () => {} });

try {
  await migrate(handle.db);
  const keyring = parseKeyRing(generateKeySpec("bench"));
  let started = performance.now();
  const { stores } = await seedAdminOrders(seedSql, keyring, TOTAL);
  out(`seeded ${TOTAL.toLocaleString("en")} orders in ${secs(started)} s`);
  const store = stores[0]!;
  out(`largest store: ${store.orders.toLocaleString("en")} orders`);
  const amazon = store.accounts.find((a) => a.platform === "amazon")!.id;

  const list = (filter: OrderListFilter = {}, after?: Parameters<typeof listOrders>[2]["after"]) =>
    listOrders(handle.db, keyring, { storeId: store.id, filter, after, limit: PAGE });

  const now = Date.now();
  const deepHeld = await list({ states: ["held"] });
  const filtered: [string, () => Promise<unknown>][] = [
    ["held", () => list({ states: ["held"] })],
    ["held, next page", () => list({ states: ["held"] }, deepHeld.next)],
    [
      "amazon, awaiting shipment",
      () => list({ marketplaces: ["amazon"], states: ["awaiting_shipment"] }),
    ],
    [
      "account + last 30 days",
      () =>
        list({
          accountIds: [amazon],
          createdFrom: new Date(now - 30 * 86_400_000),
          createdBefore: new Date(now - 86_400_000),
        }),
    ],
    [
      "held, a year ago",
      () =>
        list({
          states: ["held"],
          createdFrom: new Date(now - 365 * 86_400_000),
          createdBefore: new Date(now - 335 * 86_400_000),
        }),
    ],
    ["failed (import or push)", () => list({ states: ["failed"] })],
    ["cancelled + skipped", () => list({ states: ["cancelled", "skipped"] })],
    ["tracking sent", () => list({ states: ["tracking_sent"] })],
    ["search buyer name", () => list({ search: buyerName(4242) })],
    ["search store order", () => list({ search: "#250000" })],
    ["search marketplace id", () => list({ search: "12-00400008" })],
  ];

  const warm = async (fn: () => Promise<unknown>, n: number) => {
    for (let i = 0; i < n; i++) await fn();
  };
  await warm(() => list(), 20);
  for (const [, fn] of filtered) await warm(fn, 3);

  started = performance.now();
  const first = await time(REQUESTS, () => list());
  out(`first page: ${summary(first)}`);
  const perKind = new Map<string, number[]>();
  const all: number[] = [];
  for (let i = 0; i < Math.max(REQUESTS, filtered.length * 20); i++) {
    const [label, fn] = filtered[i % filtered.length]!;
    const [ms] = await time(1, fn);
    all.push(ms!);
    perKind.set(label, [...(perKind.get(label) ?? []), ms!]);
  }
  for (const [label, samples] of perKind) out(`  ${label.padEnd(28)} ${summary(samples)}`);
  out(`filtered pages: ${summary(all)}`);
  out(`measured in ${secs(started)} s`);
  out(
    JSON.stringify({
      bench: "admin",
      first_page_p95_ms: round(p95(first)),
      filtered_p95_ms: round(p95(all)),
    }),
  );
} finally {
  await seedSql.end();
  await handle.close();
  if (values.keep) out(`kept database ${name}`);
  else await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.end();
}

async function time(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return samples;
}

function p95(samples: number[]): number {
  const sorted = [...samples].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!;
}

function summary(samples: number[]): string {
  const sorted = [...samples].sort((x, y) => x - y);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `n=${samples.length} median ${round(median)} ms, p95 ${round(p95(samples))} ms, max ${round(sorted.at(-1)!)} ms`;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

function secs(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}
