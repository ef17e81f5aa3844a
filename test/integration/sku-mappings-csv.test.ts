import { parse } from "csv-parse/sync";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportSkuMappingsCsv, importSkuMappingsCsv } from "../../app/sku-mappings.server";
import { marketplaceOrders, skuMappings, type StoreRow, syncEvents } from "../../db/schema";
import { pollAccount } from "../../jobs/import/poll-account";
import { processOrder } from "../../jobs/import/process-order";
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

/** shopify-app-remix answers 410 to user agents it takes for bots (Node's fetch among them). */
const BROWSER = {
  "user-agent":
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
};

const SHIP_TO = {
  fullName: "Ava Johnson",
  addressLine1: "12 Maple St",
  city: "Portland",
  stateOrProvince: "OR",
  postalCode: "97201",
  countryCode: "US",
};

describe("SKU mappings: CSV import and export, list, delete, variant search", () => {
  let world: ImportWorld;
  let app: AppServer;
  let store: StoreRow;
  let otherStore: StoreRow;
  let accountId: string;
  const seller = "csv_seller";

  beforeAll(async () => {
    world = await startImportWorld();
    app = await startAdminAppServer(world);
    store = await installShopifyStore(world, { shop: "csv-a.myshopify.com" });
    otherStore = await installShopifyStore(world, { shop: "csv-b.myshopify.com" });
    seedCatalog(world, store, [
      { sku: "MUG-BLUE", title: "Blue mug", price: "14.00" },
      { sku: "MUG-RED", title: "Red mug", price: "14.00" },
    ]);
    accountId = await connectEbayAccount(world, store, { username: seller });
  });
  afterAll(async () => {
    await app?.close();
    await world?.close();
  });

  const deps = () => ({ db: world.database.db, jobs: world.jobs });

  async function drainOrders() {
    for (;;) {
      const jobs = await world.jobs.boss.fetch<{ orderId: string }>("order.process", {
        batchSize: 50,
      });
      if (jobs.length === 0) return;
      for (const job of jobs) {
        await processOrder(world.deps, { orderId: job.data.orderId });
        await world.jobs.boss.complete("order.process", job.id);
      }
    }
  }

  const mappingsOf = (storeId: string) =>
    world.database.db
      .select({
        marketplaceSku: skuMappings.marketplaceSku,
        storeSku: skuMappings.storeSku,
        accountId: skuMappings.accountId,
        id: skuMappings.id,
      })
      .from(skuMappings)
      .where(eq(skuMappings.storeId, storeId));

  async function request(asStore: StoreRow, path: string, init: RequestInit = {}) {
    const headers = await adminHeaders(app, asStore);
    return fetch(`${app.url}${path}`, {
      ...init,
      headers: { ...headers, ...BROWSER, ...(init.headers as Record<string, string>) },
    });
  }

  it("GIVEN a file with bad lines WHEN it is imported THEN each bad line is reported with its number and nothing is saved", async () => {
    const csv = [
      "store_sku,marketplace_sku,account",
      "MUG-BLUE,eb-blue,all",
      ",eb-red,all",
      "MUG-RED,eb-red,amazon:nobody",
      "MUG-BLUE,EB-BLUE,all",
      "MUG-RED,,",
    ].join("\n");

    const result = await importSkuMappingsCsv(deps(), store.id, csv);

    expect(result).toEqual({
      ok: false,
      rowErrors: [
        { line: 3, code: "csv.store_sku_missing" },
        { line: 4, code: "csv.account_unknown", params: { account: "amazon:nobody" } },
        { line: 5, code: "csv.duplicate", params: { sku: "EB-BLUE", other: 2 } },
        { line: 6, code: "csv.marketplace_sku_missing" },
      ],
    });
    expect(await mappingsOf(store.id)).toEqual([]);
    expect(await importSkuMappingsCsv(deps(), store.id, "sku;other\nA;B")).toEqual({
      ok: false,
      fileError: "csv.columns",
    });
  });

  it("GIVEN an order held for an unknown SKU WHEN a valid file maps it THEN the mappings are saved and the order is re-checked and imported", async () => {
    const ebayOrderId = world.simulators.ebay.seedOrder({
      seller,
      lines: [{ sku: "eb-blue", title: "Blue mug", quantity: 1, unitPrice: "14.00" }],
      shipTo: SHIP_TO,
    });
    await pollAccount(world.deps, { accountId });
    await drainOrders();
    const stateOf = async () =>
      (
        await world.database.db
          .select({ state: marketplaceOrders.state })
          .from(marketplaceOrders)
          .where(eq(marketplaceOrders.marketplaceOrderId, ebayOrderId))
      )[0]!.state;
    expect(await stateOf()).toBe("held");

    const csv =
      "\uFEFFStore_SKU,Marketplace_SKU,Account\r\n" +
      `MUG-BLUE,eb-blue,ebay:${seller}\r\n` +
      '"MUG-RED","eb-red, large",all\r\n';
    const result = await importSkuMappingsCsv(deps(), store.id, csv);

    expect(result).toEqual({ ok: true, saved: 2, rechecked: 1 });
    await drainOrders();
    expect(await stateOf()).toBe("imported");
    expect(
      (await mappingsOf(store.id)).map(({ marketplaceSku, storeSku, accountId: a }) => ({
        marketplaceSku,
        storeSku,
        accountId: a,
      })),
    ).toEqual(
      expect.arrayContaining([
        { marketplaceSku: "eb-blue", storeSku: "MUG-BLUE", accountId },
        { marketplaceSku: "eb-red, large", storeSku: "MUG-RED", accountId: null },
      ]),
    );
  });

  it("GIVEN an order held for two unknown SKUs WHEN one file maps both THEN it is re-checked once; and WHEN saving fails halfway through a file THEN no mapping of it is kept", async () => {
    const ebayOrderId = world.simulators.ebay.seedOrder({
      seller,
      lines: [
        { sku: "eb-two-a", title: "Cup A", quantity: 1, unitPrice: "9.00" },
        { sku: "eb-two-b", title: "Cup B", quantity: 1, unitPrice: "9.00" },
      ],
      shipTo: SHIP_TO,
    });
    await pollAccount(world.deps, { accountId });
    await drainOrders();
    const file = (suffix: string) =>
      "store_sku,marketplace_sku,account\r\n" +
      `MUG-BLUE,eb-two-a${suffix},all\r\nMUG-RED,eb-two-b${suffix},all\r\n`;

    // The second mapping's re-check cannot be queued: the first mapping must go too.
    let sends = 0;
    const failing = {
      db: world.database.db,
      jobs: {
        ...world.jobs,
        send: (async (...args: Parameters<typeof world.jobs.send>) => {
          sends += 1;
          if (sends > 1) throw new Error("queue unavailable");
          return world.jobs.send(...args);
        }) as typeof world.jobs.send,
      },
    };
    // One order held for both SKUs (queued by the first mapping), one for the second only.
    world.simulators.ebay.seedOrder({
      seller,
      lines: [
        { sku: "eb-two-a-x", title: "Cup A", quantity: 1, unitPrice: "9.00" },
        { sku: "eb-two-b-x", title: "Cup B", quantity: 1, unitPrice: "9.00" },
      ],
      shipTo: SHIP_TO,
    });
    world.simulators.ebay.seedOrder({
      seller,
      lines: [{ sku: "eb-two-b-x", title: "Cup B", quantity: 1, unitPrice: "9.00" }],
      shipTo: SHIP_TO,
    });
    await pollAccount(world.deps, { accountId });
    await drainOrders();
    await expect(importSkuMappingsCsv(failing, store.id, file("-x"))).rejects.toThrow(
      "queue unavailable",
    );
    const skus = (await mappingsOf(store.id)).map((m) => m.marketplaceSku);
    expect(skus).not.toContain("eb-two-a-x");
    expect(skus).not.toContain("eb-two-b-x");

    const result = await importSkuMappingsCsv(deps(), store.id, file(""));
    expect(result).toEqual({ ok: true, saved: 2, rechecked: 1 });
    const [order] = await world.database.db
      .select({ id: marketplaceOrders.id })
      .from(marketplaceOrders)
      .where(eq(marketplaceOrders.marketplaceOrderId, ebayOrderId));
    const rechecks = await world.database.db
      .select({ kind: syncEvents.kind })
      .from(syncEvents)
      .where(and(eq(syncEvents.orderId, order!.id), eq(syncEvents.kind, "order.recheck")));
    expect(rechecks).toHaveLength(1);
    // The tests after this one count the store's mappings.
    await world.database.db
      .delete(skuMappings)
      .where(inArray(skuMappings.marketplaceSku, ["eb-two-a", "eb-two-b"]));
  });

  it("GIVEN the store's mappings WHEN they are exported THEN the file lists them as the importer reads them, and importing it again changes nothing", async () => {
    const csv = await exportSkuMappingsCsv(world.database.db, store.id);
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(rows).toEqual([
      { store_sku: "MUG-BLUE", marketplace_sku: "eb-blue", account: `ebay:${seller}` },
      { store_sku: "MUG-RED", marketplace_sku: "eb-red, large", account: "all" },
    ]);
    const before = await mappingsOf(store.id);
    expect(await importSkuMappingsCsv(deps(), store.id, csv)).toEqual({
      ok: true,
      saved: 2,
      rechecked: 0,
    });
    expect((await mappingsOf(store.id)).map((m) => m.id).sort()).toEqual(
      before.map((m) => m.id).sort(),
    );
  });

  it("GIVEN two stores WHEN each downloads its export over HTTP THEN each gets only its own mappings", async () => {
    const mine = await request(store, "/app/sku-mappings-export");
    expect(mine.status).toBe(200);
    expect(mine.headers.get("content-type")).toContain("text/csv");
    expect(mine.headers.get("content-disposition")).toContain("sku-mappings.csv");
    expect(await mine.text()).toContain("eb-blue");

    const theirs = await request(otherStore, "/app/sku-mappings-export");
    expect(await theirs.text()).toBe("store_sku,marketplace_sku,account\n");
  });

  it("GIVEN the mappings page WHEN a file is uploaded THEN valid files are imported and bad lines come back as codes with line numbers", async () => {
    const upload = async (csv: string) => {
      const form = new FormData();
      form.set("intent", "import");
      form.set("file", new Blob([csv], { type: "text/csv" }), "mappings.csv");
      return request(store, "/app/sku-mappings?_data=routes/app.sku-mappings", {
        method: "POST",
        body: form,
      });
    };
    const bad = await upload("store_sku,marketplace_sku,account\nMUG-RED,,all\n");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      rowErrors: [{ line: 2, code: "csv.marketplace_sku_missing" }],
    });

    const good = await upload("store_sku,marketplace_sku,account\nMUG-RED,eb-crimson,all\n");
    expect(good.status).toBe(200);
    expect(await good.json()).toEqual({ imported: 1, rechecked: 0 });

    const page = await request(store, "/app/sku-mappings?q=crimson");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("eb-crimson");
    expect(html).not.toContain("eb-blue");
  });

  it("GIVEN the add form WHEN SKUs are missing or the account is another store's THEN field errors come back and nothing is saved; a valid one is saved", async () => {
    const post = (asStore: StoreRow, form: Record<string, string>) =>
      request(asStore, "/app/sku-mappings?_data=routes/app.sku-mappings", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(form).toString(),
      });
    const count = (await mappingsOf(store.id)).length;

    const missing = await post(store, {
      intent: "save",
      accountId: "all",
      marketplaceSku: " ",
      storeSku: "",
    });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({
      fieldErrors: { marketplaceSku: "skuMap.required", storeSku: "skuMap.required" },
    });

    const foreignAccount = await connectEbayAccount(world, otherStore, { username: "csv_other" });
    const foreign = await post(store, {
      intent: "save",
      accountId: foreignAccount,
      marketplaceSku: "eb-x",
      storeSku: "MUG-RED",
    });
    expect(await foreign.json()).toEqual({ fieldErrors: { accountId: "skuMap.accountUnknown" } });
    expect(await mappingsOf(store.id)).toHaveLength(count);

    const saved = await post(store, {
      intent: "save",
      accountId,
      marketplaceSku: "eb-navy",
      storeSku: "MUG-BLUE",
    });
    expect(await saved.json()).toEqual({ saved: 0 });
    expect(await mappingsOf(store.id)).toHaveLength(count + 1);

    // The same marketplace SKU again: the answer says which mapping it replaced.
    const again = { intent: "save", accountId, marketplaceSku: "EB-NAVY" };
    const replaced = await post(store, { ...again, storeSku: "MUG-RED" });
    expect(await replaced.json()).toEqual({ saved: 0, replaced: "MUG-BLUE" });
    const unchanged = await post(store, { ...again, storeSku: "mug-red" });
    expect(await unchanged.json()).toEqual({ saved: 0 });
    expect(await mappingsOf(store.id)).toHaveLength(count + 1);
  });

  it("GIVEN another store's mapping WHEN a merchant deletes it THEN they get 404 and it stays; their own is deleted", async () => {
    const [mapping] = await mappingsOf(store.id);
    const del = (asStore: StoreRow) =>
      request(asStore, "/app/sku-mappings?_data=routes/app.sku-mappings", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ intent: "delete", id: mapping!.id }).toString(),
      });

    expect((await del(otherStore)).status).toBe(404);
    expect((await mappingsOf(store.id)).some((m) => m.id === mapping!.id)).toBe(true);
    const mine = await del(store);
    expect(await mine.json()).toEqual({ deleted: true });
    expect((await mappingsOf(store.id)).some((m) => m.id === mapping!.id)).toBe(false);
  });

  it("GIVEN a store SKU WHEN the merchant searches the store's variants THEN the variants with exactly that SKU come back", async () => {
    const found = await request(store, "/app/variants/search?sku=mug-red");
    expect(found.status).toBe(200);
    const body = (await found.json()) as { variants: { sku: string; title: string }[] };
    expect(body.variants).toHaveLength(1);
    expect(body.variants[0]).toMatchObject({ sku: "MUG-RED" });

    const none = await request(store, "/app/variants/search?q=NOPE");
    expect(await none.json()).toEqual({ q: "NOPE", variants: [] });
  });

  type Found = { q: string; variants: { sku: string; title: string; inventoryQuantity: number }[] };

  it("GIVEN a Shopify store WHEN the merchant searches by product name or SKU THEN exact-SKU matches come first, then name matches, without repeats, never another store's", async () => {
    seedCatalog(world, store, [
      { sku: "MUG-RED-XL", title: "Red mug, large", price: "16.00", stock: 7 },
      { sku: "TEA-RED", title: "Red tea", price: "5.00" },
    ]);
    seedCatalog(world, otherStore, [{ sku: "MUG-RED-OTHER", title: "Red mug", price: "1.00" }]);

    const byName = (await (
      await request(store, "/app/variants/search?q=red%20mug")
    ).json()) as Found;
    expect(byName.q).toBe("red mug");
    expect(byName.variants.map((v) => v.sku)).toEqual(["MUG-RED", "MUG-RED-XL"]);
    expect(byName.variants[1]).toMatchObject({ inventoryQuantity: 7 });
    expect(byName.variants[1]!.title).toContain("Red mug, large");

    const bySku = (await (await request(store, "/app/variants/search?q=mug-red")).json()) as Found;
    expect(bySku.variants.map((v) => v.sku)).toEqual(["MUG-RED", "MUG-RED-XL"]);
  });

  it("GIVEN a BigCommerce store WHEN the merchant searches by product name THEN its variants come back by product name, the exact SKU first", async () => {
    const bc = await installBigCommerceStore(world, { hash: "csvbcsearch" });
    seedCatalog(world, bc, [
      { sku: "LAMP-OAK", title: "Oak lamp", price: "40.00", stock: 3 },
      { sku: "LAMP", title: "Desk lamp", price: "30.00", stock: 5 },
      { sku: "VASE", title: "Vase", price: "20.00" },
    ]);
    const byName = (await (await request(bc, "/app/variants/search?q=oak")).json()) as Found;
    expect(byName.variants).toEqual([
      expect.objectContaining({ sku: "LAMP-OAK", title: "Oak lamp", inventoryQuantity: 3 }),
    ]);
    const lamps = (await (await request(bc, "/app/variants/search?q=LAMP")).json()) as Found;
    expect(lamps.variants.map((v) => v.sku)).toEqual(["LAMP", "LAMP-OAK"]);
    const foreign = (await (await request(store, "/app/variants/search?q=oak")).json()) as Found;
    expect(foreign.variants).toEqual([]);
  });

  it("GIVEN the store fails to answer WHEN the merchant searches THEN the route answers 502 unavailable", async () => {
    world.simulators.shopify.server.faults.add({
      operation: "*",
      kind: "status",
      status: 500,
      times: 10,
    });
    try {
      const failed = await request(store, "/app/variants/search?q=mug");
      expect(failed.status).toBe(502);
      expect(await failed.json()).toEqual({ q: "mug", error: "unavailable" });
    } finally {
      world.simulators.shopify.server.faults.clear();
    }
  });
});
