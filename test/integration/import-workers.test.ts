import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { marketplaceOrders, orderLinks, type StoreRow } from "../../db/schema";
import { databaseMode } from "../helpers/database";
import {
  connectEbayAccount,
  type ImportWorld,
  installBigCommerceStore,
  installShopifyStore,
  seedCatalog,
  startImportWorld,
} from "../helpers/import-world";
import { startWorkerProcess, type WorkerProcess } from "../helpers/worker-process";
import type { Exchange } from "../simulators/shared/server";
import { until } from "../helpers/until";

const ADDRESS = {
  fullName: "Ava Johnson",
  addressLine1: "12 Maple St",
  city: "Portland",
  stateOrProvince: "OR",
  postalCode: "97201",
  countryCode: "US",
};
const ORDERS_PER_ACCOUNT = 20;

/** Rows of a raw `db.execute` (postgres.js gives an array, PGlite `{ rows }`). */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** Each worker reaches the simulators under its own host name, so every exchange names its worker. */
function envFor(world: ImportWorld, host: "127.0.0.1" | "localhost"): Record<string, string> {
  const env = world.childEnv();
  for (const key of [
    "AMAZON_ENDPOINT",
    "EBAY_ENDPOINT",
    "SHOPIFY_ENDPOINT",
    "BIGCOMMERCE_ENDPOINT",
  ]) {
    const url = new URL(env[key]!);
    url.hostname = host;
    env[key] = url.origin;
  }
  return env;
}

interface JobRow {
  id: string;
  name: string;
  groupId: string;
  state: string;
  retryCount: number;
  startedOn: Date;
  completedOn: Date | null;
  data: { orderId?: string; accountId: string };
  output: unknown;
}

/**
 * How far pg-boss's `started_on` can precede the moment a job really became active. It is stamped
 * with the fetch's transaction start (`now()`), while the fetch decides on a snapshot taken after
 * the statement is planned: a job fetched just after its sibling completed can show a start a few
 * milliseconds before that completion (CI saw 2 ms). Shorter overlaps are below what these
 * timestamps can tell; the database's own guard (one active job per singleton key) and the
 * checks below (one store order and one creating job per order) still hold them to none.
 */
const STARTED_ON_SLACK_MS = 50;

/** Pairs of runs with the same key whose [started_on, completed_on] intervals overlap. */
function overlapping(jobs: JobRow[], key: (job: JobRow) => string): string[] {
  const byKey = new Map<string, { id: string; start: number; end: number }[]>();
  for (const j of jobs) {
    const runs = byKey.get(key(j)) ?? [];
    runs.push({
      id: j.id,
      start: new Date(j.startedOn).getTime(),
      end: new Date(j.completedOn!).getTime(),
    });
    byKey.set(key(j), runs);
  }
  const found: string[] = [];
  for (const [k, runs] of byKey) {
    runs.sort((x, y) => x.start - y.start);
    let last = runs[0]!;
    for (const run of runs.slice(1)) {
      if (run.start + STARTED_ON_SLACK_MS < last.end) {
        found.push(
          `${k}: ${last.id} [${last.start}, ${last.end}] and ${run.id} [${run.start}, ${run.end}]`,
        );
      }
      if (run.end > last.end) last = run;
    }
  }
  return found;
}

