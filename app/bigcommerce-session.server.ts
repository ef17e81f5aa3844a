import {
  exchangeAuthCode,
  type SignedPayloadClaims,
  verifySignedPayloadJwt,
} from "../connectors/bigcommerce/oauth";
import { isConnectorError } from "../connectors/errors";
import type { KeyRing } from "../db/encryption";
import type { StoreRow } from "../db/schema";
import { findStore, upsertInstalledStore } from "../db/stores";
import { recheckStoreAccessHolds } from "../jobs/import/held-orders";
import { type Locale, matchLocale } from "./i18n/locales";
import type { Services } from "./services.server";

/**
 * The BigCommerce control-panel session. BigCommerce shows the app in an iframe and authenticates
 * only the `load` call (signed_payload_jwt); the pages that follow need our own cookie. It is
 * encrypted with the key ring (AES-GCM: unreadable and unforgeable without the key, and rotated with
 * it), carries no e-mail, and expires after an hour: BigCommerce calls `load` again each time the
 * merchant opens the app, and a user removed from the store loses access within that hour.
 */

export const BIGCOMMERCE_SESSION_COOKIE = "marketsync_bc_session";
export const BIGCOMMERCE_SESSION_TTL_SECONDS = 60 * 60;
const CONTEXT = "bigcommerce.session";

export interface BigCommerceSession {
  storeId: string;
  /** The BigCommerce user id (not the e-mail). */
  userId: number;
  locale: Locale | undefined;
  /** Seconds since the epoch. */
  exp: number;
}

export type SessionLookup =
  { kind: "none" } | { kind: "invalid" } | { kind: "valid"; session: BigCommerceSession };

/** `Set-Cookie` for a new session: cross-site (the control panel frames us) but partitioned. */
export function bigCommerceSessionCookie(
  keyring: KeyRing,
  input: { storeId: string; userId: number; locale?: string | undefined },
  now: Date = new Date(),
): string {
  const session: BigCommerceSession = {
    storeId: input.storeId,
    userId: input.userId,
    locale: matchLocale(input.locale),
    exp: Math.floor(now.getTime() / 1000) + BIGCOMMERCE_SESSION_TTL_SECONDS,
  };
  const value = Buffer.from(keyring.encrypt(JSON.stringify(session), CONTEXT)).toString(
    "base64url",
  );
  return [
    `${BIGCOMMERCE_SESSION_COOKIE}=${value}`,
    "Path=/",
    `Max-Age=${BIGCOMMERCE_SESSION_TTL_SECONDS}`,
    "HttpOnly",
    "Secure",
    "SameSite=None",
    "Partitioned",
  ].join("; ");
}

function cookieValue(request: Request): string | undefined {
  const header = request.headers.get("cookie");
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === BIGCOMMERCE_SESSION_COOKIE) {
      return part.slice(eq + 1).trim();
    }
  }
  return undefined;
}

/** The request's session: absent, unreadable/forged/expired, or valid. */
export function readBigCommerceSession(
  keyring: KeyRing,
  request: Request,
  now: Date = new Date(),
): SessionLookup {
  const value = cookieValue(request);
  if (!value) return { kind: "none" };
  let session: Partial<BigCommerceSession>;
  try {
    const plaintext = keyring.decrypt(Buffer.from(value, "base64url").toString("utf8"), CONTEXT);
    session = JSON.parse(plaintext) as Partial<BigCommerceSession>;
  } catch {
    return { kind: "invalid" };
  }
  if (
    typeof session.storeId !== "string" ||
    typeof session.userId !== "number" ||
    typeof session.exp !== "number" ||
    session.exp <= Math.floor(now.getTime() / 1000)
  ) {
    return { kind: "invalid" };
  }
  return {
    kind: "valid",
    session: {
      storeId: session.storeId,
      userId: session.userId,
      locale: matchLocale(session.locale),
      exp: session.exp,
    },
  };
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * SameSite=None lets any site send the cookie, so a state-changing request must come from our own
 * pages: its Origin is the app's (as the request sees it, or the configured public URL behind a
 * proxy), or the browser says the request is same-origin.
 */
export function isSameOriginMutation(request: Request, publicUrl: string | undefined): boolean {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return true;
  if (request.headers.get("sec-fetch-site") === "same-origin") return true;
  const origin = request.headers.get("origin");
  if (!origin) return false;
  const allowed = [new URL(request.url).origin];
  if (publicUrl) allowed.push(new URL(publicUrl).origin);
  return allowed.includes(origin);
}

