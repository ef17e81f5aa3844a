import { randomBytes } from "node:crypto";
import type { SimRequest, SimResponse } from "../shared/server";
import type { AmazonState } from "./state";
import { SIM_CLIENT_ID } from "./state";

/**
 * The SP-API website authorization workflow, as the simulator plays it:
 *
 * - `GET /apps/authorize/consent?application_id&state[&version=beta][&redirect_uri]` (Seller
 *   Central): the application must be registered (`SIM_APPLICATION_ID` is, without a redirect URI
 *   until `registerApplication` gives one); a draft application needs `version=beta`. The seller
 *   signed in with `signIn(sellerId)` consents: 302 to the redirect URI with `state`,
 *   `selling_partner_id` and `spapi_oauth_code`. Nobody signed in: 200 and Seller Central's sign-in
 *   page stands in.
 * - LWA `POST /auth/o2/token` `grant_type=authorization_code&code&client_id&client_secret[&redirect_uri]`:
 *   a code is good once, for five minutes, for the LWA client of the application it was issued
 *   to, and answers a new refresh token for that seller.
 */

export const CONSENT_PATH = "/apps/authorize/consent";
export const SIM_APPLICATION_ID = "amzn1.sp.solution.0b1c2d3e-sim0-4000-8000-000000000001";
/** LWA authorization codes from the website workflow are valid for five minutes. */
export const OAUTH_CODE_TTL_S = 300;

export interface ApplicationRegistration {
  applicationId: string;
  /** The LWA client the application's tokens are issued to. */
  clientId: string;
  redirectUri?: string | undefined;
  /** A draft application only authorizes with `version=beta`. */
  draft?: boolean | undefined;
}

interface OAuthCode {
  sellerId: string;
  clientId: string;
  redirectUri: string;
  expiresAt: number;
}

export class AmazonConsent {
  private readonly applications = new Map<string, ApplicationRegistration>();
  private readonly codes = new Map<string, OAuthCode>();
  private signedIn: string | undefined;
  codeGrants = 0;

  constructor(private readonly state: AmazonState) {
    this.clear();
  }

  clear(): void {
    this.applications.clear();
    this.applications.set(SIM_APPLICATION_ID, {
      applicationId: SIM_APPLICATION_ID,
      clientId: SIM_CLIENT_ID,
      draft: false,
    });
    this.codes.clear();
    this.signedIn = undefined;
    this.codeGrants = 0;
  }

  registerApplication(registration: ApplicationRegistration): void {
    this.applications.set(registration.applicationId, registration);
  }

  signIn(sellerId: string | undefined): void {
    if (sellerId !== undefined && !/^A[A-Z0-9]{5,20}$/.test(sellerId)) {
      throw new Error(`not a selling partner id: ${sellerId}`);
    }
    this.signedIn = sellerId;
  }

  consent(req: SimRequest): SimResponse {
    const q = req.query;
    const page = (status: number, text: string): SimResponse => ({
      status,
      headers: { "content-type": "text/html; charset=utf-8" },
      body: `<!doctype html><title>Amazon Seller Central</title><p>${text}</p>`,
    });
    const app = this.applications.get(q.get("application_id") ?? "");
    if (!app) return page(400, "We're sorry! This application is not available. (MD1000)");
    if (app.draft && q.get("version") !== "beta") {
      return page(400, "We're sorry! This application is in draft state. (MD9100)");
    }
    const asked = q.get("redirect_uri");
    const redirectUri = asked ?? app.redirectUri;
    if (!redirectUri || (asked !== null && asked !== app.redirectUri)) {
      return page(400, "We're sorry! The redirect URI is not registered. (MD5101)");
    }
    if (!this.signedIn) return page(200, "Sign in to Seller Central");
    const code = `ANsim${randomBytes(18).toString("base64url")}`;
    this.codes.set(code, {
      sellerId: this.signedIn,
      clientId: app.clientId,
      redirectUri,
      expiresAt: Date.now() + OAUTH_CODE_TTL_S * 1000,
    });
    const url = new URL(redirectUri);
    const state = q.get("state");
    if (state !== null) url.searchParams.set("state", state);
    url.searchParams.set("selling_partner_id", this.signedIn);
    url.searchParams.set("spapi_oauth_code", code);
    return { status: 302, headers: { location: url.toString() } };
  }

  /** LWA's authorization_code grant; undefined for any other grant type. */
  token(req: SimRequest): SimResponse | undefined {
    const body = (req.body && typeof req.body === "object" ? req.body : {}) as Record<
      string,
      string
    >;
    if (body.grant_type !== "authorization_code") return undefined;
    const lwa = (status: number, error: string, description: string): SimResponse => ({
      status,
      body: { error_description: description, error },
    });
    if (!body.client_id || this.state.clients.get(body.client_id) !== body.client_secret) {
      return lwa(401, "invalid_client", "Client authentication failed");
    }
    if (!body.code) {
      return lwa(400, "invalid_request", "The request is missing a required parameter : code");
    }
    const grant = this.codes.get(body.code);
    this.codes.delete(body.code);
    if (
      !grant ||
      grant.expiresAt <= Date.now() ||
      grant.clientId !== body.client_id ||
      (body.redirect_uri !== undefined && body.redirect_uri !== grant.redirectUri)
    ) {
      return lwa(400, "invalid_grant", "The request has an invalid grant parameter : code");
    }
    const refreshToken = `Atzr|sim-${randomBytes(24).toString("base64url")}`;
    this.state.refreshTokens.set(refreshToken, {
      sellerId: grant.sellerId,
      clientId: grant.clientId,
      revoked: false,
    });
    const { token, expiresIn } = this.state.issueAccessToken(grant.sellerId, grant.clientId);
    this.codeGrants += 1;
    return {
      status: 200,
      body: {
        access_token: token,
        refresh_token: refreshToken,
        token_type: "bearer",
        expires_in: expiresIn,
      },
    };
  }
}