describe.skipIf(databaseMode() !== "postgres")(
  "two worker processes on one database (needs Postgres: separate processes share it; skipped on PGlite)",
  () => {
    let world: ImportWorld;
    const workers: WorkerProcess[] = [];
    beforeAll(async () => {
      world = await startImportWorld();
    });
    afterAll(async () => {
      for (const w of workers) await w.kill();
      await world?.close();
    });

    it("GIVEN 3 accounts with 60 orders and every order enqueued from both sides WHEN two worker processes work the queue THEN each order is in its store exactly once, all are imported, both workers took part, an account's polls never ran at once and no order was ever processed by two jobs at once", async () => {
      const shop = await installShopifyStore(world, { shop: "workers.myshopify.com" });
      const bc = await installBigCommerceStore(world, { hash: "workers" });
      const catalog = [
        { sku: "MUG-BLUE", title: "Blue mug", price: "14.00" },
        { sku: "CANDLE", title: "Candle", price: "16.00" },
      ];
      seedCatalog(world, shop, catalog);
      seedCatalog(world, bc, catalog);
      // Two accounts feed one Shopify store, the third a BigCommerce store.
      const plan: { username: string; store: StoreRow }[] = [
        { username: "workers_seller_a", store: shop },
        { username: "workers_seller_b", store: shop },
        { username: "workers_seller_c", store: bc },
      ];
      const accounts: { id: string; username: string; orderIds: string[] }[] = [];
      for (const { username, store } of plan) {
        const id = await connectEbayAccount(world, store, { username });
        const orderIds = Array.from({ length: ORDERS_PER_ACCOUNT }, (_, i) =>
          world.simulators.ebay.seedOrder({
            seller: username,
            lines: [
              {
                sku: i % 2 ? "MUG-BLUE" : "CANDLE",
                title: "Item",
                quantity: 1 + (i % 3),
                unitPrice: i % 2 ? "14.00" : "16.00",
              },
            ],
            shipTo: ADDRESS,
          }),
        );
        accounts.push({ id, username, orderIds });
      }
      const accountIds = accounts.map((a) => a.id);
      const allOrderIds = accounts.flatMap((a) => a.orderIds);
      const inAccounts = sql.join(
        accountIds.map((id) => sql`${id}`),
        sql`, `,
      );
      /** Sends a poll to each account not yet polled `times` times (the queue refuses a second queued one). */
      const polls = new Map<string, number>();
      const pollAll = async (times: number) => {
        for (const id of accountIds) {
          if ((polls.get(id) ?? 0) >= times) continue;
          const sent = await world.jobs.send(
            world.database.db,
            "import.poll",
            { accountId: id, reason: "manual" },
            { singletonKey: id },
          );
          if (sent) polls.set(id, (polls.get(id) ?? 0) + 1);
        }
      };

      // Both workers are up before any work exists: whichever process started first would
      // otherwise drain a backlog this small on its own.
      const [a, b] = await Promise.all([
        startWorkerProcess(envFor(world, "127.0.0.1"), { name: "worker-a" }),
        startWorkerProcess(envFor(world, "localhost"), { name: "worker-b" }),
      ]);
      workers.push(a!, b!);
      await pollAll(1);
      // A second poll per account while the first may still run (the poll queue keeps one queued
      // beside one active), and a second process job for every order as soon as it is stored —
      // what a re-poll seeing a change, or a merchant's retry, sends — so every order has two jobs
      // that two workers could run at once if the account's jobs were not serialized.
      const doubled = new Set<string>();
      const sendSecondJobs = async () => {
        await pollAll(2);
        const stored = await world.database.db
          .select({ id: marketplaceOrders.id, accountId: marketplaceOrders.accountId })
          .from(marketplaceOrders)
          .where(inArray(marketplaceOrders.accountId, accountIds));
        for (const row of stored) {
          if (doubled.has(row.id)) continue;
          doubled.add(row.id);
          await world.jobs.send(world.database.db, "order.process", {
            orderId: row.id,
            accountId: row.accountId,
          });
        }
      };

      const failWith = (error: Error) => {
        throw new Error(
          `${error.message}\n--- worker-a:\n${a!.output().slice(-4000)}\n--- worker-b:\n${b!.output().slice(-4000)}`,
        );
      };
      await until(
        "every order imported and every job settled",
        async () => {
          const rows = await world.database.db
            .select({ state: marketplaceOrders.state })
            .from(marketplaceOrders)
            .where(inArray(marketplaceOrders.accountId, accountIds));
          if (rows.length < allOrderIds.length || rows.some((r) => r.state !== "imported")) {
            return false;
          }
          if (doubled.size < allOrderIds.length) return false;
          if (accountIds.some((id) => polls.get(id) !== 2)) return false;
          const open = rowsOf<{ n: number }>(
            await world.database.db.execute(sql`select count(*)::int as n from pgboss.job
                 where group_id in (${inAccounts}) and state in ('created', 'retry', 'active')`),
          );
          return open[0]!.n === 0;
        },
        90_000,
        sendSecondJobs,
      ).catch(failWith);
      await Promise.all([a!.stop(), b!.stop()]);

      // No duplicates: one store order per marketplace order, across both stores.
      const inStores = [
        ...world.simulators.shopify.orders(shop.externalId).map((o) => o.sourceIdentifier),
        ...world.simulators.bigcommerce
          .orders(bc.externalId)
          .map(({ order }) => order.external_order_id as string),
      ];
      expect(inStores).toHaveLength(allOrderIds.length);
      expect([...inStores].sort()).toEqual([...allOrderIds].sort());

      // Every order imported, each with one created link.
      const links = await world.database.db
        .select({ state: orderLinks.state, id: orderLinks.marketplaceOrderId })
        .from(orderLinks)
        .where(inArray(orderLinks.accountId, accountIds));
      expect(links).toHaveLength(allOrderIds.length);
      expect(links.every((l) => l.state === "created")).toBe(true);

      // Both workers took part: each store create call names the worker that made it.
      const creates: (Exchange & { worker: string })[] = [
        ...world.simulators.shopify.server.exchanges.filter(
          (e) => e.operation === "graphql" && e.request.rawBody.includes("mutation OrderCreate"),
        ),
        ...world.simulators.bigcommerce.server.exchangesFor("createOrder"),
      ].map((e) => ({ ...e, worker: e.request.headers.host?.startsWith("localhost") ? "b" : "a" }));
      expect(creates).toHaveLength(allOrderIds.length);
      const byWorker = { a: 0, b: 0 };
      for (const e of creates) byWorker[e.worker as "a" | "b"] += 1;
      expect(byWorker.a).toBeGreaterThan(0);
      expect(byWorker.b).toBeGreaterThan(0);

      // Serialization, from pg-boss's own record of each run [started_on, completed_on] — whichever
      // worker ran it, on the database's one clock. Every job ran once (no retry hides an earlier
      // run), so these are all the runs there were.
      const jobs = rowsOf<JobRow>(
        await world.database.db.execute(
          sql`select id, name, group_id as "groupId", state, retry_count as "retryCount",
                   started_on as "startedOn", completed_on as "completedOn", data, output
              from pgboss.job where group_id in (${inAccounts})`,
        ),
      );
      const processJobs = jobs.filter((j) => j.name === "order.process");
      expect(processJobs).toHaveLength(allOrderIds.length * 2);
      expect(jobs.filter((j) => j.name === "import.poll")).toHaveLength(accountIds.length * 2);
      for (const job of jobs) {
        expect(job, `job ${job.name} ${job.id}`).toMatchObject({
          state: "completed",
          retryCount: 0,
        });
      }
      // An account's polls never run at once (two polls of one account were queued side by side).
      expect(
        overlapping(
          jobs.filter((j) => j.name === "import.poll"),
          (j) => j.groupId,
        ),
      ).toEqual([]);
      // One order is never processed by two jobs at once (each order had two jobs, from two sides).
      expect(overlapping(processJobs, (j) => j.data.orderId!)).toEqual([]);

      // Of each order's two jobs, exactly one created it; the other found it imported.
      const outputs = processJobs.map((j) => JSON.stringify(j.output));
      expect(outputs.filter((o) => o.includes("imported")).length).toBe(allOrderIds.length);

      // Both workers created orders of one account: the accounts were shared between the workers,
      // not split between them.
      const orderToAccount = new Map(
        accounts.flatMap((acc) => acc.orderIds.map((o) => [o, acc.id])),
      );
      const workersPerAccount = new Map<string, Set<string>>();
      for (const e of creates) {
        const body = e.request.body as {
          variables?: { order?: { sourceIdentifier?: string } };
          external_order_id?: string;
        };
        const ref = body.variables?.order?.sourceIdentifier ?? body.external_order_id;
        const account = orderToAccount.get(ref!)!;
        workersPerAccount.set(account, (workersPerAccount.get(account) ?? new Set()).add(e.worker));
      }
      expect([...workersPerAccount.values()].some((s) => s.size === 2)).toBe(true);

      const [row] = await world.database.db
        .select({ n: sql<number>`count(*)::int` })
        .from(marketplaceOrders)
        .where(eq(marketplaceOrders.state, "imported"));
      expect(row!.n).toBe(allOrderIds.length);
    }, 180_000);
  },
);
