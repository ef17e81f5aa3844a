import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../app/config.server";
import { signOAuthState } from "../../app/oauth-state.server";
import { decryptCredentials } from "../../db/accounts";
import { dropExpiredPendingConnections, holdPendingConnection } from "../../db/pending-connections";
import {
  marketplaceAccounts,
  marketplaceOrders,
  pendingConnections,
  type StoreRow,
  syncEvents,
} from "../../db/schema";
import { marketplaceConnectorFor } from "../../jobs/import/connectors";
import { pollAccount } from "../../jobs/import/poll-account";
import {
  adminHeaders,
  BROWSER_USER_AGENT,
  bigCommerceLoadJwt,
  startAdminAppServer,
} from "../helpers/admin-auth";
import type { AppServer } from "../helpers/app-server";
import {
  installBigCommerceStore,
  installShopifyStore,
  type ImportWorld,
  startImportWorld,
} from "../helpers/import-world";
import { SIM_APPLICATION_ID, SIM_CLIENT_ID, SIM_SELLER_ID } from "../simulators/amazon";

const RU_NAME = "Marketsync-Marketsy-Sim-PRD-connect";
const SHOP_A = "connect-a.myshopify.com";
const SHOP_B = "connect-b.myshopify.com";
const CONNECT_ROUTE = encodeURIComponent("routes/app.accounts.connect.$platform");

let world: ImportWorld;
let app: AppServer;
let storeA: StoreRow;
let storeB: StoreRow;

beforeAll(async () => {
  world = await startImportWorld();
  storeA = await installShopifyStore(world, { shop: SHOP_A });
  storeB = await installShopifyStore(world, { shop: SHOP_B });
  app = await startAdminAppServer(world, {
    config: parseConfig({
      ...world.childEnv(),
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      EBAY_RU_NAME: RU_NAME,
      AMAZON_SP_APP_ID: SIM_APPLICATION_ID,
    }),
  });
  world.simulators.ebay.registerRuName({
    ruName: RU_NAME,
    acceptUrl: `${app.url}/connect/ebay/callback`,
    declineUrl: `${app.url}/connect/ebay/callback`,
  });
  world.simulators.amazon.registerApplication({
    applicationId: SIM_APPLICATION_ID,
    clientId: SIM_CLIENT_ID,
    redirectUri: `${app.url}/connect/amazon/callback`,
  });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await world?.close();
});

interface StartData {
  mode: "start" | "unavailable";
  consentUrl: string | null;
  selectionError: boolean;
}

/** The connect page's data (its loader, as the admin's client-side navigation fetches it). */
async function startConnect(store: StoreRow, platform: string, query = ""): Promise<StartData> {
  const response = await fetch(
    `${app.url}/app/accounts/connect/${platform}?${query}${query ? "&" : ""}_data=${CONNECT_ROUTE}`,
    { headers: await adminHeaders(app, store) },
  );
  expect(response.status).toBe(200);
  return (await response.json()) as StartData;
}

/** The browser at the marketplace's consent page: where it is sent back to. */
async function consent(consentUrl: string): Promise<string> {
  const response = await fetch(consentUrl, { redirect: "manual" });
  expect(response.status).toBe(302);
  return response.headers.get("location")!;
}

/** The seller lands on our top-level callback, which hands over to the store's admin. */
async function callback(url: string): Promise<Response> {
  return fetch(url, { redirect: "manual" });
}

/** Shopify's admin loading the app path the callback pointed it to, as `store`'s merchant. */
async function finishInAdmin(adminUrl: string, store: StoreRow): Promise<Response> {
  const prefix = `https://${store.externalId}/admin/apps/sim-api-key`;
  expect(adminUrl.startsWith(prefix)).toBe(true);
  return fetch(`${app.url}${adminUrl.slice(prefix.length)}`, {
    headers: await adminHeaders(app, store),
    redirect: "manual",
  });
}

async function accountsOf(store: StoreRow) {
  return world.database.db
    .select()
    .from(marketplaceAccounts)
    .where(eq(marketplaceAccounts.storeId, store.id));
}

async function queuedJobs(name: string, accountId: string) {
  const jobs = await world.jobs.boss.findJobs(name, { data: { accountId }, queued: true });
  return jobs.length;
}

