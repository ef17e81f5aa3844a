import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, inArray, sql } from "drizzle-orm";
import pino from "pino";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buyerSearchKeys } from "../../db/buyer-search";
import { rowsOf } from "../../db/client";
import { backfillBuyerSearchKeys } from "../../db/buyer-search-backfill";
import { generateKeySpec, parseKeyRing } from "../../db/encryption";
import { migrate, MIGRATIONS_FOLDER } from "../../db/migrate";
import { listOrders } from "../../db/order-list";
import { CONTEXT } from "../../db/orders";
import { purgeOrderPii } from "../../db/pii";
import { marketplaceOrders } from "../../db/schema";
import { startWorker } from "../../jobs/worker";
import {
  createTestDatabase,
  databaseMode,
  type TestDatabase,
  testKeyRing,
} from "../helpers/database";
import { startImportWorld } from "../helpers/import-world";
import { until } from "../helpers/until";
import { type SeededStore, seedAccountsAndOrders, seedStoreOrders } from "./order-list-fixtures";

/** The committed migrations up to and including `lastTag`, in a folder of their own. */
function migrationsUpTo(lastTag: string): { folder: string; remove: () => void } {
  const folder = mkdtempSync(join(tmpdir(), "marketsync-migrations-"));
  cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
  const journalPath = join(folder, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
  const last = journal.entries.findIndex((entry) => entry.tag === lastTag);
  if (last < 0) throw new Error(`no migration ${lastTag}`);
  journal.entries = journal.entries.slice(0, last + 1);
  writeFileSync(journalPath, JSON.stringify(journal));
  return { folder, remove: () => rmSync(folder, { recursive: true, force: true }) };
}

const BUYERS = {
  OLD1: { name: "Élodie Martin", email: "elodie@example.fr" },
  OLD2: { name: "John Smith", email: "john@example.com" },
  OLD3: { name: "Ana Lima" },
  NOBODY: {},
  ERASED: { name: "Erased Buyer", email: "erased@example.com" },
} as const;

describe("buyer search keys of orders stored before they existed", () => {
  let database: TestDatabase;
  let seeded: Omit<SeededStore, "store">;
  let storeId: string;
  const keyring = testKeyRing();
  const logger = pino({ level: "silent" });
  const found = async (search: string) =>
    (
      await listOrders(database.db, keyring, {
        storeId,
        filter: { search },
        limit: 50,
      })
    ).rows.map((row) => row.marketplaceOrderId);
  const keysOf = async (key: keyof typeof BUYERS) =>
    (
      await database.db
        .select({ keys: marketplaceOrders.buyerSearchKeys })
        .from(marketplaceOrders)
        .where(eq(marketplaceOrders.id, seeded.ids[key]!))
    )[0]!.keys;

  beforeAll(async () => {
    // GIVEN a database as it was before migration 0006, whose orders were stored before 0003
    // (the column's default, an empty index), one of them since erased.
    database = await createTestDatabase({ migrated: false });
    const before = migrationsUpTo("0005_pending_connections");
    try {
      await migrate(database.db, before.folder);
    } finally {
      before.remove();
    }
    // `stores` as migration 0005 left it: the schema's newer columns do not exist yet.
    const [store] = rowsOf<{ id: string }>(
      await database.db.execute(
        sql`insert into stores (platform, external_id) values ('shopify', 'backfill.myshopify.com') returning id`,
      ),
    );
    storeId = store!.id;
    const shop = { id: storeId, externalId: "backfill.myshopify.com" };
    seeded = await seedAccountsAndOrders(
      database.db,
      keyring,
      shop,
      Object.entries(BUYERS).map(([key, buyer]) => ({
        key,
        account: "ebay" as const,
        state: "imported" as const,
        createdAt: "2026-11-01T10:00:00Z",
        buyer,
      })),
    );
    await purgeOrderPii(database.db, keyring, [seeded.ids.ERASED!]);
    await database.db.execute(sql`update marketplace_orders set buyer_search_keys = '{}'`);
  });
  afterAll(() => database.drop());

  it("GIVEN old orders WHEN migration 0006 runs THEN those with a buyer are marked not indexed, erased ones stay empty, and search finds none yet", async () => {
    const result = await migrate(database.db);
    expect(result.applied).toBeGreaterThan(0);
    for (const key of ["OLD1", "OLD2", "OLD3", "NOBODY"] as const) {
      expect(await keysOf(key)).toBeNull();
    }
    expect(await keysOf("ERASED")).toEqual([]);
    expect(await found("élodie martin")).toEqual([]);
  });

  it("GIVEN an order whose buyer was encrypted under a key the ring lacks WHEN backfilled in batches of one THEN the others are indexed, it stays marked and is reported, and the walk ends", async () => {
    const foreign = parseKeyRing(generateKeySpec("gone"));
    await database.db
      .update(marketplaceOrders)
      .set({ buyerEnc: foreign.encrypt(JSON.stringify(BUYERS.OLD3), CONTEXT.buyer) })
      .where(eq(marketplaceOrders.id, seeded.ids.OLD3!));

    const result = await backfillBuyerSearchKeys(
      { db: database.db, keyring, logger },
      { batchSize: 1 },
    );

    expect(result).toEqual({ indexed: 3, failed: 1 });
    expect(await keysOf("OLD3")).toBeNull();
    expect(await keysOf("NOBODY")).toEqual([]);
    expect(await found("élodie martin")).toEqual(["OLD1"]);
    expect(await found("JOHN@example.com")).toEqual(["OLD2"]);
    expect(await found("erased@example.com")).toEqual([]);
  });

  it("GIVEN the key is back in the ring WHEN backfilled again THEN the last order is indexed, and a further run finds nothing to do", async () => {
    await database.db
      .update(marketplaceOrders)
      .set({ buyerEnc: keyring.encrypt(JSON.stringify(BUYERS.OLD3), CONTEXT.buyer) })
      .where(eq(marketplaceOrders.id, seeded.ids.OLD3!));

    expect(await backfillBuyerSearchKeys({ db: database.db, keyring, logger })).toEqual({
      indexed: 1,
      failed: 0,
    });
    expect(await found("ana lima")).toEqual(["OLD3"]);
    expect(await backfillBuyerSearchKeys({ db: database.db, keyring, logger })).toEqual({
      indexed: 0,
      failed: 0,
    });
  });

  // PGlite has one connection: a lock held by another session exists only on Postgres.
  it.skipIf(databaseMode() === "pglite")(
    "GIVEN an order an import holds locked WHEN backfilled THEN it is passed over, not waited for, and the next run takes it",
    async () => {
      const ids = [seeded.ids.OLD1!, seeded.ids.OLD2!];
      await database.db
        .update(marketplaceOrders)
        .set({ buyerSearchKeys: null })
        .where(inArray(marketplaceOrders.id, ids));
      const other = postgres(database.url!, { max: 1, onnotice: () => {} });
      try {
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        let locked!: () => void;
        const lockTaken = new Promise<void>((resolve) => (locked = resolve));
        const holder = other.begin(async (tx) => {
          await tx`select id from marketplace_orders where id = ${seeded.ids.OLD1!} for update`;
          locked();
          await held;
        });
        await lockTaken;
        expect(await backfillBuyerSearchKeys({ db: database.db, keyring, logger })).toEqual({
          indexed: 1,
          failed: 0,
        });
        expect(await keysOf("OLD1")).toBeNull();
        release();
        await holder;
      } finally {
        await other.end();
      }
      expect(await backfillBuyerSearchKeys({ db: database.db, keyring, logger })).toEqual({
        indexed: 1,
        failed: 0,
      });
      expect(await found("élodie martin")).toEqual(["OLD1"]);
    },
  );
});

describe("buyer search backfill job", () => {
  it("GIVEN orders not indexed yet WHEN a worker starts THEN its orders.index_buyers job indexes them", async () => {
    const world = await startImportWorld();
    try {
      const seeded = await seedStoreOrders(
        world.database.db,
        world.deps.keyring,
        "job.myshopify.com",
        [
          {
            key: "OLD",
            account: "amazon",
            state: "imported",
            createdAt: "2026-11-01T10:00:00Z",
            buyer: BUYERS.OLD1,
          },
        ],
      );
      await world.database.db
        .update(marketplaceOrders)
        .set({ buyerSearchKeys: null })
        .where(eq(marketplaceOrders.id, seeded.ids.OLD!));

      const worker = await startWorker(world.deps, { pollingIntervalSeconds: 0.5 });
      try {
        const keys = await until("the order's buyer search keys", async () => {
          const [row] = await world.database.db
            .select({ keys: marketplaceOrders.buyerSearchKeys })
            .from(marketplaceOrders)
            .where(eq(marketplaceOrders.id, seeded.ids.OLD!));
          return row?.keys ?? undefined;
        });
        expect(keys).toEqual(buyerSearchKeys(world.deps.keyring, BUYERS.OLD1));
      } finally {
        await worker.stop();
      }
    } finally {
      await world.close();
    }
  });
});
