import { randomBytes } from "node:crypto";
import type {
  EbayErrorDetail,
  EbayLineItem,
  EbayOrderPaymentStatus,
  EbayShippingFulfillment,
} from "../../../connectors/ebay/types";
import { type SimRequest, type SimResponse, SimulatorServer } from "../shared/server";
import {
  AUTHORIZE_PATH,
  EbayConsent,
  IDENTITY_USER_PATH,
  type RuNameRegistration,
  SCOPE_IDENTITY,
} from "./consent";
import { FilterError, parseOrderFilter } from "./filter";
import {
  type AccountDeletionInput,
  type ChallengeResult,
  type DeliveryResult,
  deliverNotification,
  INVALID_KEY_ID_BODY,
  NOTIFICATION_BASE,
  NotificationSigner,
  sendChallenge,
  type SignedNotification,
} from "./notifications";
import { buildOrder, type OrderRecord, renderOrder, type SeedOrderInput } from "./orders";
import { addPostOrderRoutes, type SellerCancellationRequest } from "./post-order";

export { type SeedLine, type SeedOrderInput, VAT_SITES } from "./orders";
export {
  AUTH_CODE_TTL_S,
  AUTHORIZE_PATH,
  REFRESH_TOKEN_TTL_S,
  type RuNameRegistration,
  SCOPE_IDENTITY,
} from "./consent";
export {
  ACCOUNT_DELETION_TOPIC,
  type AccountDeletionInput,
  type ChallengeResult,
  type DeliveryResult,
  type EbayPublicKeyAnswer,
  expectedChallengeResponse,
  INVALID_KEY_ID_BODY,
  NOTIFICATION_BASE,
  type SignedNotification,
} from "./notifications";

/**
 * Stateful eBay simulator: Identity token endpoint + Sell Fulfillment v1 order and
 * shipping_fulfillment resources, on eBay's real paths, with eBay's error bodies, OAuth user tokens
 * (expire, revoke) and application tokens (client credentials), per-application daily call quotas
 * modelled as token buckets, and the shared fault injection. The Notification API's getPublicKey
 * serves the keys the simulator signs MARKETPLACE_ACCOUNT_DELETION notifications with
 * (`./notifications.ts`). Admin routes live under `/__admin/ebay/…`.
 *
 * Sellers connect through eBay's consent page and the authorization code grant (`./consent.ts`),
 * and `getUser` tells who they are.
 *
 * Fault operation names: `identity.token`, `identity.authorize`, `getUser`, `getOrders`,
 * `getOrder`, `getShippingFulfillments`, `createShippingFulfillment`, `getShippingFulfillment`,
 * `getPublicKey`.
 */

export const FULFILLMENT_BASE = "/sell/fulfillment/v1";
export const TOKEN_PATH = "/identity/v1/oauth2/token";
export const SCOPE_FULFILLMENT = "https://api.ebay.com/oauth/api_scope/sell.fulfillment";
export const SCOPE_FULFILLMENT_READONLY =
  "https://api.ebay.com/oauth/api_scope/sell.fulfillment.readonly";
export const SCOPE_BASE = "https://api.ebay.com/oauth/api_scope";
const DEFAULT_SCOPES = [SCOPE_BASE, SCOPE_FULFILLMENT];
/** Scopes a seller may grant on the consent page. */
const USER_SCOPES = [SCOPE_BASE, SCOPE_FULFILLMENT, SCOPE_FULFILLMENT_READONLY, SCOPE_IDENTITY];
/** Scopes an application token (client credentials grant) may carry; Sell scopes need a user. */
const APPLICATION_SCOPES = [SCOPE_BASE];
export const ACCESS_TOKEN_TTL_S = 7200;

export const DEFAULT_APP = {
  appId: "Marketsy-sim-PRD-1a2b3c4d5-6e7f8a9b",
  certId: "PRD-sim-cert-0123456789",
};

/** Daily quotas per application (eBay Developer Program "API call limits", Sell Fulfillment API). */
export const DEFAULT_QUOTAS: Record<SellOperation, { perDay: number; burst: number }> = {
  getOrders: { perDay: 100_000, burst: 50 },
  getOrder: { perDay: 100_000, burst: 50 },
  getShippingFulfillments: { perDay: 100_000, burst: 50 },
  getShippingFulfillment: { perDay: 100_000, burst: 50 },
  createShippingFulfillment: { perDay: 100_000, burst: 50 },
  // "API call limits": the Notification API allows 10,000 calls a day per application.
  getPublicKey: { perDay: 10_000, burst: 20 },
};

export type SellOperation =
  | "getOrders"
  | "getOrder"
  | "getShippingFulfillments"
  | "getShippingFulfillment"
  | "createShippingFulfillment"
  | "getPublicKey";

/** eBay's common 429 body (RESTful API common errors: errorId 2001, domain ACCESS). */
export const TOO_MANY_REQUESTS_BODY = {
  errors: [
    {
      errorId: 2001,
      domain: "ACCESS",
      category: "REQUEST",
      message: "Too many requests.",
      longMessage: "The request limit has been reached for the resource.",
    },
  ],
};

export const INVALID_TOKEN_BODY = {
  errors: [
    {
      errorId: 1001,
      domain: "OAuth",
      category: "REQUEST",
      message: "Invalid access token",
      longMessage:
        "Invalid access token. Check the value of the Authorization HTTP request header.",
    },
  ],
};

export const SYSTEM_ERROR_BODY = {
  errors: [
    { errorId: 30500, domain: "API_FULFILLMENT", category: "APPLICATION", message: "System error" },
  ],
};

export interface EbayAccount {
  username: string;
  marketplaceId: string;
  appId: string;
  scopes: string[];
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
}

interface AccessTokenRecord {
  /** `application`: client credentials grant, no user behind it (username is empty). */
  kind: "user" | "application";
  username: string;
  appId: string;
  scopes: string[];
  expiresAt: number;
}

