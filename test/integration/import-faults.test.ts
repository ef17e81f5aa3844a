import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isConnectorError } from "../../connectors/errors";
import { encryptCredentials } from "../../db/accounts";
import { marketplaceAccounts, marketplaceOrders, orderLinks, type StoreRow } from "../../db/schema";
import { upsertInstalledStore } from "../../db/stores";
import { recheckStoreAccessHolds } from "../../jobs/import/held-orders";
import { pollAccount, type PollResult } from "../../jobs/import/poll-account";
import { startWorker, type Worker } from "../../jobs/worker";
import { SIM_CLIENT_ID, SIM_REFRESH_TOKEN, SIM_SELLER_ID } from "../simulators/amazon";
import { TOO_MANY_REQUESTS_BODY } from "../simulators/ebay";
import {
  connectAmazonAccount,
  connectEbayAccount,
  type ImportWorld,
  installBigCommerceStore,
  installShopifyStore,
  seedCatalog,
  startImportWorld,
} from "../helpers/import-world";

/**
 * Faults during import lose nothing and duplicate nothing: the real worker (pg-boss handlers,
 * retries with backoff) imports orders while the marketplace and store simulators answer 5xx,
 * 429s, reset connections and never answer. Polls are started by the test, as the scheduler's
 * tick would start them, and re-run after a failed attempt as the next tick would.
 */

let world: ImportWorld;
let worker: Worker;
let counter = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${++counter}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const CATALOG = [
  { sku: "MUG-BLUE", title: "Blue ceramic mug", price: "12.99" },
  { sku: "TEE-L", title: "T-shirt, large", price: "19.99" },
];
const SHIP_TO = {
  name: "Jane Buyer",
  line1: "2145 Hamilton Ave",
  city: "San Jose",
  region: "CA",
  postalCode: "95125",
  countryCode: "US",
};

beforeAll(async () => {
  world = await startImportWorld();
  worker = await startWorker(world.deps, { pollingIntervalSeconds: 0.5 });
});
afterAll(async () => {
  await worker?.stop();
  await world?.close();
});

function seedEbay(seller: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) =>
    world.simulators.ebay.seedOrder({
      seller,
      shipTo: {
        fullName: SHIP_TO.name,
        addressLine1: SHIP_TO.line1,
        city: SHIP_TO.city,
        stateOrProvince: SHIP_TO.region,
        postalCode: SHIP_TO.postalCode,
        countryCode: SHIP_TO.countryCode,
      },
      lines: [
        { sku: "MUG-BLUE", title: "Blue ceramic mug", quantity: 1 + (i % 3), unitPrice: "12.99" },
        { sku: "TEE-L", title: "T-shirt, large", quantity: 1, unitPrice: "19.99", shipping: "4" },
      ],
    }),
  );
}

function seedAmazon(n: number): string[] {
  return Array.from(
    { length: n },
    (_, i) =>
      world.simulators.amazon.seedOrder({
        createdTime: new Date(Date.now() - 5_000).toISOString(),
        buyer: { name: SHIP_TO.name },
        shipTo: {
          name: SHIP_TO.name,
          addressLine1: SHIP_TO.line1,
          city: SHIP_TO.city,
          stateOrRegion: SHIP_TO.region,
          postalCode: SHIP_TO.postalCode,
          countryCode: SHIP_TO.countryCode,
        },
        items: [
          { sku: "TEE-L", title: "T-shirt, large", quantity: 1 + (i % 2), unitPrice: "19.99" },
        ],
      }).orderId,
  );
}