/** Connects an eBay seller through the whole consent flow; returns the account id. */
async function connectEbay(store: StoreRow, username: string, query = ""): Promise<string> {
  world.simulators.ebay.signIn(username);
  const start = await startConnect(store, "ebay", query);
  const back = await callback(await consent(start.consentUrl!));
  expect(back.status).toBe(302);
  const done = await finishInAdmin(back.headers.get("location")!, store);
  expect(done.status).toBe(302);
  const next = new URL(done.headers.get("location")!, app.url);
  expect(next.pathname).toBe("/app/accounts");
  return next.searchParams.get("connected")!;
}

describe("connecting an eBay account", () => {
  it("GIVEN a seller consenting on eBay WHEN they come back THEN the account is saved with an encrypted grant that works, polled at once and listed with its expiry", async () => {
    world.simulators.ebay.addAccount({ username: "atelier_fr", marketplaceId: "EBAY_FR" });
    const start = await startConnect(storeA, "ebay");
    const consentUrl = new URL(start.consentUrl!);
    expect(consentUrl.origin).toBe(world.simulators.ebay.url);
    expect(consentUrl.pathname).toBe("/oauth2/authorize");
    expect(consentUrl.searchParams.get("client_id")).toBe(world.simulators.ebay.app.appId);
    expect(consentUrl.searchParams.get("redirect_uri")).toBe(RU_NAME);
    expect(consentUrl.searchParams.get("scope")).toContain("sell.fulfillment");
    const connectPage = await fetch(`${app.url}/app/accounts/connect/ebay`, {
      headers: await adminHeaders(app, storeA),
    });
    expect(connectPage.headers.get("cache-control")).toBe("no-store");
    const pageHtml = await connectPage.text();
    expect(pageHtml).toContain("Continue to eBay");
    expect(pageHtml).toMatch(
      new RegExp(
        `href="${world.simulators.ebay.url}/oauth2/authorize\\?[^"]+"[^>]*target="_top"|target="_top"[^>]*href="${world.simulators.ebay.url}/oauth2/authorize`,
      ),
    );

    const accountId = await connectEbay(storeA, "atelier_fr");

    const [account] = await accountsOf(storeA);
    expect(account).toMatchObject({
      id: accountId,
      platform: "ebay",
      sellerId: "atelier_fr",
      region: "EBAY_FR",
      marketplaceIds: ["EBAY_FR"],
      status: "active",
    });
    expect(account!.credentialsEnc).not.toContain("v^1.1");
    const eighteenMonths = Date.now() + 47_304_000_000;
    expect(Math.abs(account!.credentialsExpireAt!.getTime() - eighteenMonths)).toBeLessThan(60_000);
    expect(decryptCredentials(world.deps.keyring, account!).refreshToken).toMatch(/^v\^1\.1/);
    // The stored grant is a real one: the connector reads the seller's orders with it.
    const page = await marketplaceConnectorFor(world.deps, account!).listOrders({
      updatedSince: new Date(Date.now() - 86_400_000),
    });
    expect(page.orders).toEqual([]);
    expect(await queuedJobs("import.poll", accountId)).toBe(1);

    const list = await fetch(`${app.url}/app/accounts?connected=${accountId}`, {
      headers: await adminHeaders(app, storeA),
    });
    const html = await list.text();
    expect(list.status).toBe(200);
    expect(html).toContain("atelier_fr (EBAY_FR)");
    expect(html).toContain("is connected");
    expect(html).toContain(`grant-expiry-${accountId}`);
    expect(html).toContain(`/app/accounts/${accountId}/settings`);
  });

  it("GIVEN store A's connected account WHEN store B's merchant lists accounts, in French THEN B sees its own empty list only", async () => {
    const response = await fetch(`${app.url}/app/accounts`, {
      headers: await adminHeaders(app, storeB, { locale: "fr-FR" }),
    });
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(html).toContain("Connectez votre premier compte de place de marché");
    expect(html).not.toContain("atelier_fr");
  });

  it("GIVEN a seller who declines on eBay WHEN they come back THEN the merchant reads why and nothing is written", async () => {
    world.simulators.ebay.addAccount({ username: "declining_seller" });
    world.simulators.ebay.signIn("declining_seller", { decline: true });
    const before = await accountsOf(storeB);
    const back = await callback(await consent((await startConnect(storeB, "ebay")).consentUrl!));
    const done = await finishInAdmin(back.headers.get("location")!, storeB);
    expect(done.status).toBe(400);
    expect(await done.text()).toContain("did not allow Marketsync");
    expect(await accountsOf(storeB)).toEqual(before);
  });
});

