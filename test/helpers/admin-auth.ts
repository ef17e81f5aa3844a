import { createHmac, randomUUID } from "node:crypto";
import { Session } from "@shopify/shopify-api";
import { DrizzleSessionStoragePostgres } from "@shopify/shopify-app-session-storage-drizzle";
import { EncryptedSessionStorage } from "../../app/session-storage.server";
import type { Services } from "../../app/services.server";
import { shopifySessions, type StoreRow } from "../../db/schema";
import { decryptStoreToken } from "../../db/stores";
import { SIM_SHOPIFY_APP } from "../simulators";
import { type AppServer, startAppServer } from "./app-server";
import type { ImportWorld } from "./import-world";

/**
 * Credentials for admin route tests, made the way Shopify and BigCommerce make them: Shopify session
 * tokens (HS256 JWTs signed with the app secret) and BigCommerce `signed_payload_jwt`s (HS256 with
 * the client secret). Requests authenticated with them go through the app's real auth path.
 */

/** The BigCommerce app the admin test server is configured with (and the simulator knows). */
export const TEST_BIGCOMMERCE_APP = {
  clientId: "marketsync-test-bc-client",
  clientSecret: "marketsync-test-bc-client-secret",
};

/**
 * @shopify/shopify-app-remix answers 410 to requests whose user agent looks like a bot, which
 * includes Node's own fetch: admin requests in tests present themselves as a browser.
 */
export const BROWSER_USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";

const base64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");

/** An HS256 JWT over `claims`, signed with `secret`. */
export function signJwt(claims: Record<string, unknown>, secret: string): string {
  const head = `${base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${base64url(JSON.stringify(claims))}`;
  return `${head}.${createHmac("sha256", secret).update(head).digest("base64url")}`;
}

/** The same JWT with one character of its payload changed (the signature no longer matches). */
export function tamperJwt(jwt: string): string {
  const [head, payload, signature] = jwt.split(".") as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;
  claims.tampered = true;
  return `${head}.${base64url(JSON.stringify(claims))}.${signature}`;
}

/** A Shopify App Bridge session token for `shop` (what the admin sends as `Authorization: Bearer`). */
export function shopifySessionToken(
  shop: string,
  options: { expired?: boolean; secret?: string; apiKey?: string; userId?: string } = {},
): string {
  const now = Math.floor(Date.now() / 1000);
  // Expired well past the library's 10 s clock tolerance.
  const exp = options.expired ? now - 120 : now + 300;
  return signJwt(
    {
      iss: `https://${shop}/admin`,
      dest: `https://${shop}`,
      aud: options.apiKey ?? SIM_SHOPIFY_APP.apiKey,
      sub: options.userId ?? "42",
      exp,
      nbf: exp - 360,
      iat: exp - 360,
      jti: randomUUID(),
      sid: randomUUID(),
    },
    options.secret ?? SIM_SHOPIFY_APP.apiSecret,
  );
}

/** A BigCommerce `signed_payload_jwt` (load, uninstall and remove_user callbacks) for store `hash`. */
export function bigCommerceLoadJwt(
  hash: string,
  options: {
    aud?: string;
    /** Seconds since the epoch; default five minutes from now. */
    exp?: number;
    secret?: string;
    iss?: string;
    userId?: number;
    locale?: string;
  } = {},
): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(
    {
      aud: options.aud ?? TEST_BIGCOMMERCE_APP.clientId,
      iss: options.iss ?? "bc",
      iat: now,
      nbf: now - 5,
      exp: options.exp ?? now + 300,
      jti: randomUUID(),
      sub: `stores/${hash}`,
      user: {
        id: options.userId ?? 9876,
        email: "merchant@example.com",
        ...(options.locale ? { locale: options.locale } : {}),
      },
      owner: { id: 9876, email: "merchant@example.com" },
      url: "/",
      channel_id: null,
    },
    options.secret ?? TEST_BIGCOMMERCE_APP.clientSecret,
  );
}

/**
 * The real app (see app-server.ts) with the test BigCommerce app configured, registered in the
 * BigCommerce simulator with this server's auth callback as its redirect URI.
 */
export async function startAdminAppServer(
  world: ImportWorld,
  overrides: Partial<Services> = {},
): Promise<AppServer> {
  const app = await startAppServer(world, {
    apps: { ...world.deps.apps, bigcommerce: TEST_BIGCOMMERCE_APP },
    ...overrides,
  });
  world.simulators.bigcommerce.registerApp({
    ...TEST_BIGCOMMERCE_APP,
    redirectUri: `${app.url}/bigcommerce/auth`,
  });
  return app;
}

/**
 * The headers an admin request for `store` needs on `app` (started with startAdminAppServer).
 * Shopify: the shop's offline session is stored as the install leaves it, and a fresh session token
 * is sent as a bearer token (call again for each request batch: it expires in five minutes).
 * BigCommerce: the control panel's `load` call is made and its session cookie returned, with the
 * app's own Origin so that form posts pass the cross-site check. Both carry a browser user agent.
 */
export async function adminHeaders(
  app: AppServer,
  store: StoreRow,
  options: { locale?: string; userId?: number } = {},
): Promise<Record<string, string>> {
  if (store.platform === "shopify") {
    await storeShopifyOfflineSession(app.services, store);
    return {
      "user-agent": BROWSER_USER_AGENT,
      authorization: `Bearer ${shopifySessionToken(store.externalId)}`,
      ...(options.locale ? { "accept-language": options.locale } : {}),
    };
  }
  const jwt = bigCommerceLoadJwt(store.externalId, options);
  const response = await fetch(`${app.url}/bigcommerce/load?signed_payload_jwt=${jwt}`, {
    redirect: "manual",
  });
  const setCookie = response.headers.get("set-cookie");
  if (response.status !== 302 || !setCookie) {
    throw new Error(`bigcommerce load answered ${response.status} without a session cookie`);
  }
  return { "user-agent": BROWSER_USER_AGENT, cookie: setCookie.split(";")[0]!, origin: app.url };
}

/** What Shopify's install leaves behind: the shop's offline session (token encrypted). */
export async function storeShopifyOfflineSession(
  services: Services,
  store: StoreRow,
): Promise<void> {
  const accessToken = decryptStoreToken(services.keyring, store);
  if (!accessToken) throw new Error(`store ${store.id} has no access token`);
  const storage = new EncryptedSessionStorage(
    new DrizzleSessionStoragePostgres(services.db, shopifySessions),
    services.keyring,
  );
  await storage.storeSession(
    new Session({
      id: `offline_${store.externalId}`,
      shop: store.externalId,
      state: "installed",
      isOnline: false,
      accessToken,
      scope: store.scopes,
    }),
  );
}