/**
 * The control panel frames the app from the store's own domain; Shopify's header helper would
 * answer `frame-ancestors 'none'` for these pages.
 */
export const BIGCOMMERCE_FRAME_ANCESTORS =
  "frame-ancestors https://*.mybigcommerce.com https://*.bigcommerce.com;";

/**
 * Sets the control panel's frame-ancestors CSP on a document shown inside it: the callback pages
 * (an install problem is shown in the iframe) and any page answered to a BigCommerce session.
 * Returns false for everything else, which Shopify's own helper handles.
 */
export function addBigCommerceDocumentHeaders(
  keyring: KeyRing,
  request: Request,
  headers: Headers,
): boolean {
  const callback = new URL(request.url).pathname.startsWith("/bigcommerce/");
  if (!callback && readBigCommerceSession(keyring, request).kind !== "valid") return false;
  headers.set("Content-Security-Policy", BIGCOMMERCE_FRAME_ANCESTORS);
  return true;
}

export type VerifiedCallback =
  | { kind: "valid"; claims: SignedPayloadClaims; store: StoreRow | undefined }
  | { kind: "not_configured" }
  | { kind: "invalid"; reason: string };

/**
 * Verifies the `signed_payload_jwt` BigCommerce sends to the load, uninstall and remove_user
 * callbacks and finds the store it names (undefined when never installed here).
 */
export async function verifyBigCommerceCallback(
  services: Services,
  request: Request,
): Promise<VerifiedCallback> {
  const app = services.apps.bigcommerce;
  if (!app) return { kind: "not_configured" };
  const jwt = new URL(request.url).searchParams.get("signed_payload_jwt");
  if (!jwt) return { kind: "invalid", reason: "signed_payload_jwt missing" };
  let claims: SignedPayloadClaims;
  try {
    claims = verifySignedPayloadJwt(jwt, app);
  } catch (error) {
    if (!isConnectorError(error)) throw error;
    return { kind: "invalid", reason: error.vendorMessage ?? error.message };
  }
  const store = await findStore(services.db, "bigcommerce", claims.storeHash);
  return { kind: "valid", claims, store };
}

export type InstallOutcome =
  | { kind: "installed"; store: StoreRow; userId: number }
  | { kind: "not_configured" | "bad_request" | "refused" | "unavailable" };

/**
 * The auth callback's work: exchange the one-time `code` for the store's permanent token, then
 * record the store (token encrypted) and queue its webhook registration in one transaction.
 */
export async function completeBigCommerceInstall(
  services: Services,
  request: Request,
): Promise<InstallOutcome> {
  const app = services.apps.bigcommerce;
  if (!app || !services.publicUrl) return { kind: "not_configured" };
  const params = new URL(request.url).searchParams;
  const code = params.get("code");
  const scope = params.get("scope");
  const context = params.get("context");
  if (!code || !scope || !context || !/^stores\/[A-Za-z0-9]+$/.test(context)) {
    return { kind: "bad_request" };
  }
  let grant: Awaited<ReturnType<typeof exchangeAuthCode>>;
  try {
    grant = await exchangeAuthCode(
      {
        ...app,
        redirectUri: `${services.publicUrl}/bigcommerce/auth`,
        endpoint: services.endpoints.bigcommerce,
      },
      { code, scope, context },
    );
  } catch (error) {
    if (!isConnectorError(error)) throw error;
    services.logger.warn({ err: error.message, context }, "bigcommerce install exchange failed");
    return { kind: error.kind === "rejected" ? "refused" : "unavailable" };
  }
  const store = await services.db.transaction(async (tx) => {
    const row = await upsertInstalledStore(
      { db: tx, keyring: services.keyring },
      {
        platform: "bigcommerce",
        externalId: grant.storeHash,
        accessToken: grant.accessToken,
        scopes: grant.scope,
      },
    );
    // Registers the store's webhooks (with its secret header) and catches up on missed shipments.
    await services.jobs?.send(tx, "tracking.reconcile_store", { storeId: row.id });
    return row;
  });
  // Orders held while the store's grant was gone go through the checks again.
  if (services.jobs) await recheckStoreAccessHolds({ ...services, jobs: services.jobs }, store.id);
  if (!services.jobs) {
    services.logger.warn(
      { storeId: store.id },
      "job queue not started: webhooks left to reconcile",
    );
  }
  services.logger.info({ storeId: store.id }, "bigcommerce store installed");
  return { kind: "installed", store, userId: grant.user.id };
}
