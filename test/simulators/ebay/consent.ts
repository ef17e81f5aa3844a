import { randomBytes } from "node:crypto";
import type { SimRequest, SimResponse } from "../shared/server";

/**
 * eBay's user consent (authorization code grant) and the Commerce Identity `getUser` call, as the
 * simulator plays them:
 *
 * - `GET /oauth2/authorize?client_id&redirect_uri=<RuName>&response_type=code&scope&state` (eBay's
 *   auth.ebay.com) — the RuName must be registered (`registerRuName`, as in the developer portal,
 *   with its "auth accepted" and "auth declined" URLs). The seller signed in with `signIn(username)`
 *   consents (or declines, `decline: true`): 302 to the accepted URL with `state`, `code` and
 *   `expires_in`, or to the declined URL with `state` and nothing else. Nobody signed in: 200 and
 *   eBay's sign-in page stands in, so nothing is redirected.
 * - `POST /identity/v1/oauth2/token` `grant_type=authorization_code&code&redirect_uri=<RuName>`:
 *   a code is good once, for 299 seconds, with the RuName it was issued for.
 * - `GET /commerce/identity/v1/user/` (apiz.ebay.com): the user behind a token carrying the
 *   `commerce.identity.readonly` scope.
 */

export const AUTHORIZE_PATH = "/oauth2/authorize";
export const IDENTITY_USER_PATH = "/commerce/identity/v1/user/";
export const SCOPE_IDENTITY = "https://api.ebay.com/oauth/api_scope/commerce.identity.readonly";
/** eBay's authorization codes live 299 seconds. */
export const AUTH_CODE_TTL_S = 299;
/** User refresh tokens last 18 months. */
export const REFRESH_TOKEN_TTL_S = 47_304_000;

export interface RuNameRegistration {
  ruName: string;
  acceptUrl: string;
  declineUrl?: string | undefined;
}

interface AuthCode {
  username: string;
  appId: string;
  ruName: string;
  scopes: string[];
  expiresAt: number;
}

/** What consent needs of the rest of the simulator. */
export interface ConsentHost {
  appId: string;
  certId: string;
  knownScopes: readonly string[];
  hasAccount(username: string): boolean;
  /** A user grant with these scopes, as the token endpoint issues it. */
  issueUserGrant(
    username: string,
    appId: string,
    scopes: string[],
  ): { accessToken: string; refreshToken: string; expiresInS: number };
  /** The user and scopes behind a valid user access token. */
  userOfToken(token: string): { username: string; scopes: string[] } | undefined;
  marketplaceOf(username: string): string;
}

export class EbayConsent {
  private readonly ruNames = new Map<string, RuNameRegistration>();
  private readonly codes = new Map<string, AuthCode>();
  private signedIn: { username: string; decline: boolean } | undefined;
  codeGrants = 0;

  constructor(private readonly host: ConsentHost) {}

  clear(): void {
    this.ruNames.clear();
    this.codes.clear();
    this.signedIn = undefined;
    this.codeGrants = 0;
  }

  registerRuName(registration: RuNameRegistration): void {
    this.ruNames.set(registration.ruName, registration);
  }

  signIn(username: string | undefined, options: { decline?: boolean } = {}): void {
    if (username !== undefined && !this.host.hasAccount(username)) {
      throw new Error(`unknown eBay user ${username}: add the account first`);
    }
    this.signedIn = username ? { username, decline: options.decline ?? false } : undefined;
  }

