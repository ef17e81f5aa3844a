import { createHmac } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../db/client";
import { marketplaceOrders, stores } from "../../db/schema";
import { unregisterShopOverride } from "../../connectors/shopify/fetch-override";
import { SHOPIFY_SESSION_CONTEXT } from "../../db/shopify-tokens";
import { decryptStoreRefresh, decryptStoreToken } from "../../db/stores";
import { storeConnectorFor } from "../../jobs/import/connectors";
import type { JobPayload } from "../../jobs/registry";
import { reconcileStore } from "../../jobs/tracking/reconcile";
import {
  adminHeaders,
  BROWSER_USER_AGENT,
  shopifySessionToken,
  startAdminAppServer,
  tamperJwt,
} from "../helpers/admin-auth";
import type { AppServer } from "../helpers/app-server";
import { type ImportWorld, installShopifyStore, startImportWorld } from "../helpers/import-world";
import {
  type ShopifyTokenExchange,
  startShopifyTokenExchange,
} from "../helpers/shopify-token-exchange";
import { SIM_SHOPIFY_APP } from "../simulators";
import { seedStoreOrders } from "./order-list-fixtures";

const SHOP = "install-tests.myshopify.com";
const HOST = Buffer.from("admin.shopify.com/store/install-tests").toString("base64url");
const NEW_SHOP = "first-install.myshopify.com";
const NEW_HOST = Buffer.from("admin.shopify.com/store/first-install").toString("base64url");

