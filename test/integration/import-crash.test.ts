import { and, asc, eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { marketplaceOrders, orderLinks, type StoreRow, syncEvents } from "../../db/schema";
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
import type { Exchange, SimulatorServer } from "../simulators/shared/server";
import { until } from "../helpers/until";

const ADDRESS = {
  fullName: "Ava Johnson",
  addressLine1: "12 Maple St",
  city: "Portland",
  stateOrProvince: "OR",
  postalCode: "97201",
  countryCode: "US",
};

/** Rows of a raw `db.execute` (postgres.js gives an array, PGlite `{ rows }`). */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** How each store platform creates an order, and what the simulator holds afterwards. */
interface StoreCase {
  platform: "shopify" | "bigcommerce";
  install(world: ImportWorld, key: string): Promise<StoreRow>;
  server(world: ImportWorld): SimulatorServer;
  /** The create-order call: Shopify's single graphql operation narrowed to the mutation. */
  createFault: { operation: string; match?: string };
  isCreate(exchange: Exchange): boolean;
  /** Store order ids in the simulator, with the marketplace order id each one carries. */
  storeOrders(world: ImportWorld, store: StoreRow): { id: string; marketplaceOrderId: unknown }[];
}

const CASES: StoreCase[] = [
  {
    platform: "shopify",
    install: (world, key) => installShopifyStore(world, { shop: `${key}.myshopify.com` }),
    server: (world) => world.simulators.shopify.server,
    createFault: { operation: "graphql", match: "mutation OrderCreate" },
    isCreate: (e) =>
      e.operation === "graphql" && e.request.rawBody.includes("mutation OrderCreate"),
    storeOrders: (world, store) =>
      world.simulators.shopify
        .orders(store.externalId)
        .map((o) => ({ id: String(o.id), marketplaceOrderId: o.sourceIdentifier })),
  },
  {
    platform: "bigcommerce",
    install: (world, key) => installBigCommerceStore(world, { hash: key }),
    server: (world) => world.simulators.bigcommerce.server,
    createFault: { operation: "createOrder" },
    isCreate: (e) => e.operation === "createOrder",
    storeOrders: (world, store) =>
      world.simulators.bigcommerce.orders(store.externalId).map(({ order }) => ({
        id: String(order.id),
        marketplaceOrderId: order.external_order_id,
      })),
  },
];

describe.skipIf(databaseMode() !== "postgres")(
  "a worker process killed between the store's commit and ours (needs Postgres: separate worker processes share one database; skipped on PGlite)",
  () => {
    let world: ImportWorld;
    const workers: WorkerProcess[] = [];
    beforeAll(async () => {
      world = await startImportWorld();
    });
    afterEach(async () => {
      for (const w of workers.splice(0)) await w.kill();
    });
    afterAll(() => world?.close());

    /**
     * What pg-boss's supervisor does once a dead worker's job has been active longer than the
     * queue's expireInSeconds (15 minutes by default): fail it, so it is retried with backoff. The
     * test does it at once instead of waiting out the expiry (the supervisor's own pass is also
     * rate-limited to one per monitor interval across the database, so it cannot be forced here).
     */
    async function expireOrphanedJobs(): Promise<number> {
      const active = rowsOf<{ id: string }>(
        await world.database.db.execute(
          sql`select id from pgboss.job where name = 'order.process' and state = 'active'`,
        ),
      );
      const ids = active.map((r) => r.id);
      if (ids.length > 0) {
        await world.jobs.boss.fail("order.process", ids, { message: "job timed out" });
      }
      return ids.length;
    }

    async function orderRow(marketplaceOrderId: string) {
      const [row] = await world.database.db
        .select()
        .from(marketplaceOrders)
        .where(eq(marketplaceOrders.marketplaceOrderId, marketplaceOrderId));
      return row;
    }

    for (const c of CASES) {
      it(`GIVEN ${c.platform} accepted an order but its answer never reached the worker WHEN the worker is SIGKILLed and a fresh worker takes over THEN the store holds exactly one order, the link is created and the timeline says it was found in the store`, async () => {
        const key = `crash-${c.platform}`;
        const store = await c.install(world, key);
        seedCatalog(world, store, [{ sku: "MUG-BLUE", title: "Blue mug", price: "14.00" }]);
        const accountId = await connectEbayAccount(world, store, { username: `${key}_seller` });
        const ebayOrderId = world.simulators.ebay.seedOrder({
          seller: `${key}_seller`,
          lines: [{ sku: "MUG-BLUE", title: "Blue mug", quantity: 2, unitPrice: "14.00" }],
          shipTo: ADDRESS,
        });
        const server = c.server(world);
        const createsBefore = server.exchanges.filter(c.isCreate).length;
        // The store runs the create-order call for real, then never answers: the worker sits
        // waiting for a reply (its own timeout is 15 s) with the order already in the store.
        server.injectFault({ ...c.createFault, kind: "hold_response", times: 1 });

        const first = await startWorkerProcess(world.childEnv(), { name: `${key}-first` });
        workers.push(first);
        await world.jobs.send(world.database.db, "import.poll", { accountId, reason: "manual" });

        const [inStore] = await until("the store to hold the order", () => {
          const found = c.storeOrders(world, store);
          return found.length > 0 ? found : undefined;
        });
        expect(inStore!.marketplaceOrderId).toBe(ebayOrderId);
        // Marketsync has its intent and nothing more: the order is `creating`, the link has no
        // store order id yet. This is the window the crash must land in.
        const before = await orderRow(ebayOrderId);
        expect(before?.state).toBe("creating");
        const [intent] = await world.database.db
          .select()
          .from(orderLinks)
          .where(eq(orderLinks.orderId, before!.id));
        expect(intent).toMatchObject({ state: "creating", storeOrderId: null });

        await first.kill();
        expect(first.child.signalCode).toBe("SIGKILL");
        server.faults.clear();
        // The killed worker's job is still `active` (and holds the account's group); expiry fails it.
        expect(await expireOrphanedJobs()).toBe(1);

        const second = await startWorkerProcess(world.childEnv(), { name: `${key}-second` });
        workers.push(second);
        const after = await until(
          "the order to be imported by the fresh worker",
          async () => {
            const row = await orderRow(ebayOrderId);
            return row?.state === "imported" ? row : undefined;
          },
          45_000,
        ).catch((error: Error) => {
          throw new Error(`${error.message}\nfresh worker printed:\n${second.output()}`);
        });

        const inStoreAfter = c.storeOrders(world, store);
        expect(inStoreAfter).toEqual([inStore]);
        // One create call in all: the fresh worker looked the order up and never created again.
        expect(server.exchanges.filter(c.isCreate).length - createsBefore).toBe(1);

        const links = await world.database.db
          .select()
          .from(orderLinks)
          .where(and(eq(orderLinks.orderId, after.id), eq(orderLinks.accountId, accountId)));
        expect(links).toHaveLength(1);
        expect(links[0]!.state).toBe("created");
        expect(links[0]!.storeOrderId).toMatch(new RegExp(`(^|/)${inStore!.id}$`));

        const timeline = await world.database.db
          .select({ kind: syncEvents.kind })
          .from(syncEvents)
          .where(eq(syncEvents.orderId, after.id))
          .orderBy(asc(syncEvents.id));
        const kinds = timeline.map((e) => e.kind);
        expect(kinds).toContain("order.found_in_store");
        expect(kinds).not.toContain("order.imported");
        expect(kinds.filter((k) => k === "order.creating")).toHaveLength(1);
      }, 120_000);
    }
  },
);