/** Polls until a poll completes, as successive scheduler ticks would; counts failed attempts. */
async function pollUntilDone(accountId: string): Promise<{ result: PollResult; failed: number }> {
  let failed = 0;
  for (;;) {
    try {
      return { result: await pollAccount(world.deps, { accountId }), failed };
    } catch (error) {
      if (!isConnectorError(error) || failed >= 10) throw error;
      failed += 1;
      await sleep(100);
    }
  }
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(250);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

async function statesOf(accountId: string) {
  const rows = await world.deps.db
    .select({ id: marketplaceOrders.marketplaceOrderId, state: marketplaceOrders.state })
    .from(marketplaceOrders)
    .where(eq(marketplaceOrders.accountId, accountId));
  return new Map(rows.map((r) => [r.id, r.state]));
}

async function allImported(accountId: string, ids: string[]) {
  const states = await statesOf(accountId);
  return ids.every((id) => states.get(id) === "imported");
}

/** Marketplace order id → number of store orders created for it. */
function storeOrderCounts(store: StoreRow): Map<string, number> {
  const ids =
    store.platform === "shopify"
      ? world.simulators.shopify.orders(store.externalId).map((o) => o.sourceIdentifier ?? "")
      : world.simulators.bigcommerce
          .orders(store.externalId)
          .map((o) => String(o.order.external_order_id));
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

async function shopify(): Promise<StoreRow> {
  const store = await installShopifyStore(world, { shop: `${unique("faults")}.myshopify.com` });
  seedCatalog(world, store, CATALOG);
  return store;
}

async function bigCommerce(): Promise<StoreRow> {
  const store = await installBigCommerceStore(world, { hash: unique("faults") });
  seedCatalog(world, store, CATALOG);
  return store;
}

describe("import under faults", () => {
  it("GIVEN 20 orders on eBay and Amazon WHEN the marketplaces and both stores answer 5xx, 429s, resets and a timeout during the import THEN every order is imported, with exactly one store order each and no duplicates", async () => {
    const shop = await shopify();
    const bc = await bigCommerce();
    const seller = unique("faulty_");
    const ebayAccount = await connectEbayAccount(world, shop, { username: seller });
    const amazonAccount = await connectAmazonAccount(world, bc, {
      settings: { importFrom: new Date(Date.now() - 60_000).toISOString() },
    });
    const ebayIds = seedEbay(seller, 10);
    const amazonIds = seedAmazon(10);

    const { ebay, amazon, shopify: shopifySim, bigcommerce } = world.simulators;
    // Marketplaces: the first reads fail, a 429 is waited out inside the connector.
    ebay.server.injectFault({ operation: "getOrders", kind: "status", status: 503, times: 1 });
    ebay.server.injectFault({ operation: "getOrders", kind: "reset", times: 1 });
    ebay.server.injectFault({
      operation: "getOrders",
      kind: "status",
      status: 429,
      body: TOO_MANY_REQUESTS_BODY,
      // Without one the connector waits its 60 s default, as it must for eBay's daily quotas.
      headers: { "retry-after": "1" },
      times: 1,
    });
    amazon.injectFault({ operation: "searchOrders", kind: "reset", times: 1 });
    amazon.injectFault({ operation: "searchOrders", kind: "status", status: 500, times: 1 });
    amazon.throttle("searchOrders", 1);
    // Stores: variant lookups and order creation fail now and then, for a while.
    shopifySim.server.injectFault({ operation: "graphql", kind: "status", status: 503, times: 3 });
    shopifySim.server.injectFault({ operation: "graphql", kind: "reset", times: 2 });
    shopifySim.server.injectFault({
      operation: "graphql",
      kind: "status",
      status: 429,
      headers: { "retry-after": "0.2" },
      times: 2,
    });
    shopifySim.server.injectFault({ operation: "graphql", kind: "timeout", times: 1 });
    bigcommerce.server.injectFault({
      operation: "createOrder",
      kind: "status",
      status: 502,
      probability: 0.3,
      durationMs: 4_000,
    });
    bigcommerce.server.injectFault({ operation: "createOrder", kind: "reset", times: 2 });
    bigcommerce.server.injectFault({
      operation: "getVariants",
      kind: "status",
      status: 429,
      headers: { "x-rate-limit-time-reset-ms": "200", "retry-after": "1" },
      times: 2,
    });
    bigcommerce.server.injectFault({ operation: "getVariants", kind: "status", status: 500 });

    const ebayPoll = await pollUntilDone(ebayAccount);
    const amazonPoll = await pollUntilDone(amazonAccount);
    expect(ebayPoll.failed).toBeGreaterThanOrEqual(2);
    expect(amazonPoll.failed).toBeGreaterThanOrEqual(2);
    expect(ebayPoll.result).toMatchObject({ status: "done", created: 10 });
    expect(amazonPoll.result).toMatchObject({ status: "done", created: 10 });

    await waitUntil(
      "all 20 orders imported",
      async () =>
        (await allImported(ebayAccount, ebayIds)) && allImported(amazonAccount, amazonIds),
      150_000,
    );

    for (const [store, ids] of [
      [shop, ebayIds],
      [bc, amazonIds],
    ] as const) {
      const counts = storeOrderCounts(store);
      expect([...counts.keys()].sort()).toEqual([...ids].sort());
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
    }
    const links = await world.deps.db
      .select({ state: orderLinks.state, storeOrderId: orderLinks.storeOrderId })
      .from(orderLinks)
      .where(eq(orderLinks.storeId, shop.id))
      .union(
        world.deps.db
          .select({ state: orderLinks.state, storeOrderId: orderLinks.storeOrderId })
          .from(orderLinks)
          .where(eq(orderLinks.storeId, bc.id)),
      );
    expect(links).toHaveLength(20);
    expect(links.every((l) => l.state === "created" && l.storeOrderId)).toBe(true);
    expect(new Set(links.map((l) => l.storeOrderId)).size).toBe(20);

    // The faults were served, not skipped.
    const served = (sim: { server: typeof shopifySim.server }, status: number) =>
      sim.server.exchanges.filter((e) => e.response.status === status).length;
    expect(served(shopifySim, 503)).toBe(3);
    expect(served(shopifySim, 429)).toBe(2);
    expect(served(bigcommerce, 429)).toBe(2);
    expect(served(bigcommerce, 500)).toBe(1);
    expect(served(ebay, 503) + served(ebay, 429)).toBe(2);
    expect(served(amazon, 500) + served(amazon, 429)).toBe(2);
  }, 180_000);

  it("GIVEN a Shopify store whose token stopped working WHEN its orders are processed THEN they are held with a reason the merchant can act on; AND WHEN access is restored THEN they are checked again and imported, once each", async () => {
    const store = await shopify();
    const seller = unique("lost_store_");
    const accountId = await connectEbayAccount(world, store, { username: seller });
    // No refresh token (a non-expiring install): nothing can renew it.
    world.simulators.shopify.expireAccessTokens(store.externalId);
    const ids = seedEbay(seller, 2);

    await pollAccount(world.deps, { accountId });
    await waitUntil(
      "both orders held",
      async () => {
        const states = await statesOf(accountId);
        return ids.every((id) => states.get(id) === "held");
      },
      60_000,
    );
    const holds = await world.deps.db
      .select({ reasons: marketplaceOrders.holdReasons })
      .from(marketplaceOrders)
      .where(eq(marketplaceOrders.accountId, accountId));
    for (const { reasons } of holds) {
      expect(reasons).toEqual([{ code: "store.access_revoked", params: { platform: "shopify" } }]);
    }
    expect(storeOrderCounts(store).size).toBe(0);

    // The merchant opens the app: the admin's token exchange records a new token.
    await upsertInstalledStore(world.deps, {
      platform: "shopify",
      externalId: store.externalId,
      accessToken: world.simulators.shopify.issueAccessToken(store.externalId),
      scopes: store.scopes,
    });
    expect(await recheckStoreAccessHolds(world.deps, store.id)).toBe(2);

    await waitUntil("both orders imported", () => allImported(accountId, ids), 60_000);
    const counts = storeOrderCounts(store);
    expect(ids.map((id) => counts.get(id))).toEqual([1, 1]);
  }, 90_000);

  it("GIVEN an eBay account whose refresh token was revoked WHEN it is polled THEN the poll says reconnect, the account needs reconnecting and nothing is imported or lost; AND WHEN the seller reconnects (new grant) THEN the next poll imports every order", async () => {
    const store = await shopify();
    const seller = unique("revoked_");
    const accountId = await connectEbayAccount(world, store, { username: seller });
    const ids = seedEbay(seller, 3);
    world.simulators.ebay.revokeRefreshTokens(seller);

    const first = await pollAccount(world.deps, { accountId });
    expect(first).toMatchObject({ status: "reconnect", created: 0 });
    let [account] = await world.deps.db
      .select()
      .from(marketplaceAccounts)
      .where(eq(marketplaceAccounts.id, accountId));
    expect(account).toMatchObject({ status: "needs_reconnect", importCursor: null });
    expect((await statesOf(accountId)).size).toBe(0);
    // While it needs reconnecting, polls do nothing at all.
    expect(await pollAccount(world.deps, { accountId })).toMatchObject({ status: "inactive" });

    // The seller goes through consent again: a new grant, saved as the app does.
    const grant = world.simulators.ebay.addAccount({ username: seller, marketplaceId: "EBAY_US" });
    await world.deps.db
      .update(marketplaceAccounts)
      .set({
        status: "active",
        credentialsEnc: encryptCredentials(world.deps.keyring, {
          refreshToken: grant.refreshToken,
          accessToken: grant.accessToken,
          expiresAt: grant.expiresAt.toISOString(),
        }),
      })
      .where(eq(marketplaceAccounts.id, accountId));

    const second = await pollAccount(world.deps, { accountId });
    expect(second).toMatchObject({ status: "done", created: 3 });
    await waitUntil("the 3 orders imported", () => allImported(accountId, ids), 60_000);
    const counts = storeOrderCounts(store);
    expect(ids.map((id) => counts.get(id))).toEqual([1, 1, 1]);
    [account] = await world.deps.db
      .select()
      .from(marketplaceAccounts)
      .where(eq(marketplaceAccounts.id, accountId));
    expect(account!.status).toBe("active");
    expect(account!.importCursor).not.toBeNull();
  }, 90_000);

  it("GIVEN an Amazon account whose refresh token was revoked WHEN it is polled THEN the poll says reconnect and nothing is imported; AND WHEN the seller authorizes again (new refresh token) THEN the orders arrive", async () => {
    const store = await bigCommerce();
    const accountId = await connectAmazonAccount(world, store, {
      settings: { importFrom: new Date(Date.now() - 60_000).toISOString() },
    });
    const ids = seedAmazon(2);
    world.simulators.amazon.revokeRefreshToken(SIM_REFRESH_TOKEN);

    expect(await pollAccount(world.deps, { accountId })).toMatchObject({
      status: "reconnect",
      created: 0,
    });
    const [account] = await world.deps.db
      .select({ status: marketplaceAccounts.status })
      .from(marketplaceAccounts)
      .where(eq(marketplaceAccounts.id, accountId));
    expect(account!.status).toBe("needs_reconnect");
    const [orders] = await world.deps.db
      .select({ n: count() })
      .from(marketplaceOrders)
      .where(eq(marketplaceOrders.accountId, accountId));
    expect(orders!.n).toBe(0);

    const refreshToken = `Atzr|sim-refresh-token-${unique("regrant")}`;
    world.simulators.amazon.state.refreshTokens.set(refreshToken, {
      sellerId: SIM_SELLER_ID,
      clientId: SIM_CLIENT_ID,
      revoked: false,
    });
    await world.deps.db
      .update(marketplaceAccounts)
      .set({
        status: "active",
        credentialsEnc: encryptCredentials(world.deps.keyring, { refreshToken }),
      })
      .where(eq(marketplaceAccounts.id, accountId));

    const again = await pollAccount(world.deps, { accountId });
    expect(again.status).toBe("done");
    await waitUntil("the 2 orders imported", () => allImported(accountId, ids), 60_000);
    const counts = storeOrderCounts(store);
    expect(ids.map((id) => counts.get(id))).toEqual([1, 1]);
  }, 90_000);
});
