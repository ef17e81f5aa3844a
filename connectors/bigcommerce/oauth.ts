import { createHmac, timingSafeEqual } from "node:crypto";
import { Agent as HttpsAgent, type AgentOptions } from "node:https";
import { connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import BigCommerce from "node-bigcommerce";
import LibRequest from "node-bigcommerce/lib/request";
import { z } from "zod";
import { type ConnectorError, Rejected } from "../errors";
import { errorFromThrown } from "./errors";
import type { BcTokenResponse } from "./types";

/**
 * App install (OAuth authorization code) and signed-payload verification for BigCommerce.
 *
 * node-bigcommerce's `authorize(query)` builds the token request and sends it with its own
 * `Request` transport to the hard-coded host `login.bigcommerce.com:443`, passing neither an agent
 * nor a timeout, and (unless `failOnLimitReached`) re-sends forever on a 429 without
 * `X-Retry-After` (`setTimeout(…, undefined * 1000)`). So we use that same `Request` class with
 * `failOnLimitReached: true` (a 429 rejects once) and an `agent` that
 *  1. dials `endpoint` instead of login.bigcommerce.com when the upstream override is set (the
 *     library has no option for the login host; the agent is the one hook its transport honours),
 *     speaking plain HTTP when the override is `http://…` (the simulator), TLS otherwise;
 *  2. destroys a socket idle for `timeoutMs` (the library sets no timeout at all), so a silent
 *     server ends as `Transient` instead of a promise that never settles.
 * The payload is exactly what `authorize` sends (client_id, client_secret, redirect_uri,
 * grant_type=authorization_code, code, scope, context).
 */

export const LOGIN_ORIGIN = "https://login.bigcommerce.com";

export interface BigCommerceAppCredentials {
  clientId: string;
  clientSecret: string;
  /** The app's auth callback URL, as registered in the Developer Portal. */
  redirectUri: string;
  /** Upstream override (BIGCOMMERCE_ENDPOINT): replaces https://login.bigcommerce.com. */
  endpoint?: string | undefined;
  timeoutMs?: number | undefined;
}

export interface InstallGrant {
  accessToken: string;
  scope: string;
  storeHash: string;
  context: string;
  user: { id: number; email: string; username?: string | undefined };
  owner: { id: number; email: string; username?: string | undefined } | undefined;
  accountUuid: string | undefined;
}

/** An https agent that sends the library's requests to `origin` (or the real host) with a timeout. */
export class RoutingAgent extends HttpsAgent {
  constructor(
    private readonly origin: URL | undefined,
    private readonly timeoutMs: number,
    options: AgentOptions = {},
  ) {
    super({ keepAlive: false, ...options });
  }

  override createConnection(options: Record<string, unknown>): Socket {
    let socket: Socket;
    if (this.origin) {
      const host = this.origin.hostname.replace(/^\[|\]$/g, "");
      const secure = this.origin.protocol === "https:";
      const port = Number(this.origin.port) || (secure ? 443 : 80);
      socket = secure ? tlsConnect({ host, port, servername: host }) : netConnect({ host, port });
    } else {
      const real = (
        HttpsAgent.prototype as unknown as {
          createConnection(o: unknown): Socket;
        }
      ).createConnection;
      socket = real.call(this, options);
    }
    socket.setTimeout(this.timeoutMs, () => {
      socket.destroy(
        Object.assign(new Error(`no answer within ${this.timeoutMs} ms`), { code: "ETIMEDOUT" }),
      );
    });
    return socket;
  }
}

function loginRequest(credentials: BigCommerceAppCredentials): LibRequest {
  const origin = credentials.endpoint ? new URL(credentials.endpoint) : undefined;
  const agent = new RoutingAgent(origin, credentials.timeoutMs ?? 15_000);
  return new LibRequest("login.bigcommerce.com", { failOnLimitReached: true, agent });
}

/** Exchanges the `code` BigCommerce sent to the auth callback for a permanent store token. */
export async function exchangeAuthCode(
  credentials: BigCommerceAppCredentials,
  query: { code: string; scope: string; context: string },
): Promise<InstallGrant> {
  const payload = {
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
    redirect_uri: credentials.redirectUri,
    grant_type: "authorization_code",
    code: query.code,
    scope: query.scope,
    context: query.context,
  };
  let answer: unknown;
  try {
    answer = await loginRequest(credentials).run("post", "/oauth2/token", payload);
  } catch (error) {
    throw asInstallError(errorFromThrown("oauthToken", error));
  }
  const token = answer as Partial<BcTokenResponse> | undefined;
  if (!token || typeof token.access_token !== "string" || typeof token.context !== "string") {
    throw new Rejected({
      platform: "bigcommerce",
      operation: "oauthToken",
      message: "token endpoint answered without access_token/context",
    });
  }
  const storeHash = /^stores\/(.+)$/.exec(token.context)?.[1];
  if (!storeHash) {
    throw new Rejected({
      platform: "bigcommerce",
      operation: "oauthToken",
      message: `unexpected context ${token.context}`,
    });
  }
  return {
    accessToken: token.access_token,
    scope: token.scope ?? query.scope,
    storeHash,
    context: token.context,
    user: token.user ?? { id: 0, email: "" },
    owner: token.owner,
    accountUuid: token.account_uuid,
  };
}

/** On the install call a refused grant is the merchant's request being invalid, not a revocation. */
function asInstallError(error: ConnectorError): ConnectorError {
  if (error.kind !== "auth_revoked") return error;
  return new Rejected({
    platform: "bigcommerce",
    operation: error.operation,
    message: error.message,
    status: error.status,
    vendorMessage: error.vendorMessage,
    cause: error,
  });
}

/**
 * The claims of BigCommerce's `signed_payload_jwt` (developer docs, "Handling callbacks"): the
 * callbacks read `user.id` and `user.locale`, so a token signed with our secret but without them is
 * refused like a forged one instead of failing later on a missing property.
 */
const bigCommerceAccount = z.object({ id: z.number().int().positive(), email: z.string() });
const signedPayloadClaims = z.object({
  aud: z.string(),
  iss: z.string(),
  iat: z.number(),
  nbf: z.number().optional(),
  exp: z.number(),
  sub: z.string(),
  user: bigCommerceAccount.extend({ locale: z.string().optional() }),
  owner: bigCommerceAccount.optional(),
  url: z.string().optional(),
  channel_id: z.number().int().nullable().optional(),
});

export type SignedPayloadClaims = z.infer<typeof signedPayloadClaims> & {
  /** `sub` without its `stores/` prefix. */
  storeHash: string;
};

function invalid(reason: string): Rejected {
  return new Rejected({
    platform: "bigcommerce",
    operation: "verifySignedPayload",
    message: `signed_payload_jwt refused: ${reason}`,
    vendorMessage: reason,
  });
}

function base64UrlDecode(part: string): Buffer {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) throw invalid("not base64url");
  return Buffer.from(part, "base64url");
}

