import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { marketplaceAccounts, marketplaceOrders, type StoreRow } from "../../db/schema";
import { adminHeaders, startAdminAppServer } from "../helpers/admin-auth";
import type { AppServer } from "../helpers/app-server";
import {
  connectEbayAccount,
  type ImportWorld,
  installBigCommerceStore,
  installShopifyStore,
  seedCatalog,
  startImportWorld,
} from "../helpers/import-world";
import { buyer, drainImports, seedBuyerOrder } from "./privacy-fixtures";

interface Tenant {
  store: StoreRow;
  accountId: string;
  /** Our order row id and its eBay order id. */
  orderId: string;
  marketplaceOrderId: string;
  sku: string;
}

describe("tenant isolation: a store's session sees and touches only its own data", () => {
  let world: ImportWorld;
  let app: AppServer;
  let a: Tenant;
  let b: Tenant;

  async function tenant(store: StoreRow, seller: string, sku: string): Promise<Tenant> {
    seedCatalog(world, store, [{ sku, title: `Mug ${sku}`, price: "14.00" }]);
    const accountId = await connectEbayAccount(world, store, { username: seller });
    const marketplaceOrderId = seedBuyerOrder(world, { seller, buyer: buyer(seller), sku });
    await drainImports(world, accountId);
    const [row] = await world.database.db
      .select({ id: marketplaceOrders.id })
      .from(marketplaceOrders)
      .where(eq(marketplaceOrders.marketplaceOrderId, marketplaceOrderId));
    return { store, accountId, orderId: row!.id, marketplaceOrderId, sku };
  }

  beforeAll(async () => {
    world = await startImportWorld();
    app = await startAdminAppServer(world);
    a = await tenant(
      await installShopifyStore(world, { shop: "tenant-a.myshopify.com" }),
      "seller_a",
      "MUG-A",
    );
    b = await tenant(
      await installBigCommerceStore(world, { hash: "tenantb" }),
      "seller_b",
      "MUG-B",
    );
  });
  afterAll(async () => {
    await app?.close();
    await world?.close();
  });

  const request = async (
    as: Tenant,
    path: string,
    init: { method?: string; body?: URLSearchParams } = {},
  ) =>
    fetch(`${app.url}${path}`, {
      redirect: "manual",
      ...init,
      headers: await adminHeaders(app, as.store),
    });

  const orderState = async (orderId: string) => {
    const [row] = await world.database.db
      .select({ state: marketplaceOrders.state })
      .from(marketplaceOrders)
      .where(eq(marketplaceOrders.id, orderId));
    return row!.state;
  };

  it("GIVEN two stores with an order each WHEN each asks for its own order THEN 200 (the sessions work)", async () => {
    for (const t of [a, b]) {
      const response = await request(
        t,
        `/app/orders/${t.orderId}?_data=routes/app.orders.$orderId`,
      );
      expect(response.status).toBe(200);
      expect(JSON.stringify(await response.json())).toContain(t.marketplaceOrderId);
    }
  });

  it.each([
    ["A (Shopify) asks for B's order", () => [a, b] as const],
    ["B (BigCommerce) asks for A's order", () => [b, a] as const],
  ])("GIVEN %s WHEN it loads the order THEN 404", async (_case, pair) => {
    const [asker, owner] = pair();
    const response = await request(
      asker,
      `/app/orders/${owner.orderId}?_data=routes/app.orders.$orderId`,
    );
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain(owner.marketplaceOrderId);
  });

  it.each([
    ["A (Shopify) skips B's order", () => [a, b] as const],
    ["B (BigCommerce) skips A's order", () => [b, a] as const],
  ])(
    "GIVEN %s WHEN it posts the action THEN 404 and the order is untouched",
    async (_case, pair) => {
      const [asker, owner] = pair();
      const before = await orderState(owner.orderId);

      const response = await request(
        asker,
        `/app/orders/${owner.orderId}?_data=routes/app.orders.$orderId`,
        { method: "POST", body: new URLSearchParams({ intent: "skip" }) },
      );

      expect(response.status).toBe(404);
      expect(await orderState(owner.orderId)).toBe(before);
    },
  );

  const accountRow = async (accountId: string) => {
    const [row] = await world.database.db
      .select()
      .from(marketplaceAccounts)
      .where(eq(marketplaceAccounts.id, accountId));
    return row!;
  };

  it.each([
    ["A (Shopify) opens B's account settings", () => [a, b] as const],
    ["B (BigCommerce) opens A's account settings", () => [b, a] as const],
  ])("GIVEN %s WHEN it loads them THEN 404; its own THEN 200", async (_case, pair) => {
    const [asker, owner] = pair();
    const settings = (t: Tenant) =>
      `/app/accounts/${t.accountId}/settings?_data=routes/app.accounts.$accountId.settings`;

    expect((await request(asker, settings(owner))).status).toBe(404);
    expect((await request(asker, settings(asker))).status).toBe(200);
  });

  it("GIVEN A WHEN it saves settings for B's account or disconnects it THEN 404 and B's account is unchanged", async () => {
    const before = await accountRow(b.accountId);

    const save = await request(
      a,
      `/app/accounts/${b.accountId}/settings?_data=routes/app.accounts.$accountId.settings`,
      { method: "POST", body: new URLSearchParams({ pollIntervalMinutes: "45" }) },
    );
    const disconnect = await request(a, "/app/accounts?index&_data=routes/app.accounts._index", {
      method: "POST",
      body: new URLSearchParams({ intent: "disconnect", accountId: b.accountId }),
    });

    expect(save.status).toBe(404);
    expect(disconnect.status).toBe(404);
    expect(await accountRow(b.accountId)).toEqual(before);
  });

  it("GIVEN A filters its order list by B's account WHEN it loads the list THEN it is not found, and none of B's orders or accounts appear", async () => {
    const response = await request(
      a,
      `/app/orders?account=${b.accountId}&_data=routes/app.orders._index`,
    );
    expect(response.status).toBe(404);
    const body = await response.text();
    expect(body).not.toContain(b.marketplaceOrderId);
    expect(body).not.toContain(b.accountId);

    const own = JSON.stringify(
      await (await request(a, "/app/orders?_data=routes/app.orders._index")).json(),
    );
    expect(own).toContain(a.marketplaceOrderId);
    expect(own).not.toContain(b.marketplaceOrderId);
  });

  it("GIVEN A exports its orders, filtered by B's account or not WHEN the CSV streams THEN B's account is not found and A's file holds none of B's orders", async () => {
    const foreign = await request(a, `/app/orders/export?account=${b.accountId}`);
    const own = await request(a, "/app/orders/export");
    expect(foreign.status).toBe(404);
    expect(own.status).toBe(200);

    const foreignCsv = await foreign.text();
    const ownCsv = await own.text();
    expect(foreignCsv).not.toContain(b.marketplaceOrderId);
    expect(ownCsv).toContain(a.marketplaceOrderId);
    expect(ownCsv).not.toContain(b.marketplaceOrderId);
  });

  it("GIVEN A searches a SKU only B's catalog has WHEN it searches variants THEN it finds none", async () => {
    const foreign = await request(a, `/app/variants/search?sku=${b.sku}`);
    expect(await foreign.json()).toEqual({ q: b.sku, variants: [] });
    const own = (await (await request(b, `/app/variants/search?sku=${b.sku}`)).json()) as {
      variants: unknown[];
    };
    expect(own.variants).toHaveLength(1);
  });

  it("GIVEN each store WHEN it loads the dashboard THEN it counts its own order only", async () => {
    for (const t of [a, b]) {
      const response = await request(t, "/app?_data=routes/app._index");
      const { stats } = (await response.json()) as { stats: { totalOrders: number } };
      expect(stats.totalOrders).toBe(1);
    }
  });
});