describe("state checks", () => {
  it("GIVEN a tampered state WHEN the callback receives it THEN 400 with a merchant message and nothing written", async () => {
    const { consentUrl } = await startConnect(storeB, "ebay");
    const state = new URL(consentUrl!).searchParams.get("state")!;
    const tampered = `${state.slice(0, 10)}${state[10] === "A" ? "B" : "A"}${state.slice(11)}`;
    const response = await callback(
      `${app.url}/connect/ebay/callback?state=${encodeURIComponent(tampered)}&code=anything`,
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('data-problem="state_invalid"');
    expect(await accountsOf(storeB)).toEqual([]);
  });

  it("GIVEN an expired state WHEN the callback receives it THEN 400 says it expired, in French for a French browser", async () => {
    const expired = signOAuthState(
      app.services.keyring,
      { platform: "ebay", storeId: storeB.id },
      new Date(Date.now() - 3_600_000),
    );
    const response = await fetch(
      `${app.url}/connect/ebay/callback?state=${encodeURIComponent(expired)}&code=x`,
      { redirect: "manual", headers: { "accept-language": "fr-FR,fr;q=0.9" } },
    );
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('data-problem="state_expired"');
    expect(html).toContain("a expiré");
  });

  it("GIVEN an eBay state WHEN it comes back on the Amazon callback THEN it is refused", async () => {
    const { consentUrl } = await startConnect(storeB, "ebay");
    const state = new URL(consentUrl!).searchParams.get("state")!;
    const response = await callback(
      `${app.url}/connect/amazon/callback?state=${encodeURIComponent(state)}&spapi_oauth_code=x&selling_partner_id=A1`,
    );
    expect(response.status).toBe(400);
  });

  it("GIVEN store B's state and a seller's real code WHEN store A's merchant finishes with it THEN 400, the code is not spent and nothing is written", async () => {
    world.simulators.ebay.addAccount({ username: "victim_seller" });
    world.simulators.ebay.signIn("victim_seller");
    const grantsBefore = world.simulators.ebay.codeGrantCount();
    const accountsA = await accountsOf(storeA);
    const back = await callback(await consent((await startConnect(storeB, "ebay")).consentUrl!));
    const adminUrl = back.headers.get("location")!;
    const forStoreA = adminUrl.replace(SHOP_B, SHOP_A);
    const done = await finishInAdmin(forStoreA, storeA);
    expect(done.status).toBe(400);
    expect(await done.text()).toContain("started from another store");
    expect(world.simulators.ebay.codeGrantCount()).toBe(grantsBefore);
    expect(await accountsOf(storeA)).toEqual(accountsA);
    expect(await accountsOf(storeB)).toEqual([]);
  });
});

describe("reconnecting", () => {
  it("GIVEN an account whose grant eBay revoked WHEN the merchant reconnects as the same seller THEN the same row is active again with a new grant", async () => {
    world.simulators.ebay.addAccount({ username: "revoked_seller" });
    const accountId = await connectEbay(storeA, "revoked_seller");
    const [before] = await world.database.db
      .select()
      .from(marketplaceAccounts)
      .where(eq(marketplaceAccounts.id, accountId));
    world.simulators.ebay.revokeRefreshTokens("revoked_seller");
    await world.database.db
      .update(marketplaceAccounts)
      .set({ status: "needs_reconnect" })
      .where(eq(marketplaceAccounts.id, accountId));

    const list = await fetch(`${app.url}/app/accounts`, {
      headers: await adminHeaders(app, storeA),
    });
    expect(await list.text()).toContain(`/app/accounts/connect/ebay?account=${accountId}`);

    const again = await connectEbay(storeA, "revoked_seller", `account=${accountId}`);
    expect(again).toBe(accountId);
    const [after] = await world.database.db
      .select()
      .from(marketplaceAccounts)
      .where(eq(marketplaceAccounts.id, accountId));
    expect(after!.status).toBe("active");
    expect(decryptCredentials(world.deps.keyring, after!).refreshToken).not.toBe(
      decryptCredentials(world.deps.keyring, before!).refreshToken,
    );
    const rows = await accountsOf(storeA);
    expect(rows.filter((r) => r.sellerId === "revoked_seller")).toHaveLength(1);
  });

  it("GIVEN an order waiting for its account to be reconnected WHEN it is reconnected THEN the order is checked again", async () => {
    world.simulators.ebay.addAccount({ username: "waiting_seller" });
    const accountId = await connectEbay(storeA, "waiting_seller");
    world.simulators.ebay.seedOrder({
      seller: "waiting_seller",
      lines: [{ sku: "CUP-1", title: "Cup", unitPrice: "8.00" }],
    });
    await pollAccount(world.deps, { accountId });
    const [order] = await world.database.db
      .update(marketplaceOrders)
      .set({ state: "waiting", holdReasons: [{ code: "account.reconnect" }] })
      .where(eq(marketplaceOrders.accountId, accountId))
      .returning({ id: marketplaceOrders.id });
    await world.database.db
      .update(marketplaceAccounts)
      .set({ status: "needs_reconnect" })
      .where(eq(marketplaceAccounts.id, accountId));

    await connectEbay(storeA, "waiting_seller", `account=${accountId}`);

    const events = await world.database.db
      .select({ kind: syncEvents.kind, params: syncEvents.params })
      .from(syncEvents)
      .where(eq(syncEvents.orderId, order!.id));
    expect(events).toContainEqual({
      kind: "order.recheck",
      params: { cause: "account_connected" },
    });
  });

  it("GIVEN a reconnect WHEN the merchant signs in to eBay as another seller THEN 400 names both and the account is untouched", async () => {
    world.simulators.ebay.addAccount({ username: "first_seller" });
    world.simulators.ebay.addAccount({ username: "other_seller" });
    const accountId = await connectEbay(storeA, "first_seller");
    await world.database.db
      .update(marketplaceAccounts)
      .set({ status: "needs_reconnect" })
      .where(eq(marketplaceAccounts.id, accountId));
    world.simulators.ebay.signIn("other_seller");
    const start = await startConnect(storeA, "ebay", `account=${accountId}`);
    const back = await callback(await consent(start.consentUrl!));
    const done = await finishInAdmin(back.headers.get("location")!, storeA);
    expect(done.status).toBe(400);
    const html = await done.text();
    expect(html).toContain("other_seller");
    expect(html).toContain("first_seller");
    const [row] = await world.database.db
      .select()
      .from(marketplaceAccounts)
      .where(eq(marketplaceAccounts.id, accountId));
    expect(row!.status).toBe("needs_reconnect");
    expect((await accountsOf(storeA)).some((r) => r.sellerId === "other_seller")).toBe(false);
  });

  it("GIVEN store A's account WHEN store B's merchant opens its reconnect page THEN 404", async () => {
    const [account] = await accountsOf(storeA);
    const response = await fetch(
      `${app.url}/app/accounts/connect/ebay?account=${account!.id}&_data=${CONNECT_ROUTE}`,
      { headers: await adminHeaders(app, storeB) },
    );
    expect(response.status).toBe(404);
  });

  it("GIVEN a reconnect link whose account is not a UUID WHEN it is opened THEN 404, not a database error", async () => {
    for (const account of ["-".repeat(36), "0123456789abcdef0123456789abcdef0123"]) {
      const response = await fetch(
        `${app.url}/app/accounts/connect/ebay?account=${account}&_data=${CONNECT_ROUTE}`,
        { headers: await adminHeaders(app, storeA) },
      );
      expect(response.status, account).toBe(404);
    }
  });
});

describe("connecting an Amazon account", () => {
  it("GIVEN marketplaces of two regions WHEN chosen THEN the page asks again and offers no consent", async () => {
    const start = await startConnect(
      storeB,
      "amazon",
      "marketplace=ATVPDKIKX0DER&marketplace=A13V1IB3VIYZZH",
    );
    expect(start).toMatchObject({ mode: "start", consentUrl: null, selectionError: true });
  });

  it("GIVEN a seller authorizing on Seller Central WHEN they come back THEN LWA's refresh token is saved for the chosen European marketplaces and works", async () => {
    const start = await startConnect(
      storeB,
      "amazon",
      "marketplace=A13V1IB3VIYZZH&marketplace=A1PA6795UKMFR9",
    );
    const consentUrl = new URL(start.consentUrl!);
    expect(consentUrl.pathname).toBe("/apps/authorize/consent");
    expect(consentUrl.searchParams.get("application_id")).toBe(SIM_APPLICATION_ID);
    expect(consentUrl.searchParams.has("version")).toBe(false);

    world.simulators.amazon.signIn(SIM_SELLER_ID);
    const landing = new URL(await consent(start.consentUrl!));
    expect(landing.pathname).toBe("/connect/amazon/callback");
    expect(landing.searchParams.get("selling_partner_id")).toBe(SIM_SELLER_ID);
    const back = await callback(landing.toString());
    const done = await finishInAdmin(back.headers.get("location")!, storeB);
    expect(done.status).toBe(302);

    const [account] = await world.database.db
      .select()
      .from(marketplaceAccounts)
      .where(
        and(eq(marketplaceAccounts.storeId, storeB.id), eq(marketplaceAccounts.platform, "amazon")),
      );
    expect(account).toMatchObject({
      sellerId: SIM_SELLER_ID,
      region: "eu",
      marketplaceIds: ["A13V1IB3VIYZZH", "A1PA6795UKMFR9"],
      displayName: "Amazon FR, DE",
      status: "active",
    });
    expect(decryptCredentials(world.deps.keyring, account!).refreshToken).toMatch(/^Atzr\|/);
    expect(world.simulators.amazon.codeGrantCount()).toBe(1);
    const page = await marketplaceConnectorFor(world.deps, account!).listOrders({
      updatedSince: new Date(Date.now() - 86_400_000),
    });
    expect(Array.isArray(page.orders)).toBe(true);

    const list = await fetch(`${app.url}/app/accounts`, {
      headers: await adminHeaders(app, storeB, { locale: "fr-FR" }),
    });
    const html = await list.text();
    expect(html).toContain("Places de marché : France, Allemagne");
    expect(html).toContain("Autorisation valable jusqu’au");
  });
});

describe("connecting an Amazon account again", () => {
  it("GIVEN an Amazon account needing reconnection WHEN the merchant reconnects it THEN its marketplaces are kept and no choice is asked", async () => {
    const [account] = await world.database.db
      .select()
      .from(marketplaceAccounts)
      .where(
        and(eq(marketplaceAccounts.storeId, storeB.id), eq(marketplaceAccounts.platform, "amazon")),
      );
    await world.database.db
      .update(marketplaceAccounts)
      .set({ status: "needs_reconnect" })
      .where(eq(marketplaceAccounts.id, account!.id));
    const start = await startConnect(storeB, "amazon", `account=${account!.id}`);
    expect(start.consentUrl).not.toBeNull();
    const back = await callback(await consent(start.consentUrl!));
    const done = await finishInAdmin(back.headers.get("location")!, storeB);
    expect(new URL(done.headers.get("location")!, app.url).searchParams.get("reconnected")).toBe(
      "1",
    );
    const [after] = await world.database.db
      .select()
      .from(marketplaceAccounts)
      .where(eq(marketplaceAccounts.id, account!.id));
    expect(after).toMatchObject({
      status: "active",
      region: "eu",
      marketplaceIds: ["A13V1IB3VIYZZH", "A1PA6795UKMFR9"],
    });
  });

  it("GIVEN an installation without an Amazon application id WHEN the connect page opens THEN it says so and offers no consent", async () => {
    const consentConfig = app.services.config.consent;
    app.services.config.consent = { ...consentConfig, amazon: undefined };
    try {
      const start = await startConnect(storeB, "amazon", "marketplace=A13V1IB3VIYZZH");
      expect(start).toMatchObject({ mode: "unavailable" });
      expect(start.consentUrl).toBeUndefined();
    } finally {
      app.services.config.consent = consentConfig;
    }
  });
});

describe("disconnecting", () => {
  it("GIVEN a connected account with imported orders and queued jobs WHEN the merchant disconnects it THEN its jobs stop, its grant is erased and its orders stay", async () => {
    world.simulators.ebay.addAccount({ username: "leaving_seller" });
    const accountId = await connectEbay(storeA, "leaving_seller");
    world.simulators.ebay.seedOrder({
      seller: "leaving_seller",
      lines: [{ sku: "MUG-1", title: "Mug", unitPrice: "10.00" }],
    });
    await pollAccount(world.deps, { accountId });
    const orders = await world.database.db
      .select({ id: marketplaceOrders.id })
      .from(marketplaceOrders)
      .where(eq(marketplaceOrders.accountId, accountId));
    expect(orders).toHaveLength(1);
    expect(await queuedJobs("order.process", accountId)).toBe(1);

    const foreign = await fetch(`${app.url}/app/accounts`, {
      method: "POST",
      headers: {
        ...(await adminHeaders(app, storeB)),
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ intent: "disconnect", accountId }),
      redirect: "manual",
    });
    expect(foreign.status).toBe(404);

    const response = await fetch(`${app.url}/app/accounts`, {
      method: "POST",
      headers: {
        ...(await adminHeaders(app, storeA)),
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ intent: "disconnect", accountId }),
      redirect: "manual",
    });
    expect(response.status).toBe(302);

    const [row] = await world.database.db
      .select()
      .from(marketplaceAccounts)
      .where(eq(marketplaceAccounts.id, accountId));
    expect(row).toMatchObject({ status: "disconnected", credentialsEnc: null });
    expect(row!.disconnectedAt).toBeInstanceOf(Date);
    expect(await queuedJobs("order.process", accountId)).toBe(0);
    expect(await queuedJobs("import.poll", accountId)).toBe(0);
    const kept = await world.database.db
      .select({ id: marketplaceOrders.id })
      .from(marketplaceOrders)
      .where(eq(marketplaceOrders.accountId, accountId));
    expect(kept).toEqual(orders);
    expect(await pollAccount(world.deps, { accountId })).toMatchObject({ status: "inactive" });

    const list = await fetch(`${app.url}/app/accounts`, {
      headers: await adminHeaders(app, storeA),
    });
    const html = await list.text();
    expect(html).toContain("Disconnected on");
    expect(html).toContain(`/app/accounts/connect/ebay?account=${accountId}`);
  });

  it("GIVEN a disconnected account whose order checks were cancelled WHEN the merchant reconnects it THEN the same account resumes and its orders are checked again", async () => {
    const [account] = (await accountsOf(storeA)).filter((a) => a.sellerId === "leaving_seller");
    expect(account!.status).toBe("disconnected");
    expect(await queuedJobs("order.process", account!.id)).toBe(0);

    const again = await connectEbay(storeA, "leaving_seller", `account=${account!.id}`);

    expect(again).toBe(account!.id);
    const [row] = await world.database.db
      .select()
      .from(marketplaceAccounts)
      .where(eq(marketplaceAccounts.id, account!.id));
    expect(row).toMatchObject({ status: "active", disconnectedAt: null });
    expect(decryptCredentials(world.deps.keyring, row!).refreshToken).toMatch(/^v\^1\.1/);
    expect(await queuedJobs("order.process", account!.id)).toBe(1);
    expect(await queuedJobs("import.poll", account!.id)).toBe(1);
  });
});