/**
 * Verifies `signed_payload_jwt` (load, uninstall, remove_user callbacks): HS256 signed with the
 * client secret, `aud` = client id, `iss` = "bc", inside its validity window (30 s leeway).
 * node-bigcommerce only knows the legacy `signed_payload`; JWT checking is a few lines of crypto.
 */
export function verifySignedPayloadJwt(
  jwt: string,
  app: { clientId: string; clientSecret: string },
  now: Date = new Date(),
): SignedPayloadClaims {
  const parts = jwt.split(".");
  if (parts.length !== 3) throw invalid("not a JWT");
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  let header: unknown;
  let claims: unknown;
  try {
    header = JSON.parse(base64UrlDecode(headerPart).toString("utf8"));
    claims = JSON.parse(base64UrlDecode(payloadPart).toString("utf8"));
  } catch (error) {
    if (error instanceof Rejected) throw error;
    throw invalid("malformed JSON");
  }
  // `null` and arrays are JSON too: read their fields only once they are known to be objects.
  const alg = isJsonObject(header) ? header.alg : undefined;
  if (alg !== "HS256") throw invalid(`unexpected alg ${String(alg)}`);
  const expected = createHmac("sha256", app.clientSecret)
    .update(`${headerPart}.${payloadPart}`)
    .digest();
  const given = base64UrlDecode(signaturePart);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw invalid("bad signature");
  if (!isJsonObject(claims)) throw invalid("claims are not an object");
  if (claims.aud !== app.clientId) throw invalid("audience is not this app");
  if (claims.iss !== "bc") throw invalid("issuer is not bc");
  const seconds = Math.floor(now.getTime() / 1000);
  const leeway = 30;
  if (typeof claims.exp !== "number" || claims.exp + leeway < seconds) throw invalid("expired");
  if (typeof claims.nbf === "number" && claims.nbf - leeway > seconds)
    throw invalid("not yet valid");
  const storeHash = typeof claims.sub === "string" ? /^stores\/(.+)$/.exec(claims.sub)?.[1] : "";
  if (!storeHash) throw invalid("sub is not stores/{hash}");
  const parsed = signedPayloadClaims.safeParse(claims);
  if (!parsed.success) {
    // Paths only: the values may be a user's e-mail address, and this reason is logged.
    const paths = parsed.error.issues.map((issue) => issue.path.join(".") || "(root)");
    throw invalid(`malformed claims: ${[...new Set(paths)].join(", ")}`);
  }
  return { ...parsed.data, storeHash };
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Verifies the legacy `signed_payload` with node-bigcommerce's own `verify`. */
export function verifyLegacySignedPayload(
  signedPayload: string,
  app: { clientSecret: string },
): unknown {
  try {
    return new BigCommerce({ secret: app.clientSecret }).verify(signedPayload);
  } catch (error) {
    throw invalid((error as Error).message);
  }
}
