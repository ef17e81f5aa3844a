import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StoreRow, stores } from "../../db/schema";
import {
  type BlockBackend,
  loadBlockOrder,
} from "../../extensions/marketsync-order-block/src/order-status";
import {
  BROWSER_USER_AGENT,
  shopifySessionToken,
  storeShopifyOfflineSession,
} from "../helpers/admin-auth";
import { connectEbayAccount, installShopifyStore, seedCatalog } from "../helpers/import-world";
import {
  importEbayOrder,
  shipOnShopify,
  shopifyOrderGid,
  startTrackingWorld,
  type TrackingWorld,
  untilPushes,
} from "../helpers/tracking-world";

/** Where admin UI extensions run: a sandbox on Shopify's CDN, not the app's origin. */
const EXTENSION_ORIGIN = "https://extensions.shopifycdn.com";

interface Payload {
  found: boolean;
  error?: string;
  order?: {
    marketplace: string;
    accountName: string;
    marketplaceOrderId: string;
    orderState: string;
    trackingState: string;
    pushes: { trackingNumber: string; carrier: string; state: string; problem: string | null }[];
    appPath: string;
  };
}

describe("admin extension data endpoint: the Marketsync block on a Shopify order", () => {
  let t: TrackingWorld;
  let shopA: StoreRow;
  let shopB: StoreRow;
  let accountA: string;

  beforeAll(async () => {
    t = await startTrackingWorld();
    shopA = await installShopifyStore(t.world, { shop: "block-a.myshopify.com" });
    shopB = await installShopifyStore(t.world, { shop: "block-b.myshopify.com" });
    seedCatalog(t.world, shopA, [{ sku: "MUG-BLUE", title: "Blue mug", price: "14.00" }]);
    accountA = await connectEbayAccount(t.world, shopA, { username: "block_seller" });
    await connectEbayAccount(t.world, shopB, { username: "block_seller_b" });
    for (const store of [shopA, shopB]) await storeShopifyOfflineSession(t.app.services, store);
    await t.subscribeWebhooks(shopA);
    await t.startWorker();
  });
  afterAll(() => t?.close());

  /** The block's request: its numeric order id in the path, the admin's session token as bearer. */
  function askBlock(
    store: StoreRow,
    orderNumber: string,
    options: { token?: string | null; locale?: string; method?: string } = {},
  ): Promise<Response> {
    const token =
      options.token === undefined ? shopifySessionToken(store.externalId) : options.token;
    const query = options.locale ? `?locale=${options.locale}` : "";
    return fetch(`${t.app.url}/api/extension/order/${encodeURIComponent(orderNumber)}${query}`, {
      method: options.method ?? "GET",
      redirect: "manual",
      headers: {
        "user-agent": BROWSER_USER_AGENT,
        origin: EXTENSION_ORIGIN,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    });
  }

  const numericId = (gid: string) => gid.split("/").pop()!;

  it("GIVEN an eBay order Marketsync created and the merchant shipped WHEN the block asks for it THEN it gets the marketplace, the eBay order id and the confirmed tracking, readable cross-origin", async () => {
    const { ebayOrderId, orderId } = await importEbayOrder(t, {
      accountId: accountA,
      seller: "block_seller",
    });
    await shipOnShopify(t, shopA, ebayOrderId, { company: "UPS", number: "1Z999AA10123456784" });
    await untilPushes(t, orderId, "confirmed");
    const gid = shopifyOrderGid(t, shopA, ebayOrderId);

    const response = await askBlock(shopA, numericId(gid));

    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    const body = (await response.json()) as Payload;
    expect(body).toEqual({
      found: true,
      order: {
        marketplace: "ebay",
        accountName: "eBay EBAY_US",
        marketplaceOrderId: ebayOrderId,
        orderState: "imported",
        trackingState: "confirmed",
        pushes: [
          {
            trackingNumber: "1Z999AA10123456784",
            carrier: "UPS",
            state: "confirmed",
            problem: null,
          },
        ],
        appPath: `/app/orders/${orderId}`,
      },
    });
    // The full GID the admin hands extensions names the same order.
    const byGid = (await (await askBlock(shopA, gid)).json()) as Payload;
    expect(byGid.order?.marketplaceOrderId).toBe(ebayOrderId);
  });

  it("GIVEN the block's own loader (extension code) WHEN it reads this store's order, another store's and with an expired token THEN found, not ours, unavailable", async () => {
    const { ebayOrderId, orderId } = await importEbayOrder(t, {
      accountId: accountA,
      seller: "block_seller",
    });
    const gid = shopifyOrderGid(t, shopA, ebayOrderId);
    // What the admin gives the extension, pointed at the test app instead of the app's URL.
    const backend = (
      store: StoreRow,
      token = shopifySessionToken(store.externalId),
    ): BlockBackend => ({
      idToken: async () => token,
      baseUrl: t.app.url,
      locale: "en",
      fetch: (input, init) =>
        fetch(input, {
          ...init,
          headers: {
            ...(init?.headers as Record<string, string>),
            "user-agent": BROWSER_USER_AGENT,
          },
        }),
    });

    const own = await loadBlockOrder(backend(shopA), gid);
    const foreign = await loadBlockOrder(backend(shopB), gid);
    const expired = await loadBlockOrder(
      backend(shopA, shopifySessionToken(shopA.externalId, { expired: true })),
      gid,
    );
    const draftOrder = await loadBlockOrder(backend(shopA), "gid://shopify/DraftOrder/1");

    expect(own).toEqual({
      kind: "found",
      order: expect.objectContaining({
        marketplace: "ebay",
        marketplaceOrderId: ebayOrderId,
        trackingState: "none",
        appPath: `/app/orders/${orderId}`,
      }),
    });
    expect(foreign).toEqual({ kind: "not_ours" });
    expect(expired).toEqual({ kind: "unavailable" });
    expect(draftOrder).toEqual({ kind: "not_ours" });
  });

  it("GIVEN an imported order not shipped yet WHEN the block asks THEN its tracking state is none with no pushes", async () => {
    const { ebayOrderId } = await importEbayOrder(t, {
      accountId: accountA,
      seller: "block_seller",
    });

    const response = await askBlock(shopA, numericId(shopifyOrderGid(t, shopA, ebayOrderId)));

    expect(response.status).toBe(200);
    const body = (await response.json()) as Payload;
    expect(body.order).toMatchObject({
      marketplaceOrderId: ebayOrderId,
      trackingState: "none",
      pushes: [],
    });
  });

  it("GIVEN a shipment whose tracking number cannot be sent WHEN a French admin's block asks THEN the push is held and its reason is in French", async () => {
    const { ebayOrderId, orderId } = await importEbayOrder(t, {
      accountId: accountA,
      seller: "block_seller",
    });
    await shipOnShopify(t, shopA, ebayOrderId, { company: "USPS", number: "n/a ✓" });
    await untilPushes(t, orderId, "held");

    const response = await askBlock(shopA, numericId(shopifyOrderGid(t, shopA, ebayOrderId)), {
      locale: "fr",
    });

    const body = (await response.json()) as Payload;
    expect(body.order?.trackingState).toBe("failed");
    expect(body.order?.pushes).toHaveLength(1);
    expect(body.order?.pushes[0]).toMatchObject({ state: "held", carrier: "USPS" });
    expect(body.order?.pushes[0]?.problem).toContain(
      "Le numéro de suivi « n/a ✓ » ne peut pas être envoyé",
    );
  });

  it("GIVEN store A's order WHEN store B's admin asks for it THEN 404, exactly like an order Marketsync never created, and nothing of A's order leaks", async () => {
    const { ebayOrderId } = await importEbayOrder(t, {
      accountId: accountA,
      seller: "block_seller",
    });
    const orderNumber = numericId(shopifyOrderGid(t, shopA, ebayOrderId));

    const foreign = await askBlock(shopB, orderNumber);
    const unknown = await askBlock(shopA, "987654321987");

    expect(foreign.status).toBe(404);
    expect(foreign.headers.get("access-control-allow-origin")).toBe("*");
    const foreignBody = await foreign.text();
    expect(foreignBody).not.toContain(ebayOrderId);
    expect(unknown.status).toBe(404);
    expect(JSON.parse(foreignBody)).toEqual(await unknown.json());
    expect(JSON.parse(foreignBody)).toEqual({ found: false, error: "not_found" });
  });

  it("GIVEN an id that is no Shopify order WHEN the block asks THEN 400", async () => {
    const response = await askBlock(shopA, "gid://shopify/Product/1");
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ found: false, error: "bad_order_id" });
  });

  it.each([
    ["signed with another secret", () => shopifySessionToken(shopA.externalId, { secret: "x" })],
    ["expired", () => shopifySessionToken(shopA.externalId, { expired: true })],
    ["issued to another app", () => shopifySessionToken(shopA.externalId, { apiKey: "other" })],
  ])(
    "GIVEN a session token %s WHEN the block asks THEN 401 and no order data",
    async (_c, make) => {
      const { ebayOrderId } = await importEbayOrder(t, {
        accountId: accountA,
        seller: "block_seller",
      });

      const response = await askBlock(shopA, numericId(shopifyOrderGid(t, shopA, ebayOrderId)), {
        token: make(),
      });

      expect(response.status).toBe(401);
      expect(await response.text()).not.toContain(ebayOrderId);
    },
  );

  it("GIVEN no session token at all WHEN the endpoint is called THEN the library sends it to the login page, with no data", async () => {
    const response = await askBlock(shopA, "1", { token: null });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/auth/login");
    expect(await response.text()).toBe("");
  });

  it("GIVEN the extension's CORS preflight WHEN the browser sends OPTIONS without a token THEN 204 allowing the Authorization header from any origin", async () => {
    const response = await askBlock(shopA, "1", { token: null, method: "OPTIONS" });

    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-headers")).toContain("Authorization");
  });

  it("GIVEN a store that uninstalled Marketsync WHEN a still-valid token asks THEN 403", async () => {
    const gone = await installShopifyStore(t.world, { shop: "block-gone.myshopify.com" });
    await storeShopifyOfflineSession(t.app.services, gone);
    await t.world.database.db
      .update(stores)
      .set({ uninstalledAt: new Date() })
      .where(eq(stores.id, gone.id));

    const response = await askBlock(gone, "1");

    expect(response.status).toBe(403);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
  });
});