describe("connecting from inside the BigCommerce control panel", () => {
  const pendingOf = (store: StoreRow) =>
    world.database.db
      .select()
      .from(pendingConnections)
      .where(eq(pendingConnections.storeId, store.id));

  /** The control panel opening the app: BigCommerce loads our load callback in its iframe. */
  async function openFromControlPanel(store: StoreRow) {
    const jwt = bigCommerceLoadJwt(store.externalId);
    return fetch(`${app.url}/bigcommerce/load?signed_payload_jwt=${jwt}`, { redirect: "manual" });
  }

  it("GIVEN a BigCommerce merchant consenting on eBay WHEN eBay sends them back to our top-level callback THEN it keeps the answer encrypted, and the next app load finishes the connection under their session, once", async () => {
    const store = await installBigCommerceStore(world, { hash: "bcconnect1" });
    world.simulators.ebay.addAccount({ username: "bc_atelier", marketplaceId: "EBAY_FR" });
    world.simulators.ebay.signIn("bc_atelier");
    const start = await startConnect(store, "ebay");
    const callbackUrl = await consent(start.consentUrl!);

    const back = await callback(callbackUrl);
    expect(back.status).toBe(200);
    const page = await back.text();
    expect(page).toContain('data-pending="ebay"');
    expect(page).toContain("https://store-bcconnect1.mybigcommerce.com/manage");
    expect(await accountsOf(store)).toEqual([]);
    const [held] = await pendingOf(store);
    const code = new URL(callbackUrl).searchParams.get("code")!;
    expect(held!.callbackEnc).not.toContain(code);

    const load = await openFromControlPanel(store);
    expect(load.status).toBe(302);
    const next = load.headers.get("location")!;
    expect(next).toBe(`/app/accounts/connect/ebay${new URL(callbackUrl).search}`);
    const cookie = load.headers.get("set-cookie")!.split(";")[0]!;
    const done = await fetch(`${app.url}${next}`, {
      headers: { cookie, origin: app.url, "user-agent": BROWSER_USER_AGENT },
      redirect: "manual",
    });
    expect(done.status).toBe(302);
    expect(new URL(done.headers.get("location")!, app.url).pathname).toBe("/app/accounts");
    const accounts = await accountsOf(store);
    expect(accounts.map((a) => [a.platform, a.displayName.includes("bc_atelier")])).toEqual([
      ["ebay", true],
    ]);

    const again = await openFromControlPanel(store);
    expect(again.headers.get("location")).toBe("/app");
  });

  it("GIVEN the app's BigCommerce id is configured WHEN eBay sends the merchant back THEN they go straight to the app in their control panel, whose load takes the kept answer", async () => {
    const store = await installBigCommerceStore(world, { hash: "bcconnect5" });
    world.simulators.ebay.addAccount({ username: "bc_direct", marketplaceId: "EBAY_US" });
    world.simulators.ebay.signIn("bc_direct");
    const start = await startConnect(store, "ebay");
    const callbackUrl = await consent(start.consentUrl!);
    const configured = app.services.config.apps.bigcommerce!;
    app.services.config.apps.bigcommerce = { ...configured, appId: "48213" };
    try {
      const back = await callback(callbackUrl);
      expect(back.status).toBe(303);
      expect(back.headers.get("location")).toBe(
        "https://store-bcconnect5.mybigcommerce.com/manage/app/48213",
      );
    } finally {
      app.services.config.apps.bigcommerce = configured;
    }
    expect(await pendingOf(store)).toHaveLength(1);
    const load = await openFromControlPanel(store);
    expect(load.headers.get("location")).toBe(
      `/app/accounts/connect/ebay${new URL(callbackUrl).search}`,
    );
  });

  it("GIVEN a consent answer kept for a BigCommerce store WHEN it is past its state's expiry at the next load THEN the app opens normally and the answer is dropped", async () => {
    const store = await installBigCommerceStore(world, { hash: "bcconnect2" });
    await holdPendingConnection(world.database.db, world.deps.keyring, {
      storeId: store.id,
      platform: "ebay",
      search: "?code=old&state=old",
      expiresAt: new Date(Date.now() - 1000),
    });
    const load = await openFromControlPanel(store);
    expect(load.headers.get("location")).toBe("/app");
    expect(await pendingOf(store)).toEqual([]);
  });

  it("GIVEN answers kept for stores that never open the app again WHEN the daily purge runs THEN the expired ones are dropped and the fresh ones kept", async () => {
    const store = await installBigCommerceStore(world, { hash: "bcconnect4" });
    const keep = (expiresAt: Date) =>
      holdPendingConnection(world.database.db, world.deps.keyring, {
        storeId: store.id,
        platform: "amazon",
        search: "?x",
        expiresAt,
      });
    await keep(new Date(Date.now() - 60_000));
    await keep(new Date(Date.now() + 600_000));
    expect(await dropExpiredPendingConnections(world.database.db)).toBeGreaterThanOrEqual(1);
    const left = await pendingOf(store);
    expect(left).toHaveLength(1);
    expect(left[0]!.expiresAt.getTime()).toBeGreaterThan(Date.now());
  });

  it("GIVEN a forged state naming a BigCommerce store WHEN it reaches the callback THEN nothing is kept", async () => {
    const store = await installBigCommerceStore(world, { hash: "bcconnect3" });
    const response = await callback(
      `${app.url}/connect/ebay/callback?code=x&state=${encodeURIComponent(`forged.${store.id}`)}`,
    );
    expect(response.status).toBe(400);
    expect(await pendingOf(store)).toEqual([]);
  });
});
