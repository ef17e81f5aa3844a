import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { abstractFetch, setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { DEFAULT_SCOPES } from "../../app/config.server";
import { SIM_SHOPIFY_APP } from "../simulators";
import type { ImportWorld } from "./import-world";

/**
 * Shopify's token exchange grant (what @shopify/shopify-app-remix's embedded auth strategy calls
 * on a shop's first session token), for tests. The Shopify simulator only implements the
 * refresh_token grant, so this endpoint answers `POST /admin/oauth/access_token` for the
 * token-exchange grant as Shopify documents it (client credentials, an id_token signed with the
 * app secret for this app and shop) and forwards every other grant to the simulator. A token it
 * issues is registered in the simulator as a new shop: the install of a shop the simulator did not
 * know. The library reaches it through its documented fetch seam, for the listed shops only.
 */
export interface ShopifyTokenExchange {
  /** Tokens issued, by shop (a first page load runs its loaders in parallel: each may exchange). */
  issued: Map<string, string[]>;
  /** Token-exchange requests received, valid or not. */
  requests: number;
  stop(): Promise<void>;
}

const GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
const ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";
const OFFLINE = "urn:shopify:params:oauth:token-type:offline-access-token";

type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

function idTokenValid(token: unknown, shop: string): boolean {
  if (typeof token !== "string") return false;
  const [head, payload, signature] = token.split(".");
  if (!head || !payload || !signature) return false;
  const expected = createHmac("sha256", SIM_SHOPIFY_APP.apiSecret)
    .update(`${head}.${payload}`)
    .digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
    aud?: string;
    dest?: string;
    exp?: number;
  };
  return (
    claims.aud === SIM_SHOPIFY_APP.apiKey &&
    claims.dest === `https://${shop}` &&
    typeof claims.exp === "number" &&
    claims.exp > Date.now() / 1000
  );
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export async function startShopifyTokenExchange(
  world: ImportWorld,
  shops: string[],
): Promise<ShopifyTokenExchange> {
  const exchange: ShopifyTokenExchange = { issued: new Map(), requests: 0, stop: async () => {} };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const shop = String(req.headers["x-shopify-shop-domain"] ?? "");
      const body = await readJson(req);
      const answer = (status: number, json: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(json));
      };
      if (body.grant_type !== GRANT) {
        const forwarded = await fetch(`${world.simulators.shopify.url}/admin/oauth/access_token`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-shopify-shop-domain": shop },
          body: JSON.stringify(body),
        });
        answer(forwarded.status, await forwarded.json());
        return;
      }
      exchange.requests += 1;
      if (
        body.client_id !== SIM_SHOPIFY_APP.apiKey ||
        body.client_secret !== SIM_SHOPIFY_APP.apiSecret
      ) {
        answer(400, { error: "invalid_client" });
        return;
      }
      if (body.subject_token_type !== ID_TOKEN || body.requested_token_type !== OFFLINE) {
        answer(400, { error: "invalid_request" });
        return;
      }
      if (!idTokenValid(body.subject_token, shop)) {
        answer(400, { error: "invalid_subject_token" });
        return;
      }
      const accessToken = `shpat_${randomBytes(16).toString("hex")}`;
      const refreshToken = `shprt_${randomBytes(16).toString("hex")}`;
      world.simulators.shopify.addShop({
        domain: shop,
        accessToken,
        refreshToken,
        accessTokenTtlSeconds: 3600,
      });
      exchange.issued.set(shop, [...(exchange.issued.get(shop) ?? []), accessToken]);
      answer(200, {
        access_token: accessToken,
        scope: DEFAULT_SCOPES,
        expires_in: 3600,
        refresh_token: refreshToken,
        refresh_token_expires_in: 7_776_000,
      });
    })().catch(() => {
      res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const routed = new Set(shops.map((s) => s.toLowerCase()));
  const previous = abstractFetch as unknown as FetchLike;
  const wrapper: FetchLike = (input, init) => {
    const target = new URL(
      typeof input === "string" ? input : input instanceof URL ? input.href : input.url,
    );
    if (target.pathname !== "/admin/oauth/access_token" || !routed.has(target.host)) {
      return previous(input, init);
    }
    const headers = new Headers(init?.headers);
    headers.set("x-shopify-shop-domain", target.host);
    return globalThis.fetch(`${url}/admin/oauth/access_token`, { ...init, headers });
  };
  setAbstractFetchFunc(wrapper as never);

  exchange.stop = async () => {
    if ((abstractFetch as unknown) === wrapper) setAbstractFetchFunc(previous as never);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return exchange;
}