interface RefreshTokenRecord {
  username: string;
  appId: string;
  scopes: string[];
  revoked: boolean;
}

export interface ReceivedFulfillment extends EbayShippingFulfillment {
  orderId: string;
  receivedAt: string;
}

export interface EbaySimulator {
  server: SimulatorServer;
  url: string;
  stop(): Promise<void>;
  reset(): void;
  /** The application keyset the token endpoint accepts. */
  app: { appId: string; certId: string };
  addAccount(input: { username: string; marketplaceId?: string; scopes?: string[] }): IssuedTokens;
  seedOrder(input: SeedOrderInput): string;
  /** A US seller (USD, sales tax collected by eBay) and a French one (EUR, VAT-inclusive). */
  seedDemo(): { us: IssuedTokens; fr: IssuedTokens; orderIds: string[] };
  order(orderId: string): OrderRecord["order"] | undefined;
  setPaymentStatus(orderId: string, status: EbayOrderPaymentStatus): void;
  requestCancellation(orderId: string, reason?: string): void;
  cancelOrder(orderId: string): void;
  /** Moves lastModifiedDate (now by default), as any change on eBay would. */
  touch(orderId: string, at?: string): void;
  fulfillments(orderId?: string): ReceivedFulfillment[];
  expireAccessTokens(username?: string): void;
  revokeRefreshTokens(username?: string): void;
  /** Refresh-token grants the token endpoint answered with a new access token. */
  refreshCount(): number;
  /** Client-credentials grants the token endpoint answered (application tokens minted). */
  applicationTokenCount(): number;
  /** Seller cancellations received on the Post-Order API (`./post-order.ts`). */
  sellerCancellations(orderId?: string): SellerCancellationRequest[];
  /** Registers a RuName and where eBay sends the seller after consenting (developer portal). */
  registerRuName(registration: RuNameRegistration): void;
  /** The seller signed in to eBay in "the browser" that opens the consent page (none: sign-in page). */
  signIn(username: string | undefined, options?: { decline?: boolean }): void;
  /** Authorization codes exchanged for a grant. */
  codeGrantCount(): number;
  /** Key id the next notifications are signed with. */
  notificationKeyId(): string;
  /** A new signing key; earlier key ids stay retrievable through getPublicKey. */
  rotateNotificationKey(): string;
  /** `X-EBAY-SIGNATURE` for these body bytes (the active key, or `kid`). */
  signNotification(rawBody: string, kid?: string): string;
  /** A signed MARKETPLACE_ACCOUNT_DELETION notification, not sent (tests may alter it). */
  accountDeletionNotification(input: AccountDeletionInput): SignedNotification;
  /** POSTs a notification to `url` as eBay does. */
  deliverNotification(url: string, notification: SignedNotification): Promise<DeliveryResult>;
  /** Builds, signs and POSTs an account-deletion notification to `url`. */
  sendAccountDeletion(url: string, input: AccountDeletionInput): Promise<DeliveryResult>;
  /** eBay's endpoint validation GET (`?challenge_code=`), checked against the expected hash. */
  sendChallenge(url: string, verificationToken: string): Promise<ChallengeResult>;
}

