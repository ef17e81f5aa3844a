import eBayApi from "ebay-api";
import OAuth2 from "ebay-api/auth/oAuth2.js";
import { createRequest, EBAY_FULFILLMENT_SCOPE } from "../../connectors/ebay/client";
import { mapEbayError } from "../../connectors/ebay/errors";
import type { EbayTokenResponse } from "../../connectors/ebay/types";
import type { MarketplaceGrant } from "./grant";

/**
 * eBay's user consent (OAuth authorization code grant): the consent URL, and the code exchanged
 * for the seller's tokens, through ebay-api's own OAuth2 helper on the connector's request client
 * (so `EBAY_ENDPOINT` sends the exchange and getUser to the simulator or a sandbox proxy too).
 */

export const EBAY_IDENTITY_SCOPE =
  "https://api.ebay.com/oauth/api_scope/commerce.identity.readonly";

/**
 * What the connector needs (orders and shipping fulfillments) and what tells us who the seller is;
 * the base scope is eBay's default for a user token.
 */
export const EBAY_CONSENT_SCOPES = [
  "https://api.ebay.com/oauth/api_scope",
  EBAY_FULFILLMENT_SCOPE,
  EBAY_IDENTITY_SCOPE,
];

/** eBay documents user refresh tokens as valid 18 months when it does not say. */
const DEFAULT_REFRESH_TTL_S = 47_304_000;

export interface EbayConsentApp {
  appId: string;
  certId: string;
  ruName: string;
}

/** eBay's consent page (auth.ebay.com), or the same path on the upstream override. */
export function ebayConsentUrl(
  app: Pick<EbayConsentApp, "appId" | "ruName">,
  state: string,
  endpoint: string | undefined,
): string {
  const url = new URL(
    OAuth2.generateAuthUrl(false, app.appId, app.ruName, EBAY_CONSENT_SCOPES, state),
  );
  if (!endpoint) return url.toString();
  const upstream = new URL(endpoint);
  const base = upstream.pathname.replace(/\/+$/, "");
  return `${upstream.origin}${base}${url.pathname}${url.search}`;
}

interface EbayUser {
  username?: string;
  registrationMarketplaceId?: string;
}

/**
 * Exchanges the code (with the RuName as redirect_uri, as eBay requires) and asks Commerce
 * Identity who granted it: the username is the account's seller id. Vendor errors come back as
 * the connectors' closed set (an expired or reused code is AuthRevoked).
 */
export async function exchangeEbayCode(
  app: EbayConsentApp,
  code: string,
  options: { endpoint: string | undefined; timeoutMs?: number; now?: () => Date },
): Promise<MarketplaceGrant & { marketplaceId: string | undefined }> {
  const now = options.now ?? (() => new Date());
  const api = new eBayApi(
    {
      appId: app.appId,
      certId: app.certId,
      ruName: app.ruName,
      sandbox: false,
      autoRefreshToken: false,
      scope: EBAY_CONSENT_SCOPES,
    },
    createRequest(options.endpoint, options.timeoutMs ?? 15_000),
  );
  const issuedAt = now();
  let token: EbayTokenResponse;
  try {
    token = (await api.OAuth2.getToken(code, app.ruName)) as unknown as EbayTokenResponse;
  } catch (error) {
    throw mapEbayError(error, "exchangeCode");
  }
  if (!token.refresh_token) {
    throw mapEbayError(new Error("eBay answered no refresh token"), "exchangeCode");
  }
  api.OAuth2.setCredentials(token as never);
  let user: EbayUser;
  try {
    user = (await api.commerce.identity.getUser()) as EbayUser;
  } catch (error) {
    throw mapEbayError(error, "getUser");
  }
  if (!user.username) throw mapEbayError(new Error("eBay answered no username"), "getUser");
  return {
    sellerId: user.username,
    marketplaceId: user.registrationMarketplaceId,
    credentials: {
      refreshToken: token.refresh_token,
      accessToken: token.access_token,
      expiresAt: new Date(issuedAt.getTime() + token.expires_in * 1000).toISOString(),
    },
    grantExpiresAt: new Date(
      issuedAt.getTime() + (token.refresh_token_expires_in ?? DEFAULT_REFRESH_TTL_S) * 1000,
    ),
  };
}
