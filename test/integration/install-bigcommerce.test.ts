import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addBigCommerceDocumentHeaders,
  bigCommerceSessionCookie,
} from "../../app/bigcommerce-session.server";
import { rowsOf } from "../../db/client";
import { stores } from "../../db/schema";
import { BIGCOMMERCE_SECRET_HEADER, decryptStoreToken } from "../../db/stores";
import { handleStoreLifecycle } from "../../jobs/privacy/store-lifecycle";
import type { JobPayload } from "../../jobs/registry";
import { reconcileStore } from "../../jobs/tracking/reconcile";
import {
  adminHeaders,
  bigCommerceLoadJwt,
  signJwt,
  startAdminAppServer,
  tamperJwt,
  TEST_BIGCOMMERCE_APP,
} from "../helpers/admin-auth";
import type { AppServer } from "../helpers/app-server";
import { type ImportWorld, startImportWorld } from "../helpers/import-world";

const HASH = "bcinstall1";

describe("BigCommerce install, load, uninstall and remove_user callbacks", () => {
  let world: ImportWorld;
  let app: AppServer;

  beforeAll(async () => {
    world = await startImportWorld();
    app = await startAdminAppServer(world);
    world.simulators.bigcommerce.createStore({ hash: HASH, currency: "EUR" });
  });
  afterAll(async () => {
    await app?.close();
    await world?.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${app.url}${path}`, { redirect: "manual", headers });

  async function storeRow(hash: string) {
    const [row] = await world.database.db
      .select()
      .from(stores)
      .where(and(eq(stores.platform, "bigcommerce"), eq(stores.externalId, hash)));
    return row;
  }

  async function queued<N extends "tracking.reconcile_store" | "store.lifecycle">(name: N) {
    return rowsOf<{ data: JobPayload<N> }>(
      await world.database.db.execute(
        sql`select data from pgboss.job where name = ${name} order by created_on`,
      ),
    );
  }

  /** A load JWT for HASH with its claims changed, signed again with the app's real secret. */
  function resignedLoadJwt(
    change: (claims: Record<string, unknown>) => Record<string, unknown>,
  ): string {
    const payload = bigCommerceLoadJwt(HASH).split(".")[1]!;
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<
      string,
      unknown
    >;
    return signJwt(change(claims), TEST_BIGCOMMERCE_APP.clientSecret);
  }

  async function install(hash: string) {
    const grant = world.simulators.bigcommerce.issueAuthCode(TEST_BIGCOMMERCE_APP.clientId, hash);
    const query = new URLSearchParams(grant).toString();
    return { grant, response: await get(`/bigcommerce/auth?${query}`) };
  }

  it("GIVEN a merchant installing from the control panel WHEN BigCommerce calls the auth callback THEN the token is stored encrypted, webhook registration is queued and the merchant lands in the app with a partitioned session", async () => {
    const { response } = await install(HASH);

    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/app");
    const cookie = response.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^marketsync_bc_session=[A-Za-z0-9_-]+;/);
    for (const attribute of ["HttpOnly", "Secure", "SameSite=None", "Partitioned", "Path=/"]) {
      expect(cookie).toContain(attribute);
    }
    expect(cookie).not.toContain("merchant@example.com");

    const store = await storeRow(HASH);
    expect(store?.uninstalledAt).toBeNull();
    const token = decryptStoreToken(world.deps.keyring, store!);
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(store!.accessTokenEnc).not.toContain(token);
    expect((await queued("tracking.reconcile_store")).map((j) => j.data.storeId)).toEqual([
      store!.id,
    ]);

    const layout = await get("/app?_data=routes/app", { cookie: cookie.split(";")[0]! });
    expect(layout.status).toBe(200);
    expect(await layout.json()).toMatchObject({ shop: HASH, embedded: false });
  });

  it("GIVEN the install's queued job WHEN it runs THEN the store's four hooks point at the app with the store's secret header, through the token the install obtained", async () => {
    const store = (await storeRow(HASH))!;
    const [job] = await queued("tracking.reconcile_store");

    const result = await reconcileStore({ ...world.deps, publicUrl: app.url }, job!.data);

    expect(result.webhooks).toBe(4);
    const hooks = world.simulators.bigcommerce.hooks(HASH);
    expect(hooks.map((h) => h.scope).sort()).toEqual([
      "store/app/uninstalled",
      "store/order/statusUpdated",
      "store/shipment/created",
      "store/shipment/updated",
    ]);
    for (const hook of hooks) {
      expect(hook.destination).toBe(`${app.url}/webhooks/bigcommerce`);
      expect(hook.client_id).toBe(TEST_BIGCOMMERCE_APP.clientId);
      expect(hook.headers?.[BIGCOMMERCE_SECRET_HEADER]).toEqual(expect.any(String));
    }
    const fresh = (await storeRow(HASH))!;
    expect(fresh.webhookSecretEnc).not.toBeNull();
    expect(fresh.id).toBe(store.id);
  });

  it("GIVEN an auth code already used, or a request without code WHEN the auth callback is called THEN the merchant sees why (400) and no store or job is added", async () => {
    const { grant } = await install(HASH);
    const jobsBefore = (await queued("tracking.reconcile_store")).length;
    const replay = await get(`/bigcommerce/auth?${new URLSearchParams(grant).toString()}`);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain("BigCommerce refused this install request");

    const incomplete = await get(`/bigcommerce/auth?scope=x&context=stores/${HASH}`, {
      "accept-language": "fr-FR",
    });
    expect(incomplete.status).toBe(400);
    expect(await incomplete.text()).toContain("Ce lien d’installation est incomplet");

    const rows = rowsOf<{ n: number }>(
      await world.database.db.execute(sql`select count(*)::int as n from stores`),
    );
    expect(rows[0]!.n).toBe(1);
    expect(await queued("tracking.reconcile_store")).toHaveLength(jobsBefore);
  });

  it("GIVEN a valid signed_payload_jwt with the user's locale WHEN the control panel calls load THEN a session opens in that language, for that store", async () => {
    const jwt = bigCommerceLoadJwt(HASH, { locale: "fr-FR" });
    const response = await get(`/bigcommerce/load?signed_payload_jwt=${jwt}`);

    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/app");
    const cookie = response.headers.get("set-cookie")!.split(";")[0]!;
    const layout = await get("/app?_data=routes/app", { cookie });
    expect(await layout.json()).toMatchObject({ shop: HASH, locale: "fr", embedded: false });
  });

  it.each([
    ["a wrong audience", () => bigCommerceLoadJwt(HASH, { aud: "another-app" })],
    [
      "an expired token",
      () => bigCommerceLoadJwt(HASH, { exp: Math.floor(Date.now() / 1000) - 600 }),
    ],
    ["a tampered payload", () => tamperJwt(bigCommerceLoadJwt(HASH))],
    ["another app's secret", () => bigCommerceLoadJwt(HASH, { secret: "not-our-secret" })],
    ["an issuer other than bc", () => bigCommerceLoadJwt(HASH, { iss: "evil" })],
    ["no JWT at all", () => ""],
    ["our signature but no user claim", () => resignedLoadJwt(({ user: _user, ...rest }) => rest)],
    [
      "our signature but a user without an id",
      () => resignedLoadJwt((claims) => ({ ...claims, user: { email: "merchant@example.com" } })),
    ],
  ])("GIVEN %s WHEN the control panel calls load THEN 401 and no session", async (_case, jwt) => {
    const response = await get(`/bigcommerce/load?signed_payload_jwt=${jwt()}`);

    expect(response.status).toBe(401);
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(await response.text()).toContain("This request is not signed by BigCommerce.");
  });

  it("GIVEN a valid JWT for a store that never installed WHEN load is called THEN 403 and no session", async () => {
    world.simulators.bigcommerce.createStore({ hash: "neverinstalled" });
    const response = await get(
      `/bigcommerce/load?signed_payload_jwt=${bigCommerceLoadJwt("neverinstalled")}`,
    );
    expect(response.status).toBe(403);
    expect(response.headers.get("set-cookie")).toBeNull();
  });

  it("GIVEN a forged or expired session cookie WHEN it asks for an admin page THEN 401, never a 500", async () => {
    const forged = await get("/app?_data=routes/app", {
      cookie: "marketsync_bc_session=bm90LWEtcmVhbC1zZXNzaW9u",
    });
    expect(forged.status).toBe(401);

    const store = (await storeRow(HASH))!;
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    const expired = bigCommerceSessionCookie(
      world.deps.keyring,
      { storeId: store.id, userId: 9876 },
      twoHoursAgo,
    ).split(";")[0]!;
    const response = await get("/app?_data=routes/app", { cookie: expired });
    expect(response.status).toBe(401);
  });

  it("GIVEN a session WHEN a form posts to the app from another site THEN 403; from the app's own pages THEN it is authenticated", async () => {
    const { requireAdmin } = await import("../../app/auth.server");
    const headers = await adminHeaders(app, (await storeRow(HASH))!);
    const post = (origin: string) =>
      new Request(`${app.url}/app`, {
        method: "POST",
        headers: { cookie: headers.cookie!, origin },
      });

    const refused = await requireAdmin(post("https://evil.example")).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Response);
    expect((refused as Response).status).toBe(403);

    const { store } = await requireAdmin(post(app.url));
    expect(store.externalId).toBe(HASH);
  });

  it("GIVEN a page for a BigCommerce session or a callback page WHEN its document headers are set THEN the control panel may frame it; a Shopify request is left to Shopify's helper", async () => {
    const { cookie } = await adminHeaders(app, (await storeRow(HASH))!);
    const framed = (url: string, headers: Record<string, string> = {}) => {
      const responseHeaders = new Headers();
      const handled = addBigCommerceDocumentHeaders(
        world.deps.keyring,
        new Request(`${app.url}${url}`, { headers }),
        responseHeaders,
      );
      return { handled, csp: responseHeaders.get("content-security-policy") };
    };

    expect(framed("/app", { cookie: cookie! })).toEqual({
      handled: true,
      csp: "frame-ancestors https://*.mybigcommerce.com https://*.bigcommerce.com;",
    });
    expect(framed("/bigcommerce/auth?code=x").handled).toBe(true);
    expect(framed("/app?embedded=1&shop=a.myshopify.com")).toEqual({ handled: false, csp: null });
    expect(framed("/app", { cookie: "marketsync_bc_session=forged" }).handled).toBe(false);
  });

  it("GIVEN a remove_user call WHEN it is signed THEN 200; tampered THEN 401", async () => {
    const ok = await get(`/bigcommerce/remove-user?signed_payload_jwt=${bigCommerceLoadJwt(HASH)}`);
    expect(ok.status).toBe(200);
    const forged = await get(
      `/bigcommerce/remove-user?signed_payload_jwt=${tamperJwt(bigCommerceLoadJwt(HASH))}`,
    );
    expect(forged.status).toBe(401);
  });

  it("GIVEN a remove_user call signed with our secret but without a user claim WHEN it arrives THEN 401, not a 500", async () => {
    const jwt = resignedLoadJwt(({ user: _user, ...rest }) => rest);

    const response = await get(`/bigcommerce/remove-user?signed_payload_jwt=${jwt}`);

    expect(response.status).toBe(401);
    expect(await response.text()).toBe("invalid signed_payload_jwt");
  });

  it("GIVEN an uninstall call WHEN it is forged THEN 401 and nothing queued; signed THEN the lifecycle job uninstalls the store and its sessions stop working", async () => {
    const headers = await adminHeaders(app, (await storeRow(HASH))!);
    const forged = await get(
      `/bigcommerce/uninstall?signed_payload_jwt=${bigCommerceLoadJwt(HASH, { aud: "another-app" })}`,
    );
    expect(forged.status).toBe(401);
    expect(await queued("store.lifecycle")).toEqual([]);

    const response = await get(
      `/bigcommerce/uninstall?signed_payload_jwt=${bigCommerceLoadJwt(HASH)}`,
    );
    expect(response.status).toBe(200);
    const jobs = await queued("store.lifecycle");
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.data).toMatchObject({ event: "uninstalled" });

    await handleStoreLifecycle(world.deps, jobs[0]!.data);

    const store = (await storeRow(HASH))!;
    expect(store.uninstalledAt).not.toBeNull();
    expect(store.accessTokenEnc).toBeNull();
    const after = await get("/app?_data=routes/app", { cookie: headers.cookie! });
    expect(after.status).toBe(403);
    const load = await get(`/bigcommerce/load?signed_payload_jwt=${bigCommerceLoadJwt(HASH)}`);
    expect(load.status).toBe(403);
  });
});
