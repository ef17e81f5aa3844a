import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAccountSettings } from "../../db/account-settings";
import { marketplaceOrders, type StoreRow } from "../../db/schema";
import { pollAccount } from "../../jobs/import/poll-account";
import { processOrder } from "../../jobs/import/process-order";
import { adminHeaders, startAdminAppServer } from "../helpers/admin-auth";
import type { AppServer } from "../helpers/app-server";
import {
  connectEbayAccount,
  type ImportWorld,
  installShopifyStore,
  seedCatalog,
  startImportWorld,
  storedAccountSettings,
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

/** The form as the page posts it with every default untouched. */
const DEFAULT_FORM: [string, string][] = [
  ["importFrom", ""],
  ["pollIntervalMinutes", ""],
  ["marketplaceFulfilled", "skip"],
  ["stockPolicy", "block"],
  ["currencyPolicy", "store_currencies_only"],
  ["marketplaceTax", "record"],
  ["buyerEmail", "omit"],
  ["orderName", "store_numbering"],
  ["tags", ""],
  ["inventoryDecrement", "on"],
  ["inventoryLocationId", ""],
  ["restockOnCancel", "on"],
  ["trackingSync", "on"],
];

function formWith(changes: Record<string, string | null>, extra: [string, string][] = []) {
  const body = new URLSearchParams();
  for (const [name, value] of DEFAULT_FORM) {
    if (name in changes) {
      const changed = changes[name];
      if (changed !== null && changed !== undefined) body.append(name, changed);
    } else {
      body.append(name, value);
    }
  }
  for (const [name, value] of Object.entries(changes)) {
    if (!DEFAULT_FORM.some(([n]) => n === name) && value !== null) body.append(name, value);
  }
  for (const [name, value] of extra) body.append(name, value);
  return body.toString();
}

describe("account settings page", () => {
  let world: ImportWorld;
  let app: AppServer;
  let store: StoreRow;
  let otherStore: StoreRow;
  let accountId: string;
  const seller = "settings_seller";

  beforeAll(async () => {
    world = await startImportWorld();
    app = await startAdminAppServer(world);
    store = await installShopifyStore(world, { shop: "settings-a.myshopify.com" });
    otherStore = await installShopifyStore(world, { shop: "settings-b.myshopify.com" });
    seedCatalog(world, store, [{ sku: "MUG-LOW", title: "Rare mug", price: "14.00", stock: 0 }]);
    accountId = await connectEbayAccount(world, store, { username: seller });
  });
  afterAll(async () => {
    await app?.close();
    await world?.close();
  });

  const path = (id: string) => `/app/accounts/${id}/settings`;

  async function request(asStore: StoreRow, url: string, init: RequestInit = {}, locale?: string) {
    const headers = await adminHeaders(app, asStore, locale ? { locale } : {});
    return fetch(`${app.url}${url}`, {
      ...init,
      headers: { ...headers, ...BROWSER, ...(init.headers as Record<string, string>) },
    });
  }

  const post = (asStore: StoreRow, id: string, body: string) =>
    request(asStore, `${path(id)}?_data=routes/app.accounts.$accountId.settings`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body,
    });

  const storedSettings = () => storedAccountSettings(world, accountId);

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

  it("GIVEN an account WHEN its merchant opens the settings THEN every setting is shown, in their language", async () => {
    const english = await request(store, path(accountId), {}, "en");
    expect(english.status).toBe(200);
    const html = await english.text();
    for (const label of [
      "Import orders created from",
      "Check for new orders every (minutes)",
      "Orders fulfilled by the marketplace",
      "When a variant is short of stock",
      "Orders in a currency the store does not sell in",
      "Tax collected by the marketplace",
      "Buyer e-mail on the store order",
      "Store order name",
      "Tags on created orders",
      "Decrement inventory when an order is created",
      "Location to decrement at",
      "Restock when a marketplace cancellation cancels the store order",
      "Send tracking back to the marketplace",
      "Carrier mapping overrides",
    ]) {
      expect(html).toContain(label);
    }
    const french = await (await request(store, path(accountId), {}, "fr-FR")).text();
    expect(french).toContain("Quand le stock d’une variante est insuffisant");
  });

  it("GIVEN another store's merchant WHEN they open or save this account's settings THEN they get 404 and nothing changes", async () => {
    const before = await storedSettings();
    expect((await request(otherStore, path(accountId))).status).toBe(404);
    expect((await post(otherStore, accountId, formWith({ stockPolicy: "allow" }))).status).toBe(
      404,
    );
    expect(await storedSettings()).toEqual(before);
    expect((await request(store, path("nope"))).status).toBe(404);
  });

  it("GIVEN invalid values WHEN the merchant saves THEN each field gets its own error and nothing is saved", async () => {
    const before = await storedSettings();
    const response = await post(
      store,
      accountId,
      formWith(
        {
          importFrom: "2026-13-45",
          pollIntervalMinutes: "0",
          buyerEmail: "fixed",
          fixedEmail: "",
          tags: `ok, ${"x".repeat(41)}`,
          stockPolicy: "sometimes",
          inventoryLocationId: "nowhere",
        },
        [
          ["overrideCarrier", "Colis Privé"],
          ["overrideCode", ""],
          ["overrideCarrier", ""],
          ["overrideCode", ""],
          ["overrideCarrier", "Chronopost"],
          ["overrideCode", "CHRONOPOST"],
          ["overrideCarrier", "chronopost"],
          ["overrideCode", "Other"],
          ["overrideCarrier", ""],
          ["overrideCode", "UPS"],
        ],
      ),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      fieldErrors: {
        importFrom: "settings.error.importFrom",
        pollIntervalMinutes: "settings.error.pollIntervalMinutes",
        fixedEmail: "settings.error.fixedEmail",
        tags: "settings.error.tags",
        stockPolicy: "settings.error.stockPolicy",
        inventoryLocationId: "settings.error.inventoryLocationId",
        carrierOverrides: "settings.error.carrierOverrides",
      },
      // Without row ids (a form posted without JavaScript), each wrong row by its position in the
      // form (the blank row counts and is fine).
      overrideRowErrors: {
        0: "settings.error.override.codeMissing",
        3: "settings.error.override.duplicate",
        4: "settings.error.override.carrierMissing",
      },
    });
    expect(await storedSettings()).toEqual(before);
  });

  it("GIVEN override rows named by the page WHEN two are wrong THEN each error is keyed by its row's id, so removing a row leaves the others' errors on their own rows", async () => {
    const before = await storedSettings();
    const rows: [string, string][] = [
      ["overrideRow", "4"],
      ["overrideCarrier", "Colis Privé"],
      ["overrideCode", "COLIS_PRIVE"],
      ["overrideRow", "7"],
      ["overrideCarrier", "colis privé"],
      ["overrideCode", "OTHER"],
      ["overrideRow", "9"],
      ["overrideCarrier", "DPD"],
      ["overrideCode", ""],
    ];
    const response = await post(store, accountId, formWith({}, rows));
    expect(response.status).toBe(400);
    expect((await response.json()).overrideRowErrors).toEqual({
      7: "settings.error.override.duplicate",
      9: "settings.error.override.codeMissing",
    });

    // Ids the page could not have sent (repeated) are not trusted: positions are used instead.
    const repeated = rows.map(([name, value]): [string, string] =>
      name === "overrideRow" ? [name, "1"] : [name, value],
    );
    const byPosition = await post(store, accountId, formWith({}, repeated));
    expect((await byPosition.json()).overrideRowErrors).toEqual({
      1: "settings.error.override.duplicate",
      2: "settings.error.override.codeMissing",
    });
    expect(await storedSettings()).toEqual(before);
  });

  it("GIVEN an order held for stock WHEN the merchant lets short stock through and changes every setting THEN they are saved and the order is re-checked and imported", async () => {
    const ebayOrderId = world.simulators.ebay.seedOrder({
      seller,
      lines: [{ sku: "MUG-LOW", title: "Rare mug", quantity: 1, unitPrice: "14.00" }],
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

    const response = await post(
      store,
      accountId,
      formWith(
        {
          importFrom: "2026-01-15",
          pollIntervalMinutes: "10",
          marketplaceFulfilled: "import_as_fulfilled",
          stockPolicy: "allow",
          currencyPolicy: "marketplace_currency",
          marketplaceTax: "leave_out",
          buyerEmail: "fixed",
          fixedEmail: "orders@example.com",
          orderName: "marketplace_id",
          tags: "ebay-us, wholesale ,",
          inventoryDecrement: null,
          // As the admin's address shows it: stored as the API names it.
          inventoryLocationId: "7",
          restockOnCancel: null,
          trackingSync: "on",
          cancelOnMarketplace: "on",
        },
        [
          ["overrideCarrier", "Colis Privé"],
          ["overrideCode", "COLIS_PRIVE"],
          ["overrideCarrier", ""],
          ["overrideCode", ""],
        ],
      ),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ saved: 1 });
    expect(parseAccountSettings(await storedSettings())).toEqual({
      importFrom: "2026-01-15T00:00:00.000Z",
      pollIntervalMinutes: 10,
      marketplaceFulfilled: "import_as_fulfilled",
      stockPolicy: "allow",
      currencyPolicy: "marketplace_currency",
      marketplaceTax: "leave_out",
      buyerEmail: "fixed",
      fixedEmail: "orders@example.com",
      orderName: "marketplace_id",
      inventory: { decrement: false, locationId: "gid://shopify/Location/7" },
      restockOnCancel: false,
      tags: ["ebay-us", "wholesale"],
      trackingSync: true,
      cancelOnMarketplace: true,
      carrierOverrides: { "colis privé": "COLIS_PRIVE" },
    });

    await drainOrders();
    expect(await stateOf()).toBe("imported");

    const page = await (await request(store, path(accountId), {}, "en")).text();
    expect(page).toContain("orders@example.com");
    expect(page).toContain("COLIS_PRIVE");
    expect(page).toContain('value="2026-01-15"');
  });
});
