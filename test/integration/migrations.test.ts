import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../db/client";
import { migrate } from "../../db/migrate";
import { createTestDatabase, type TestDatabase } from "../helpers/database";

const TABLES = [
  "stores",
  "marketplace_accounts",
  "marketplace_orders",
  "marketplace_order_lines",
  "order_links",
  "shipments",
  "tracking_pushes",
  "sku_mappings",
  "carrier_mappings",
  "sync_events",
  "webhook_receipts",
  "shopify_sessions",
];

describe("migrations", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
  });
  afterAll(() => database.drop());

  it("GIVEN an empty database WHEN migrated THEN every table exists and the journal records it", async () => {
    const result = await migrate(database.db);
    expect(result.applied).toBe(result.total);
    expect(result.total).toBeGreaterThan(0);

    const tables = rowsOf<{ table_name: string }>(
      await database.db.execute(
        sql`select table_name from information_schema.tables where table_schema = 'public'`,
      ),
    ).map((r) => r.table_name);
    expect(tables).toEqual(expect.arrayContaining(TABLES));
  });

  it("GIVEN a migrated database WHEN migrated again, twice at once THEN nothing is applied twice", async () => {
    const results = await Promise.all([migrate(database.db), migrate(database.db)]);
    expect(results.map((r) => r.applied)).toEqual([0, 0]);
    const journal = rowsOf<{ n: string | number }>(
      await database.db.execute(sql`select count(*) as n from drizzle.__drizzle_migrations`),
    );
    expect(Number(journal[0]!.n)).toBe(results[0]!.total);
  });

  it("GIVEN the schema WHEN a second order with the same account and marketplace id is inserted THEN the database refuses it", async () => {
    const db = database.db;
    const [store] = rowsOf<{ id: string }>(
      await db.execute(
        sql`insert into stores (platform, external_id) values ('shopify', 'uq.myshopify.com') returning id`,
      ),
    );
    const [account] = rowsOf<{ id: string }>(
      await db.execute(sql`insert into marketplace_accounts (store_id, platform, seller_id, display_name, region)
        values (${store!.id}, 'ebay', 'seller', 'eBay FR', 'EBAY_FR') returning id`),
    );
    const insertOrder = () =>
      db.execute(sql`insert into marketplace_orders (account_id, store_id, marketplace, marketplace_order_id,
          marketplace_status, currency, marketplace_created_at, marketplace_updated_at)
        values (${account!.id}, ${store!.id}, 'ebay', '12-34567-89012', 'PAID', 'EUR', now(), now())`);
    await insertOrder();
    await expect(insertOrder()).rejects.toThrow();
  });
});
