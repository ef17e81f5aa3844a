import { LWA_TOKEN_URL } from "../../connectors/amazon/client";
import { mapLwaResponse, mapThrown } from "../../connectors/amazon/errors";
import type { AmazonMarketplace } from "./amazon-marketplaces";
import type { MarketplaceGrant } from "./grant";

/**
 * The SP-API website authorization workflow: the seller consents on their marketplace's Seller
 * Central, which sends them back with `spapi_oauth_code` and `selling_partner_id`; the code is
 * exchanged with Login with Amazon for the seller's refresh token.
 */

/** Selling partners renew an application's authorization every year. */
const AUTHORIZATION_DAYS = 365;

export interface AmazonConsentApp {
  applicationId: string;
  /** Draft applications authorize with `version=beta` only. */
  draft: boolean;
}

/** Seller Central's consent page of the first marketplace, or that path on the upstream override. */
export function amazonConsentUrl(
  app: AmazonConsentApp,
  marketplace: AmazonMarketplace,
  state: string,
  endpoint: string | undefined,
): string {
  const url = new URL("/apps/authorize/consent", endpoint ?? marketplace.sellerCentral);
  url.searchParams.set("application_id", app.applicationId);
  url.searchParams.set("state", state);
  if (app.draft) url.searchParams.set("version", "beta");
  return url.toString();
}

/** LWA's authorization_code grant, form-encoded as LWA documents it. */
export async function exchangeAmazonCode(
  lwa: { clientId: string; clientSecret: string },
  input: { code: string; sellingPartnerId: string; redirectUri: string },
  options: { endpoint: string | undefined; timeoutMs?: number; now?: () => Date },
): Promise<MarketplaceGrant> {
  const now = options.now ?? (() => new Date());
  const tokenUrl = options.endpoint
    ? new URL("/auth/o2/token", options.endpoint).toString()
    : LWA_TOKEN_URL;
  const issuedAt = now();
  let response: Response;
  let text: string;
  try {
    response = await fetch(tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded;charset=UTF-8" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: input.code,
        redirect_uri: input.redirectUri,
        client_id: lwa.clientId,
        client_secret: lwa.clientSecret,
      }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    text = await response.text();
  } catch (error) {
    throw mapThrown("lwa.exchangeCode", error);
  }
  let body:
    | {
        access_token?: string;
        refresh_token?: string;
        expires_in?: number;
        error?: string;
        error_description?: string;
      }
    | undefined;
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    body = undefined;
  }
  if (!response.ok || !body?.refresh_token || !body.access_token) {
    throw mapLwaResponse(
      response.status === 200 ? 502 : response.status,
      body,
      response.headers.get("retry-after"),
    );
  }
  return {
    sellerId: input.sellingPartnerId,
    credentials: {
      refreshToken: body.refresh_token,
      accessToken: body.access_token,
      expiresAt: new Date(issuedAt.getTime() + (body.expires_in ?? 3600) * 1000).toISOString(),
    },
    grantExpiresAt: new Date(issuedAt.getTime() + AUTHORIZATION_DAYS * 86_400_000),
  };
}