describe("Shopify admin authentication through @shopify/shopify-app-remix", () => {
  let world: ImportWorld;
  let app: AppServer;
  let exchange: ShopifyTokenExchange;

  beforeAll(async () => {
    world = await startImportWorld();
    app = await startAdminAppServer(world);
    exchange = await startShopifyTokenExchange(world, [NEW_SHOP]);
    await installShopifyStore(world, { shop: SHOP });
  });
  afterAll(async () => {
    await exchange?.stop();
    await app?.close();
    await world?.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${app.url}${path}`, {
      redirect: "manual",
      headers: { "user-agent": BROWSER_USER_AGENT, ...headers },
    });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  async function store() {
    const [row] = await world.database.db.select().from(stores).where(eq(stores.externalId, SHOP));
    return row!;
  }

  async function sessionCount(): Promise<number> {
    const rows = rowsOf<{ n: number }>(
      await world.database.db.execute(sql`select count(*)::int as n from shopify_sessions`),
    );
    return rows[0]!.n;
  }

  it("GIVEN a forged id_token for a shop that never installed WHEN the admin loads the app THEN no token exchange is attempted and nothing is recorded", async () => {
    const forged = shopifySessionToken(NEW_SHOP, { secret: "not-the-secret" });

    const response = await get(
      `/app?embedded=1&shop=${NEW_SHOP}&host=${NEW_HOST}&id_token=${forged}`,
    );

    expect(response.status).toBe(302);
    expect(exchange.requests).toBe(0);
    const rows = await world.database.db
      .select()
      .from(stores)
      .where(eq(stores.externalId, NEW_SHOP));
    expect(rows).toEqual([]);
  });

  it("GIVEN a merchant opening the app for the first time WHEN the admin loads it with a signed id_token THEN the token is exchanged, the store recorded with its token encrypted, and its webhooks subscribed by the queued job", async () => {
    const idToken = shopifySessionToken(NEW_SHOP);

    const response = await get(
      `/app?embedded=1&shop=${NEW_SHOP}&host=${NEW_HOST}&id_token=${idToken}`,
    );

    expect(response.status).toBe(200);
    // The layout's and the page's loaders authenticate in parallel: each may exchange the token.
    expect(exchange.requests).toBeGreaterThanOrEqual(1);
    const issued = exchange.issued.get(NEW_SHOP)!;
    const [store] = await world.database.db
      .select()
      .from(stores)
      .where(eq(stores.externalId, NEW_SHOP));
    expect(store?.platform).toBe("shopify");
    const token = decryptStoreToken(world.deps.keyring, store!)!;
    expect(issued).toContain(token);
    expect(store!.accessTokenEnc).not.toContain(token);
    // Expiring offline token: the workers keep the refresh token too, to renew it on their own.
    const refresh = decryptStoreRefresh(world.deps.keyring, store!);
    expect(refresh.refreshToken).toMatch(/^shprt_/);
    expect(store!.refreshTokenEnc).not.toContain(refresh.refreshToken);
    expect(refresh.accessTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
    const sessions = rowsOf<{ access_token: string }>(
      await world.database.db.execute(
        sql`select "accessToken" as access_token from shopify_sessions where shop = ${NEW_SHOP}`,
      ),
    );
    expect(sessions).toHaveLength(1);
    for (const t of issued) expect(sessions[0]!.access_token).not.toContain(t);

    const jobs = rowsOf<{ data: JobPayload<"tracking.reconcile_store"> }>(
      await world.database.db.execute(
        sql`select data from pgboss.job where name = 'tracking.reconcile_store'`,
      ),
    );
    expect(jobs.map((j) => j.data.storeId)).toEqual([store!.id]);
    await reconcileStore({ ...world.deps, publicUrl: app.url }, jobs[0]!.data);
    const subscriptions = world.simulators.shopify.subscriptions(NEW_SHOP);
    expect(subscriptions.map((s) => s.topic).sort()).toEqual([
      "APP_UNINSTALLED",
      "FULFILLMENTS_CREATE",
      "FULFILLMENTS_UPDATE",
      "ORDERS_CANCELLED",
    ]);
    for (const s of subscriptions) expect(s.uri).toBe(`${app.url}/webhooks/shopify`);

    // Later requests use the stored session: no further exchange.
    const exchanges = exchange.requests;
    const again = await get("/app?_data=routes/app", bearer(shopifySessionToken(NEW_SHOP)));
    expect(again.status).toBe(200);
    expect(exchange.requests).toBe(exchanges);
  });

  it("GIVEN the first shop's hour-long token has expired WHEN a background job calls Shopify THEN the worker renews it with the refresh token and writes the new pair to the store and the admin's session, so neither uses a retired one", async () => {
    const read = async () => {
      const [row] = await world.database.db
        .select()
        .from(stores)
        .where(eq(stores.externalId, NEW_SHOP));
      return row!;
    };
    const before = await read();
    world.simulators.shopify.expireAccessTokens(NEW_SHOP);

    const variants = await storeConnectorFor(world.deps, before).findVariantsBySku(["NONE"]);

    expect(variants.get("NONE") ?? []).toEqual([]);
    const after = await read();
    const keyring = world.deps.keyring;
    const renewed = decryptStoreToken(keyring, after)!;
    expect(renewed).not.toBe(decryptStoreToken(keyring, before));
    const refresh = decryptStoreRefresh(keyring, after);
    expect(refresh.refreshToken).not.toBe(decryptStoreRefresh(keyring, before).refreshToken);
    expect(refresh.accessTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now());
    const [session] = rowsOf<{ access: string; refresh: string; expires: Date | string }>(
      await world.database.db.execute(
        sql`select "accessToken" as access, "refreshToken" as refresh, expires from shopify_sessions where shop = ${NEW_SHOP} and "isOnline" = false`,
      ),
    );
    expect(keyring.decrypt(session!.access, SHOPIFY_SESSION_CONTEXT.access)).toBe(renewed);
    expect(keyring.decrypt(session!.refresh, SHOPIFY_SESSION_CONTEXT.refresh)).toBe(
      refresh.refreshToken,
    );
    // A worker reading the row now uses the new token at once: no second refresh.
    await storeConnectorFor(world.deps, after).findVariantsBySku(["NONE"]);
    expect((await read()).refreshTokenEnc).toBe(after.refreshTokenEnc);
  });

  it("GIVEN an installed shop WHEN the admin fetches with a valid session token THEN the app answers for that shop, in the admin's language", async () => {
    const headers = await adminHeaders(app, await store());

    const response = await get("/app?_data=routes/app&locale=fr", headers);

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ shop: SHOP, embedded: true, locale: "fr" });
  });

  it("GIVEN orders held because the shop's token was lost WHEN the merchant opens the app and a new token is exchanged THEN those orders are checked again", async () => {
    const seeded = await seedStoreOrders(world.database.db, world.deps.keyring, NEW_SHOP, [
      { key: "LOST-1", account: "ebay", state: "held", createdAt: "2026-11-01T10:00:00Z" },
      { key: "OTHER-1", account: "ebay", state: "held", createdAt: "2026-11-01T10:00:00Z" },
    ]);
    await world.database.db
      .update(marketplaceOrders)
      .set({ holdReasons: [{ code: "store.access_revoked", params: { platform: "shopify" } }] })
      .where(eq(marketplaceOrders.id, seeded.ids["LOST-1"]!));
    await world.database.db.execute(sql`delete from shopify_sessions where shop = ${NEW_SHOP}`);
    // The worker's connector (the refresh test) routed this shop's OAuth calls straight to the
    // simulator, which has no token exchange: give them back to the exchange endpoint.
    unregisterShopOverride(NEW_SHOP);

    const response = await get(
      `/app?embedded=1&shop=${NEW_SHOP}&host=${NEW_HOST}&id_token=${shopifySessionToken(NEW_SHOP)}`,
    );

    expect(response.status).toBe(200);
    const queued = rowsOf<{ data: { orderId: string } }>(
      await world.database.db.execute(
        sql`select data from pgboss.job where name = 'order.process'`,
      ),
    ).map((job) => job.data.orderId);
    expect(queued).toContain(seeded.ids["LOST-1"]);
    expect(queued).not.toContain(seeded.ids["OTHER-1"]);
  });

  it("GIVEN a staff member whose admin is in French and whose browser is in English WHEN the app's own navigations drop ?locale= THEN the app stays French for them, another staff member keeps their own language, and ?locale=en switches back", async () => {
    const headers = await adminHeaders(app, await store(), { locale: "en-US" });
    const localeOf = async (path: string, given = headers) =>
      ((await (await get(path, given)).json()) as { locale: string }).locale;

    expect(await localeOf("/app?_data=routes/app&locale=fr")).toBe("fr");
    expect(await localeOf("/app/orders?_data=routes/app")).toBe("fr");
    const colleague = {
      ...headers,
      authorization: `Bearer ${shopifySessionToken(SHOP, { userId: "43" })}`,
    };
    expect(await localeOf("/app/orders?_data=routes/app", colleague)).toBe("en");

    expect(await localeOf("/app?_data=routes/app&locale=en")).toBe("en");
    expect(await localeOf("/app/orders?_data=routes/app")).toBe("en");
  });

  it("GIVEN a French browser outside the admin WHEN it opens the landing page, a page that does not exist or the login path THEN each answers in French, with no technical detail", async () => {
    const french = { "accept-language": "fr-FR,fr;q=0.9" };

    const landing = await get("/", french);
    expect(landing.status).toBe(200);
    expect(await landing.text()).toContain("Importe vos commandes eBay et Amazon");

    const missing = await get("/nulle-part", french);
    expect(missing.status).toBe(404);
    const page = await missing.text();
    expect(page).toContain('<html lang="fr">');
    expect(page).toContain("Page introuvable");
    expect(page).not.toMatch(/\n\s+at /);

    const login = await get("/auth/login", french);
    expect(login.status).toBe(400);
    expect(await login.text()).toBe(
      "Ouvrez Marketsync depuis l’administration Shopify (Applications › Marketsync).",
    );
  });

  it("GIVEN the first embedded load WHEN its id_token is signed with the app secret THEN the page renders, framable only by that shop's admin", async () => {
    await adminHeaders(app, await store());
    const token = shopifySessionToken(SHOP);

    const response = await get(`/app?embedded=1&shop=${SHOP}&host=${HOST}&id_token=${token}`);

    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toContain(
      `frame-ancestors https://${SHOP} https://admin.shopify.com`,
    );
    expect(await response.text()).toContain("<!DOCTYPE html>");
  });

  it.each([
    ["signed with another secret", () => shopifySessionToken(SHOP, { secret: "not-the-secret" })],
    ["expired", () => shopifySessionToken(SHOP, { expired: true })],
    ["for another app", () => shopifySessionToken(SHOP, { apiKey: "another-app" })],
    ["tampered", () => tamperJwt(shopifySessionToken(SHOP))],
    ["not a JWT", () => "garbage"],
  ])(
    "GIVEN a session token %s WHEN the admin fetches with it THEN 401 (App Bridge retries with a fresh one), never a 500",
    async (_case, token) => {
      const response = await get("/app?_data=routes/app", bearer(token()));

      expect(response.status).toBe(401);
      expect(response.headers.get("x-shopify-retry-invalid-session-request")).toBe("1");
    },
  );

  it("GIVEN a document load with a forged id_token WHEN it reaches the app THEN it is sent to the session-token bounce page, not shown", async () => {
    const forged = shopifySessionToken(SHOP, { secret: "not-the-secret" });

    const response = await get(`/app?embedded=1&shop=${SHOP}&host=${HOST}&id_token=${forged}`);

    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toMatch(/^\/auth\/session-token\?/);
  });

  it("GIVEN an OAuth callback with a valid or a tampered HMAC WHEN it reaches /auth/callback THEN neither records a session or a store (installs go through token exchange) and both go back to the Shopify admin", async () => {
    const sessionsBefore = await sessionCount();
    const query = new URLSearchParams({
      code: "0123456789abcdef",
      host: HOST,
      shop: "callback-probe.myshopify.com",
      state: "state-from-elsewhere",
      timestamp: String(Math.floor(Date.now() / 1000)),
    });
    query.sort();
    const hmac = createHmac("sha256", SIM_SHOPIFY_APP.apiSecret)
      .update(query.toString())
      .digest("hex");

    for (const signature of [hmac, "0".repeat(64)]) {
      const response = await get(`/auth/callback?${query.toString()}&hmac=${signature}`);
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe(
        `https://admin.shopify.com/store/install-tests/apps/${SIM_SHOPIFY_APP.apiKey}`,
      );
    }
    expect(await sessionCount()).toBe(sessionsBefore);
    const probe = await world.database.db
      .select()
      .from(stores)
      .where(eq(stores.externalId, "callback-probe.myshopify.com"));
    expect(probe).toEqual([]);
  });

  it("GIVEN a shop that uninstalled WHEN its admin still presents a valid session token THEN 403", async () => {
    const headers = await adminHeaders(app, await store());
    await world.database.db
      .update(stores)
      .set({ uninstalledAt: new Date() })
      .where(eq(stores.externalId, SHOP));

    const response = await get("/app?_data=routes/app", headers);

    expect(response.status).toBe(403);
  });
});