export async function startEbaySimulator(
  options: {
    scale?: number;
    port?: number;
    quotas?: Partial<Record<SellOperation, { perDay: number; burst: number }>>;
  } = {},
): Promise<EbaySimulator> {
  const server = new SimulatorServer({
    name: "ebay",
    ...(options.scale !== undefined ? { scale: options.scale } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
  });
  const state = new EbayState();
  const app = DEFAULT_APP;
  // Keys survive a reset, as eBay's do: a reset clears what tests seeded, not eBay's identity.
  const signer = new NotificationSigner();
  const consent = new EbayConsent({
    ...app,
    knownScopes: USER_SCOPES,
    hasAccount: (username) => state.accounts.has(username),
    issueUserGrant: (username, appId, scopes) => state.issueUserGrant(username, appId, scopes),
    userOfToken: (token) => state.userOfToken(token),
    marketplaceOf: (username) => state.accounts.get(username)?.marketplaceId ?? "EBAY_US",
  });
  server.onReset(() => {
    state.clear();
    consent.clear();
  });

  // ---------- Identity: consent, token endpoint, getUser ----------
  server.route("GET", AUTHORIZE_PATH, "identity.authorize", (req) => consent.authorize(req));
  server.route(
    "POST",
    TOKEN_PATH,
    "identity.token",
    (req) => consent.token(req) ?? state.token(req, app),
  );
  server.route("GET", IDENTITY_USER_PATH, "getUser", (req) => consent.getUser(req));

  // ---------- Sell Fulfillment ----------
  const sell =
    (
      operation: SellOperation,
      write: boolean,
      handler: (req: SimRequest, account: EbayAccount) => SimResponse,
    ) =>
    (req: SimRequest): SimResponse => {
      const auth = state.authenticate(req, write);
      if ("status" in auth) return auth;
      return handler(req, auth);
    };

  server.route(
    "GET",
    `${FULFILLMENT_BASE}/order`,
    "getOrders",
    sell("getOrders", false, (req, account) => state.getOrders(req, account, server.url)),
  );
  server.route(
    "GET",
    `${FULFILLMENT_BASE}/order/:orderId`,
    "getOrder",
    sell("getOrder", false, (req, account) => state.getOrder(req, account)),
  );
  server.route(
    "GET",
    `${FULFILLMENT_BASE}/order/:orderId/shipping_fulfillment`,
    "getShippingFulfillments",
    sell("getShippingFulfillments", false, (req, account) =>
      state.getShippingFulfillments(req, account),
    ),
  );
  server.route(
    "POST",
    `${FULFILLMENT_BASE}/order/:orderId/shipping_fulfillment`,
    "createShippingFulfillment",
    sell("createShippingFulfillment", true, (req, account) =>
      state.createShippingFulfillment(req, account, server.url),
    ),
  );
  server.route(
    "GET",
    `${FULFILLMENT_BASE}/order/:orderId/shipping_fulfillment/:fulfillmentId`,
    "getShippingFulfillment",
    sell("getShippingFulfillment", false, (req, account) =>
      state.getShippingFulfillment(req, account),
    ),
  );

  // ---------- Notification API ----------
  server.route("GET", `${NOTIFICATION_BASE}/public_key/:publicKeyId`, "getPublicKey", (req) => {
    const auth = state.authenticateApplication(req);
    if (auth) return auth;
    const answer = signer.publicKey(req.params.publicKeyId ?? "");
    return answer ? { status: 200, body: answer } : { status: 404, body: INVALID_KEY_ID_BODY };
  });

  for (const [operation, quota] of Object.entries({ ...DEFAULT_QUOTAS, ...options.quotas })) {
    server.rateLimit(operation, {
      rate: quota.perDay / 86_400,
      burst: quota.burst,
      // eBay's call limits are per application keyset.
      key: (req) => state.appOf(req) ?? "anonymous",
      // eBay documents no Retry-After or rate-limit header for these quotas: none is sent.
      throttled: () => ({ status: 429, body: TOO_MANY_REQUESTS_BODY }),
    });
  }

  // ---------- Post-Order API: seller cancellations ----------
  const sellerCancellations: SellerCancellationRequest[] = [];
  server.onReset(() => {
    sellerCancellations.length = 0;
  });
  addPostOrderRoutes(
    server,
    {
      sellerOf: (token) => {
        const record = state.accessTokens.get(token);
        return record?.kind === "user" && record.expiresAt > Date.now()
          ? record.username
          : undefined;
      },
      order: (orderId) => state.orders.get(orderId)?.order,
      cancel: (orderId) => state.cancelOrder(orderId),
    },
    sellerCancellations,
  );
  server.rateLimit("createCancellation", {
    rate: 100_000 / 86_400,
    burst: 50,
    // Per application keyset, as eBay counts; the token comes as `IAF <token>` here.
    key: (req) => {
      const iaf = /^IAF (.+)$/.exec(String(req.headers.authorization ?? ""));
      return (iaf?.[1] && state.accessTokens.get(iaf[1])?.appId) || "anonymous";
    },
    throttled: () => ({ status: 429, body: TOO_MANY_REQUESTS_BODY }),
  });

  // ---------- Admin ----------
  const ok = (body: unknown, status = 200): SimResponse => ({ status, body });
  const bad = (message: string): SimResponse => ({ status: 400, body: { error: message } });
  const adminOrderAction =
    (fn: (id: string, body: Record<string, unknown>) => void) => (req: SimRequest) => {
      const id = req.params.orderId ?? "";
      if (!state.orders.has(id)) return { status: 404, body: { error: `no order ${id}` } };
      try {
        fn(id, (req.body ?? {}) as Record<string, unknown>);
      } catch (error) {
        return bad((error as Error).message);
      }
      return ok(state.orders.get(id)!.order);
    };

  server.route("POST", "/__admin/ebay/accounts", "admin.ebay.accounts", (req) => {
    const body = (req.body ?? {}) as {
      username?: string;
      marketplaceId?: string;
      scopes?: string[];
    };
    if (!body.username) return bad("username is required");
    return ok(state.addAccount({ ...body, username: body.username }, app.appId), 201);
  });
  server.route("POST", "/__admin/ebay/runames", "admin.ebay.runames", (req) => {
    const body = (req.body ?? {}) as Partial<RuNameRegistration>;
    if (!body.ruName || !body.acceptUrl || !URL.canParse(body.acceptUrl)) {
      return bad("ruName and acceptUrl are required");
    }
    consent.registerRuName({ ruName: body.ruName, acceptUrl: body.acceptUrl, ...body });
    return { status: 204 };
  });
  server.route("POST", "/__admin/ebay/sign-in", "admin.ebay.signIn", (req) => {
    const body = (req.body ?? {}) as { username?: string; decline?: boolean };
    try {
      consent.signIn(body.username, { decline: body.decline === true });
    } catch (error) {
      return bad((error as Error).message);
    }
    return { status: 204 };
  });
  server.route("POST", "/__admin/ebay/orders", "admin.ebay.orders", (req) => {
    const inputs = (Array.isArray(req.body) ? req.body : [req.body]) as SeedOrderInput[];
    try {
      return ok({ orderIds: inputs.map((i) => state.seedOrder(i)) }, 201);
    } catch (error) {
      return bad((error as Error).message);
    }
  });
  server.route("POST", "/__admin/ebay/demo", "admin.ebay.demo", () =>
    ok(state.seedDemo(app.appId), 201),
  );
  server.route("GET", "/__admin/ebay/orders/:orderId", "admin.ebay.order", (req) => {
    const record = state.orders.get(req.params.orderId ?? "");
    return record ? ok(record.order) : { status: 404, body: { error: "no such order" } };
  });
  server.route(
    "POST",
    "/__admin/ebay/orders/:orderId/payment",
    "admin.ebay.payment",
    adminOrderAction((id, body) =>
      state.setPaymentStatus(id, String(body.status) as EbayOrderPaymentStatus),
    ),
  );
  server.route(
    "POST",
    "/__admin/ebay/orders/:orderId/cancel-request",
    "admin.ebay.cancelRequest",
    adminOrderAction((id, body) =>
      state.requestCancellation(id, typeof body.reason === "string" ? body.reason : undefined),
    ),
  );
  server.route(
    "POST",
    "/__admin/ebay/orders/:orderId/cancel",
    "admin.ebay.cancel",
    adminOrderAction((id) => state.cancelOrder(id)),
  );
  server.route(
    "POST",
    "/__admin/ebay/orders/:orderId/touch",
    "admin.ebay.touch",
    adminOrderAction((id, body) =>
      state.touch(id, typeof body.at === "string" ? body.at : undefined),
    ),
  );
  server.route("GET", "/__admin/ebay/fulfillments", "admin.ebay.fulfillments", (req) =>
    ok({ fulfillments: state.listReceived(req.query.get("orderId") ?? undefined) }),
  );
  server.route("POST", "/__admin/ebay/tokens/expire", "admin.ebay.expire", (req) => {
    state.expireAccessTokens((req.body as { username?: string } | undefined)?.username);
    return { status: 204 };
  });
  server.route("POST", "/__admin/ebay/tokens/revoke", "admin.ebay.revoke", (req) => {
    state.revokeRefreshTokens((req.body as { username?: string } | undefined)?.username);
    return { status: 204 };
  });
  server.route(
    "POST",
    "/__admin/ebay/notifications/account-deletion",
    "admin.ebay.accountDeletion",
    async (req) => {
      const body = (req.body ?? {}) as Partial<AccountDeletionInput> & { url?: unknown };
      if (typeof body.url !== "string" || !URL.canParse(body.url)) return bad("url is required");
      if (typeof body.username !== "string" || !body.username) {
        return bad("username is required");
      }
      const result = await deliverNotification(
        body.url,
        signer.accountDeletion({ ...body, username: body.username }),
      );
      return ok({ status: result.status, notificationId: result.notificationId });
    },
  );
  server.route(
    "POST",
    "/__admin/ebay/notifications/challenge",
    "admin.ebay.challenge",
    async (req) => {
      const body = (req.body ?? {}) as { url?: unknown; verificationToken?: unknown };
      if (typeof body.url !== "string" || !URL.canParse(body.url)) return bad("url is required");
      if (typeof body.verificationToken !== "string") return bad("verificationToken is required");
      return ok(await sendChallenge(body.url, body.verificationToken));
    },
  );
  server.route("POST", "/__admin/ebay/notifications/keys/rotate", "admin.ebay.rotateKey", () =>
    ok({ kid: signer.rotate() }, 201),
  );

  await server.start();

  return {
    server,
    get url() {
      return server.url;
    },
    stop: () => server.stop(),
    reset: () => server.reset(),
    app,
    addAccount: (input) => state.addAccount(input, app.appId),
    seedOrder: (input) => state.seedOrder(input),
    seedDemo: () => state.seedDemo(app.appId),
    order: (id) => state.orders.get(id)?.order,
    setPaymentStatus: (id, status) => state.setPaymentStatus(id, status),
    requestCancellation: (id, reason) => state.requestCancellation(id, reason),
    cancelOrder: (id) => state.cancelOrder(id),
    touch: (id, at) => state.touch(id, at),
    fulfillments: (orderId) => state.listReceived(orderId),
    expireAccessTokens: (username) => state.expireAccessTokens(username),
    revokeRefreshTokens: (username) => state.revokeRefreshTokens(username),
    refreshCount: () => state.refreshGrants,
    applicationTokenCount: () => state.applicationGrants,
    sellerCancellations: (orderId) =>
      sellerCancellations.filter((c) => !orderId || c.orderId === orderId),
    registerRuName: (registration) => consent.registerRuName(registration),
    signIn: (username, options) => consent.signIn(username, options),
    codeGrantCount: () => consent.codeGrants,
    notificationKeyId: () => signer.activeKid,
    rotateNotificationKey: () => signer.rotate(),
    signNotification: (rawBody, kid) => signer.signatureHeader(rawBody, kid),
    accountDeletionNotification: (input) => signer.accountDeletion(input),
    deliverNotification: (url, notification) => deliverNotification(url, notification),
    sendAccountDeletion: (url, input) => deliverNotification(url, signer.accountDeletion(input)),
    sendChallenge: (url, verificationToken) => sendChallenge(url, verificationToken),
  };
}

// ---------------------------------------------------------------------------------------------

function error(status: number, detail: EbayErrorDetail & { errorId: number }): SimResponse {
  return { status, body: { errors: [detail] } };
}

const fulfillmentError = (
  status: number,
  errorId: number,
  message: string,
  parameters?: { name: string; value: string }[],
) =>
  error(status, {
    errorId,
    domain: "API_FULFILLMENT",
    category: status >= 500 ? "APPLICATION" : "REQUEST",
    message,
    ...(parameters?.length ? { parameters } : {}),
  });

const ORDER_ID = /^(\d{2}-\d{5}-\d{5}|\d{1,12}-\d{1,13}|\d{1,19})$/;
const TRACKING = /^[A-Za-z0-9]{6,40}$/;
/** A sample of eBay ShippingCarrierCodeType values (lower-cased; compared ignoring case). */
export const EBAY_SIM_CARRIER_CODES = new Set(
  [
    "USPS",
    "UPS",
    "FedEx",
    "DHL",
    "DHLEKB",
    "Colissimo",
    "Chronopost",
    "LaPoste",
    "RoyalMail",
    "ParcelForce",
    "DeutschePost",
    "Hermes",
    "GLS",
    "DPD",
    "Other",
    "CanadaPost",
    "AustraliaPost",
    "Poste Italiane",
    "Correos",
    "PostNL",
    "TNT",
  ].map((c) => c.toLowerCase()),
);

class EbayState {
  readonly accounts = new Map<string, EbayAccount>();
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly orders = new Map<string, OrderRecord>();
  readonly fulfillments = new Map<string, ReceivedFulfillment[]>();
  refreshGrants = 0;
  applicationGrants = 0;
  private fulfillmentSeq = 0;

  clear(): void {
    this.accounts.clear();
    this.accessTokens.clear();
    this.refreshTokens.clear();
    this.orders.clear();
    this.fulfillments.clear();
    this.refreshGrants = 0;
    this.applicationGrants = 0;
  }

  // ----- accounts and tokens -----

  addAccount(
    input: { username: string; marketplaceId?: string; scopes?: string[] },
    appId: string,
  ): IssuedTokens {
    const account: EbayAccount = {
      username: input.username,
      marketplaceId: input.marketplaceId ?? "EBAY_US",
      appId,
      scopes: input.scopes ?? DEFAULT_SCOPES,
    };
    this.accounts.set(account.username, account);
    const grant = this.issueUserGrant(account.username, appId, account.scopes);
    return {
      accessToken: grant.accessToken,
      refreshToken: grant.refreshToken,
      expiresAt: new Date(Date.now() + grant.expiresInS * 1000),
    };
  }

  /** A new refresh token and access token for a user (what a consent or addAccount grants). */
  issueUserGrant(username: string, appId: string, scopes: string[]) {
    const refreshToken = `v^1.1#i^1#r^1#p^3#I^3#f^0#t^${randomBytes(24).toString("base64url")}`;
    this.refreshTokens.set(refreshToken, { username, appId, scopes, revoked: false });
    const access = this.issueAccessToken(username, appId, scopes);
    return { accessToken: access.token, refreshToken, expiresInS: ACCESS_TOKEN_TTL_S };
  }

  userOfToken(token: string): { username: string; scopes: string[] } | undefined {
    const record = this.accessTokens.get(token);
    if (!record || record.kind !== "user" || record.expiresAt <= Date.now()) return undefined;
    return { username: record.username, scopes: record.scopes };
  }

  private issueAccessToken(username: string, appId: string, scopes: string[]) {
    const token = `v^1.1#i^1#f^0#p^3#I^3#r^0#t^${randomBytes(32).toString("base64url")}`;
    const expiresAt = Date.now() + ACCESS_TOKEN_TTL_S * 1000;
    this.accessTokens.set(token, { kind: "user", username, appId, scopes, expiresAt });
    return { token, expiresAt };
  }

  /** No user behind it; `expireAccessTokens()` without a username expires these too. */
  private issueApplicationToken(appId: string, scopes: string[]) {
    const token = `v^1.1#i^1#p^1#r^0#I^3#f^0#t^${randomBytes(32).toString("base64url")}`;
    const expiresAt = Date.now() + ACCESS_TOKEN_TTL_S * 1000;
    this.accessTokens.set(token, { kind: "application", username: "", appId, scopes, expiresAt });
    return token;
  }

  expireAccessTokens(username?: string): void {
    for (const record of this.accessTokens.values()) {
      if (!username || record.username === username) record.expiresAt = Date.now() - 1;
    }
  }

  revokeRefreshTokens(username?: string): void {
    for (const record of this.refreshTokens.values()) {
      if (!username || record.username === username) record.revoked = true;
    }
    // Revoking a grant also invalidates its access tokens.
    for (const record of this.accessTokens.values()) {
      if (!username || record.username === username) record.expiresAt = Date.now() - 1;
    }
  }

  appOf(req: SimRequest): string | undefined {
    const token = bearer(req);
    return token ? this.accessTokens.get(token)?.appId : undefined;
  }

  /**
   * POST /identity/v1/oauth2/token: refresh_token grant (user tokens) and client_credentials grant
   * (application tokens), with eBay's OAuth error bodies.
   */
  token(req: SimRequest, app: { appId: string; certId: string }): SimResponse {
    const oauthError = (status: number, error: string, description: string): SimResponse => ({
      status,
      body: { error, error_description: description },
    });
    const basic = /^Basic (.+)$/.exec(String(req.headers.authorization ?? ""));
    const [clientId, secret] = basic
      ? Buffer.from(basic[1] ?? "", "base64")
          .toString("utf8")
          .split(":")
      : [];
    if (clientId !== app.appId || secret !== app.certId) {
      return oauthError(401, "invalid_client", "client authentication failed");
    }
    if (!String(req.headers["content-type"] ?? "").includes("application/x-www-form-urlencoded")) {
      return oauthError(
        400,
        "invalid_request",
        "request is missing a required parameter or malformed",
      );
    }
    const form = (req.body ?? {}) as Record<string, string>;
    if (form.grant_type === "client_credentials") {
      const scopes = (form.scope ?? "").split(/\s+/).filter(Boolean);
      if (scopes.length === 0) {
        return oauthError(
          400,
          "invalid_request",
          "request is missing a required parameter or malformed",
        );
      }
      if (!scopes.every((s) => APPLICATION_SCOPES.includes(s))) {
        return oauthError(
          400,
          "invalid_scope",
          "The requested scope is invalid, unknown, malformed, or exceeds the scope granted to the client",
        );
      }
      this.applicationGrants += 1;
      return {
        status: 200,
        body: {
          access_token: this.issueApplicationToken(clientId, scopes),
          expires_in: ACCESS_TOKEN_TTL_S,
          token_type: "Application Access Token",
        },
      };
    }
    if (form.grant_type !== "refresh_token") {
      return oauthError(
        400,
        "unsupported_grant_type",
        "grant type in request is not supported by the authorization server",
      );
    }
    if (!form.refresh_token) {
      return oauthError(
        400,
        "invalid_request",
        "request is missing a required parameter or malformed",
      );
    }
    const grant = this.refreshTokens.get(form.refresh_token);
    if (!grant || grant.revoked || grant.appId !== clientId) {
      return oauthError(
        400,
        "invalid_grant",
        "the provided authorization refresh token is invalid or was issued to another client",
      );
    }
    const requested = form.scope ? form.scope.split(/\s+/).filter(Boolean) : grant.scopes;
    if (!requested.every((s) => grant.scopes.includes(s))) {
      return oauthError(
        400,
        "invalid_scope",
        "The requested scope is invalid, unknown, malformed, or exceeds the scope granted to the client",
      );
    }
    const access = this.issueAccessToken(grant.username, grant.appId, requested);
    this.refreshGrants += 1;
    return {
      status: 200,
      body: {
        access_token: access.token,
        expires_in: ACCESS_TOKEN_TTL_S,
        token_type: "User Access Token",
      },
    };
  }

  /** The seller behind a bearer token, or eBay's 401/403. */
  authenticate(req: SimRequest, write: boolean): EbayAccount | SimResponse {
    const token = bearer(req);
    if (!token) return missingToken();
    const record = this.accessTokens.get(token);
    if (!record || record.expiresAt <= Date.now()) return { status: 401, body: INVALID_TOKEN_BODY };
    const allowed = write ? [SCOPE_FULFILLMENT] : [SCOPE_FULFILLMENT, SCOPE_FULFILLMENT_READONLY];
    const account = record.kind === "user" ? this.accounts.get(record.username) : undefined;
    if (!account || !record.scopes.some((s) => allowed.includes(s))) return accessDenied();
    return account;
  }

  /** Notification API calls take an application token (client credentials grant) with the base scope. */
  authenticateApplication(req: SimRequest): SimResponse | undefined {
    const token = bearer(req);
    if (!token) return missingToken();
    const record = this.accessTokens.get(token);
    if (!record || record.expiresAt <= Date.now()) return { status: 401, body: INVALID_TOKEN_BODY };
    if (record.kind !== "application" || !record.scopes.includes(SCOPE_BASE)) return accessDenied();
    return undefined;
  }

  // ----- orders -----

  seedOrder(input: SeedOrderInput): string {
    const account = this.accounts.get(input.seller);
    if (!account) throw new Error(`unknown seller ${input.seller}: add the account first`);
    if (!input.lines?.length) throw new Error("an order needs at least one line");
    const record = buildOrder(input, account.marketplaceId);
    const id = record.order.orderId!;
    if (this.orders.has(id)) throw new Error(`order ${id} exists`);
    this.orders.set(id, record);
    return id;
  }

  seedDemo(appId: string) {
    const us = this.addAccount({ username: "demo_us_seller", marketplaceId: "EBAY_US" }, appId);
    const fr = this.addAccount({ username: "demo_fr_vendeur", marketplaceId: "EBAY_FR" }, appId);
    const orderIds = [
      this.seedOrder({
        seller: "demo_us_seller",
        lines: [
          {
            sku: "MUG-BLUE",
            title: "Blue ceramic mug",
            quantity: 3,
            unitPrice: "12.99",
            shipping: "5.50",
            tax: "3.04",
            taxType: "STATE_SALES_TAX",
          },
          {
            sku: "TEE-L",
            title: "T-shirt, large",
            unitPrice: "19.99",
            discount: "2.00",
            promotionDescription: "10% off",
          },
        ],
        shipTo: {
          fullName: "Jane Buyer",
          addressLine1: "2145 Hamilton Ave",
          city: "San Jose",
          stateOrProvince: "CA",
          postalCode: "95125",
          countryCode: "US",
        },
      }),
      this.seedOrder({
        seller: "demo_fr_vendeur",
        lines: [
          {
            sku: "BOL-VERT",
            title: "Bol en grès vert",
            quantity: 2,
            unitPrice: "24.90",
            shipping: "6.90",
            tax: "9.45",
            taxType: "VAT",
          },
          {
            sku: "TASSE-01",
            title: "Tasse émaillée",
            unitPrice: "15.00",
            discount: "1.50",
            tax: "2.25",
            taxType: "VAT",
          },
        ],
        shipTo: {
          fullName: "Camille Martin",
          addressLine1: "12 rue de la Paix",
          city: "Paris",
          postalCode: "75002",
          countryCode: "FR",
        },
      }),
      this.seedOrder({
        seller: "demo_us_seller",
        program: "EBAY_INTERNATIONAL_SHIPPING",
        lines: [{ sku: "MUG-RED", title: "Red mug", unitPrice: "14.00", shipping: "0" }],
      }),
    ];
    return { us, fr, orderIds };
  }

  private record(id: string): OrderRecord {
    const record = this.orders.get(id);
    if (!record) throw new Error(`no order ${id}`);
    return record;
  }

  touch(id: string, at?: string): void {
    this.record(id).order.lastModifiedDate = at ?? new Date().toISOString();
  }

  setPaymentStatus(id: string, status: EbayOrderPaymentStatus): void {
    if (!["PENDING", "FAILED", "PAID", "PARTIALLY_REFUNDED", "FULLY_REFUNDED"].includes(status)) {
      throw new Error(`unknown payment status ${status}`);
    }
    const order = this.record(id).order;
    order.orderPaymentStatus = status;
    const payment = order.paymentSummary?.payments?.[0];
    if (payment) {
      payment.paymentStatus = status === "PAID" || status.endsWith("REFUNDED") ? "PAID" : status;
      if (status === "PAID") payment.paymentDate ??= new Date().toISOString();
    }
    this.touch(id);
  }

  requestCancellation(id: string, reason = "BUYER_ASKED_CANCEL"): void {
    const order = this.record(id).order;
    order.cancelStatus = {
      cancelState: "IN_PROGRESS",
      cancelRequests: [
        ...(order.cancelStatus?.cancelRequests ?? []),
        {
          cancelRequestId: String(5_000_000_000 + Math.floor(Math.random() * 1e9)),
          cancelInitiator: "BUYER",
          cancelReason: reason,
          cancelRequestState: "REQUESTED",
          cancelRequestedDate: new Date().toISOString(),
        },
      ],
    };
    this.touch(id);
  }

  cancelOrder(id: string): void {
    const order = this.record(id).order;
    const now = new Date().toISOString();
    const requests = (order.cancelStatus?.cancelRequests ?? []).map((r) =>
      r.cancelRequestState === "REQUESTED"
        ? { ...r, cancelRequestState: "COMPLETED", cancelCompletedDate: now }
        : r,
    );
    order.cancelStatus = { cancelState: "CANCELED", cancelledDate: now, cancelRequests: requests };
    order.orderPaymentStatus = "FULLY_REFUNDED";
    this.touch(id);
  }

  listReceived(orderId?: string): ReceivedFulfillment[] {
    if (orderId) return [...(this.fulfillments.get(orderId) ?? [])];
    return [...this.fulfillments.values()].flat();
  }

  private ownOrder(id: string, account: EbayAccount): OrderRecord | undefined {
    const record = this.orders.get(id);
    return record && record.order.sellerId === account.username ? record : undefined;
  }

  getOrders(req: SimRequest, account: EbayAccount, baseUrl: string): SimResponse {
    const q = req.query;
    const fieldGroups = q.get("fieldGroups");
    if (fieldGroups && fieldGroups.split(",").some((g) => g !== "TAX_BREAKDOWN")) {
      return fulfillmentError(400, 32800, `Invalid field group: ${fieldGroups}`);
    }
    const limitRaw = q.get("limit");
    const limit = limitRaw === null ? 50 : Number(limitRaw);
    if (!/^\d+$/.test(limitRaw ?? "50") || limit < 1 || limit > 200) {
      return fulfillmentError(400, 31100, `Invalid limit: ${limitRaw}`, [
        { name: "limit", value: String(limitRaw) },
      ]);
    }
    const offsetRaw = q.get("offset");
    const offset = offsetRaw === null ? 0 : Number(offsetRaw);
    if (!/^\d+$/.test(offsetRaw ?? "0")) {
      return fulfillmentError(400, 31000, `Invalid offset: ${offsetRaw}`, [
        { name: "offset", value: String(offsetRaw) },
      ]);
    }
    const taxBreakdown = fieldGroups === "TAX_BREAKDOWN";
    const mine = [...this.orders.values()].filter((r) => r.order.sellerId === account.username);

    let selected: OrderRecord[];
    const orderIds = q.get("orderIds");
    if (orderIds) {
      const ids = orderIds
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      if (ids.length > 50) {
        return fulfillmentError(
          400,
          30900,
          "Exceeded maximum number of order IDs (the current limit is 50)",
        );
      }
      selected = mine.filter((r) => ids.includes(r.order.orderId!));
    } else {
      let filter;
      try {
        filter = parseOrderFilter(q.get("filter"));
      } catch (e) {
        if (e instanceof FilterError) return fulfillmentError(400, e.errorId, e.message);
        throw e;
      }
      const within = (iso: string | undefined, range: { from: number; to: number | undefined }) => {
        const t = Date.parse(iso ?? "");
        return t >= range.from && (range.to === undefined || t <= range.to);
      };
      // No filter: orders created in the last 90 days.
      const creation =
        filter.creation ??
        (filter.lastModified ? undefined : { from: Date.now() - 90 * 86_400_000, to: undefined });
      selected = mine.filter(
        (r) =>
          (!creation || within(r.order.creationDate, creation)) &&
          (!filter.lastModified || within(r.order.lastModifiedDate, filter.lastModified)) &&
          (!filter.fulfillmentStatuses ||
            filter.fulfillmentStatuses.includes(r.order.orderFulfillmentStatus ?? "")),
      );
    }
    // Newest first, order id as tie-break, so offsets are stable while nothing changes.
    selected.sort(
      (a, b) =>
        Date.parse(b.order.creationDate ?? "") - Date.parse(a.order.creationDate ?? "") ||
        (a.order.orderId ?? "").localeCompare(b.order.orderId ?? ""),
    );
    const total = selected.length;
    const page = selected.slice(offset, offset + limit);
    const link = (o: number) => {
      const params = new URLSearchParams();
      for (const [k, v] of q) if (k !== "offset" && k !== "limit") params.set(k, v);
      params.set("limit", String(limit));
      params.set("offset", String(o));
      return `${baseUrl}${FULFILLMENT_BASE}/order?${params.toString()}`;
    };
    return {
      status: 200,
      body: {
        href: link(offset),
        total,
        limit,
        offset,
        ...(offset > 0 ? { prev: link(Math.max(0, offset - limit)) } : {}),
        ...(offset + limit < total ? { next: link(offset + limit) } : {}),
        orders: page.map((r) => renderOrder(r, { taxBreakdown, withCancelRequests: false })),
      },
    };
  }

  getOrder(req: SimRequest, account: EbayAccount): SimResponse {
    const id = req.params.orderId ?? "";
    const fieldGroups = req.query.get("fieldGroups");
    if (fieldGroups && fieldGroups !== "TAX_BREAKDOWN") {
      return fulfillmentError(400, 32800, `Invalid field group: ${fieldGroups}`);
    }
    if (!ORDER_ID.test(id)) return fulfillmentError(400, 32100, `Invalid order ID: ${id}`);
    const record = this.ownOrder(id, account);
    if (!record) return fulfillmentError(404, 32100, `Invalid order ID: ${id}`);
    return {
      status: 200,
      body: renderOrder(record, {
        taxBreakdown: fieldGroups === "TAX_BREAKDOWN",
        withCancelRequests: true,
      }),
    };
  }

  getShippingFulfillments(req: SimRequest, account: EbayAccount): SimResponse {
    const id = req.params.orderId ?? "";
    if (!ORDER_ID.test(id) || !this.ownOrder(id, account)) {
      return fulfillmentError(400, 32100, `Invalid order ID: ${id}`);
    }
    const list = (this.fulfillments.get(id) ?? []).map(
      ({ orderId: _o, receivedAt: _r, ...f }) => f,
    );
    return { status: 200, body: { fulfillments: list, total: list.length } };
  }

  getShippingFulfillment(req: SimRequest, account: EbayAccount): SimResponse {
    const id = req.params.orderId ?? "";
    if (!ORDER_ID.test(id) || !this.ownOrder(id, account)) {
      return fulfillmentError(400, 32100, `Invalid order ID: ${id}`);
    }
    const found = (this.fulfillments.get(id) ?? []).find(
      (f) => f.fulfillmentId === req.params.fulfillmentId,
    );
    if (!found) return { status: 404 };
    const { orderId: _o, receivedAt: _r, ...f } = found;
    return { status: 200, body: f };
  }

  /** Every valid call creates a new package, as eBay does (two calls → two fulfillments). */
  createShippingFulfillment(req: SimRequest, account: EbayAccount, baseUrl: string): SimResponse {
    const id = req.params.orderId ?? "";
    const record = ORDER_ID.test(id) ? this.ownOrder(id, account) : undefined;
    if (!record) return fulfillmentError(400, 32100, `Invalid Order Id: ${id}`);
    if (!String(req.headers["content-type"] ?? "").includes("application/json")) {
      return fulfillmentError(400, 32600, "Invalid input data");
    }
    const body = req.body as
      | {
          lineItems?: unknown;
          shippedDate?: unknown;
          shippingCarrierCode?: unknown;
          trackingNumber?: unknown;
        }
      | undefined;
    if (
      !body ||
      typeof body !== "object" ||
      !Array.isArray(body.lineItems) ||
      body.lineItems.length === 0
    ) {
      return fulfillmentError(400, 32600, "Invalid input data");
    }
    const order = record.order;
    if (order.cancelStatus?.cancelState === "CANCELED" || order.orderPaymentStatus !== "PAID") {
      return fulfillmentError(400, 32600, "Invalid input data");
    }
    const lines = new Map((order.lineItems ?? []).map((l) => [l.lineItemId!, l]));
    const seen = new Set<string>();
    const refs: { lineItemId: string; quantity: number }[] = [];
    for (const raw of body.lineItems as { lineItemId?: unknown; quantity?: unknown }[]) {
      const lineItemId = typeof raw?.lineItemId === "string" ? raw.lineItemId : "";
      const line = lines.get(lineItemId);
      if (!line) {
        return fulfillmentError(400, 32200, `Invalid line item id: ${lineItemId}`, [
          { name: "lineItemId", value: lineItemId },
        ]);
      }
      if (seen.has(lineItemId))
        return fulfillmentError(400, 32210, "Duplicate line item in the request");
      seen.add(lineItemId);
      const quantity = raw.quantity;
      if (
        typeof quantity !== "number" ||
        !Number.isInteger(quantity) ||
        quantity < 1 ||
        quantity > (line.quantity ?? 1)
      ) {
        return fulfillmentError(400, 32600, "Invalid input data");
      }
      refs.push({ lineItemId, quantity });
    }
    const carrier = body.shippingCarrierCode;
    const tracking = body.trackingNumber;
    if (carrier !== undefined || tracking !== undefined) {
      if (
        typeof carrier !== "string" ||
        typeof tracking !== "string" ||
        !EBAY_SIM_CARRIER_CODES.has(carrier.toLowerCase()) ||
        !TRACKING.test(tracking)
      ) {
        return fulfillmentError(400, 32300, "Invalid shipment tracking number or carrier");
      }
    }
    let shippedDate = new Date().toISOString();
    if (body.shippedDate !== undefined) {
      const t = typeof body.shippedDate === "string" ? Date.parse(body.shippedDate) : NaN;
      if (
        typeof body.shippedDate !== "string" ||
        !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(body.shippedDate) ||
        Number.isNaN(t) ||
        t > Date.now() + 60_000 ||
        t < Date.parse(order.creationDate ?? "")
      ) {
        return fulfillmentError(400, 32500, "Invalid shipped date");
      }
      shippedDate = new Date(t).toISOString();
    }

    this.fulfillmentSeq += 1;
    const fulfillmentId = `${9_400_000_000 + this.fulfillmentSeq}${String(Date.now()).slice(-6)}`;
    const fulfillment: ReceivedFulfillment = {
      orderId: id,
      receivedAt: new Date().toISOString(),
      fulfillmentId,
      lineItems: refs,
      shippedDate,
      ...(typeof carrier === "string" ? { shippingCarrierCode: carrier } : {}),
      ...(typeof tracking === "string" ? { shipmentTrackingNumber: tracking } : {}),
    };
    const list = this.fulfillments.get(id) ?? [];
    list.push(fulfillment);
    this.fulfillments.set(id, list);
    this.applyFulfillments(record, list);
    const location = `${baseUrl}${FULFILLMENT_BASE}/order/${encodeURIComponent(id)}/shipping_fulfillment/${fulfillmentId}`;
    order.fulfillmentHrefs = [...(order.fulfillmentHrefs ?? []), location];
    return { status: 201, headers: { location }, body: {} };
  }

  private applyFulfillments(record: OrderRecord, list: ReceivedFulfillment[]): void {
    const shipped = new Map<string, number>();
    for (const f of list)
      for (const l of f.lineItems ?? [])
        shipped.set(l.lineItemId!, (shipped.get(l.lineItemId!) ?? 0) + (l.quantity ?? 0));
    const lines: EbayLineItem[] = record.order.lineItems ?? [];
    for (const line of lines) {
      const qty = shipped.get(line.lineItemId!) ?? 0;
      line.lineItemFulfillmentStatus =
        qty >= (line.quantity ?? 1) ? "FULFILLED" : qty > 0 ? "IN_PROGRESS" : "NOT_STARTED";
    }
    const all = lines.every((l) => l.lineItemFulfillmentStatus === "FULFILLED");
    const any = lines.some((l) => l.lineItemFulfillmentStatus !== "NOT_STARTED");
    record.order.orderFulfillmentStatus = all ? "FULFILLED" : any ? "IN_PROGRESS" : "NOT_STARTED";
    record.order.lastModifiedDate = new Date().toISOString();
  }
}

const missingToken = () =>
  error(401, {
    errorId: 1002,
    domain: "OAuth",
    category: "REQUEST",
    message: "Missing access token",
    longMessage: "Access token is missing in the Authorization HTTP request header.",
  });

const accessDenied = () =>
  error(403, {
    errorId: 1100,
    domain: "ACCESS",
    category: "REQUEST",
    message: "Access denied",
    longMessage: "Insufficient permissions to fulfill the request.",
  });

function bearer(req: SimRequest): string | undefined {
  const m = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ""));
  return m?.[1];
}

export { SYSTEM_ERROR_BODY as EBAY_SYSTEM_ERROR_BODY };
export type { OrderRecord };