  authorize(req: SimRequest): SimResponse {
    const q = req.query;
    const failure = (error: string, description: string): SimResponse => ({
      status: 400,
      body: { error, error_description: description },
    });
    if (q.get("client_id") !== this.host.appId) {
      return failure("invalid_client", "client authentication failed");
    }
    const registration = this.ruNames.get(q.get("redirect_uri") ?? "");
    if (!registration) {
      return failure("invalid_request", "redirect_uri is not a RuName of this application");
    }
    if (q.get("response_type") !== "code") {
      return failure("unsupported_response_type", "response_type must be code");
    }
    const scopes = (q.get("scope") ?? "").split(/\s+/).filter(Boolean);
    if (scopes.length === 0 || !scopes.every((s) => this.host.knownScopes.includes(s))) {
      return failure("invalid_scope", "The requested scope is invalid, unknown, or malformed");
    }
    if (!this.signedIn) {
      return {
        status: 200,
        headers: { "content-type": "text/html; charset=utf-8" },
        body: "<!doctype html><title>Sign in or register | eBay</title><h1>Hello! Sign in</h1>",
      };
    }
    const state = q.get("state");
    const back = (base: string, params: Record<string, string>) => {
      const url = new URL(base);
      if (state !== null) url.searchParams.set("state", state);
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      return { status: 302, headers: { location: url.toString() } };
    };
    if (this.signedIn.decline) return back(registration.declineUrl ?? registration.acceptUrl, {});
    const code = `v^1.1#i^1#p^3#I^3#r^1#f^0#t^${randomBytes(30).toString("base64url")}`;
    this.codes.set(code, {
      username: this.signedIn.username,
      appId: this.host.appId,
      ruName: registration.ruName,
      scopes,
      expiresAt: Date.now() + AUTH_CODE_TTL_S * 1000,
    });
    return back(registration.acceptUrl, { code, expires_in: String(AUTH_CODE_TTL_S) });
  }

  /** The token endpoint's authorization_code grant; undefined for any other grant type. */
  token(req: SimRequest): SimResponse | undefined {
    const form = (req.body ?? {}) as Record<string, string>;
    if (form.grant_type !== "authorization_code") return undefined;
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
    if (clientId !== this.host.appId || secret !== this.host.certId) {
      return oauthError(401, "invalid_client", "client authentication failed");
    }
    if (!form.code || !form.redirect_uri) {
      return oauthError(
        400,
        "invalid_request",
        "request is missing a required parameter or malformed",
      );
    }
    const grant = this.codes.get(form.code);
    // A code is used once, whatever the outcome.
    this.codes.delete(form.code);
    if (
      !grant ||
      grant.expiresAt <= Date.now() ||
      grant.appId !== clientId ||
      grant.ruName !== form.redirect_uri
    ) {
      return oauthError(
        400,
        "invalid_grant",
        "the provided authorization grant code is invalid or was issued to another client",
      );
    }
    const issued = this.host.issueUserGrant(grant.username, grant.appId, grant.scopes);
    this.codeGrants += 1;
    return {
      status: 200,
      body: {
        access_token: issued.accessToken,
        expires_in: issued.expiresInS,
        refresh_token: issued.refreshToken,
        refresh_token_expires_in: REFRESH_TOKEN_TTL_S,
        token_type: "User Access Token",
      },
    };
  }

  getUser(req: SimRequest): SimResponse {
    const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
    const user = token ? this.host.userOfToken(token) : undefined;
    if (!user) {
      return {
        status: 401,
        body: {
          errors: [
            {
              errorId: 1001,
              domain: "OAuth",
              category: "REQUEST",
              message: "Invalid access token",
            },
          ],
        },
      };
    }
    if (!user.scopes.includes(SCOPE_IDENTITY)) {
      return {
        status: 403,
        body: {
          errors: [
            {
              errorId: 1100,
              domain: "ACCESS",
              category: "REQUEST",
              message: "Access denied",
              longMessage: "Insufficient permissions to fulfill the request.",
            },
          ],
        },
      };
    }
    return {
      status: 200,
      body: {
        userId: `sim-${Buffer.from(user.username).toString("hex").slice(0, 16)}`,
        username: user.username,
        accountType: "BUSINESS",
        registrationMarketplaceId: this.host.marketplaceOf(user.username),
        status: "CONFIRMED",
      },
    };
  }
}
