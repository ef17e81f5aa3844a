import {
  AuthExpired,
  AuthRevoked,
  type ConnectorError,
  isConnectorError,
  isNetworkError,
  NotFound,
  parseRetryAfter,
  RateLimited,
  Rejected,
  Transient,
} from "../errors";
import type { AmazonError } from "./types";

/**
 * Maps what Amazon (SP-API, LWA) or the `amazon-sp-api` library produced into the closed error
 * set of `connectors/errors.ts`. The vendor's own message is kept as `vendorMessage` so the merchant
 * reads Amazon's words for a `Rejected`.
 */

/** An HTTP answer as the library hands it back with `raw_result: true`. */
export interface AmazonHttpResult {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function header(result: AmazonHttpResult, name: string): string | undefined {
  const value = result.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** SP-API answers `x-amzn-RateLimit-Limit` as requests per second ("0.5"). */
export function rateLimitOf(result: AmazonHttpResult): number | undefined {
  const rate = Number(header(result, "x-amzn-RateLimit-Limit"));
  return Number.isFinite(rate) && rate > 0 ? rate : undefined;
}

function parseErrors(body: string): AmazonError[] {
  try {
    const parsed = JSON.parse(body) as { errors?: unknown };
    if (Array.isArray(parsed.errors)) {
      return parsed.errors.filter(
        (e): e is AmazonError => !!e && typeof (e as AmazonError).code === "string",
      );
    }
  } catch {
    // not JSON: fall through
  }
  return [];
}

function describe(errors: AmazonError[]): { code?: string; message?: string } {
  if (errors.length === 0) return {};
  return {
    code: errors.map((e) => e.code).join(","),
    message: errors.map((e) => (e.details ? `${e.message} (${e.details})` : e.message)).join("; "),
  };
}

/**
 * A non-2xx SP-API answer → the closed set. `fallbackRatePerSecond` sizes the wait of a 429 that
 * carries neither `Retry-After` nor `x-amzn-RateLimit-Limit` (Amazon documents no Retry-After).
 */
export function mapSpApiResponse(
  operation: string,
  result: AmazonHttpResult,
  fallbackRatePerSecond: number,
): ConnectorError {
  const status = result.statusCode;
  const errors = parseErrors(result.body);
  const { code, message } = describe(errors);
  const init = {
    platform: "amazon" as const,
    operation,
    status,
    vendorCode: code,
    vendorMessage: message,
    message: `HTTP ${status}${code ? ` ${code}` : ""}${message ? `: ${message}` : ""}`,
  };
  if (status === 429) {
    const rate = rateLimitOf(result) ?? fallbackRatePerSecond;
    const retryAfterMs =
      parseRetryAfter(header(result, "retry-after")) ?? Math.ceil(1000 / Math.max(rate, 1e-6));
    return new RateLimited({ ...init, retryAfterMs });
  }
  if (status === 401 || status === 403) {
    const text = errors.map((e) => `${e.message} ${e.details ?? ""}`).join(" ");
    // "The access token you provided has expired." → refresh and retry; anything else
    // (revoked, malformed, app not authorised for the seller) needs the merchant.
    if (/expired/i.test(text)) return new AuthExpired(init);
    return new AuthRevoked(init);
  }
  if (status === 404) return new NotFound(init);
  if (status >= 500) return new Transient(init);
  return new Rejected(init);
}

/** An LWA `/auth/o2/token` failure → the closed set (RFC 6749 error codes). */
export function mapLwaResponse(
  status: number,
  body: { error?: string; error_description?: string } | undefined,
  retryAfter: string | null,
): ConnectorError {
  const init = {
    platform: "amazon" as const,
    operation: "lwa.refreshToken",
    status,
    vendorCode: body?.error,
    vendorMessage: body?.error_description,
    message: `LWA token refresh HTTP ${status}${body?.error ? ` ${body.error}` : ""}${
      body?.error_description ? `: ${body.error_description}` : ""
    }`,
  };
  if (status === 429) {
    return new RateLimited({ ...init, retryAfterMs: parseRetryAfter(retryAfter) ?? 1_000 });
  }
  if (status >= 500) return new Transient(init);
  switch (body?.error) {
    // The refresh token is revoked, expired or unknown; or the app's credentials are: the
    // merchant (or operator) must authorise again.
    case "invalid_grant":
    case "invalid_client":
    case "unauthorized_client":
    case "access_denied":
      return new AuthRevoked(init);
    case "temporarily_unavailable":
    case "server_error":
      return new Transient(init);
    default:
      return new Rejected(init);
  }
}

/** Library timeout codes (`TimeoutManager`) and other codes meaning "no usable answer". */
const LIBRARY_TRANSIENT_CODES = new Set([
  "API_RESPONSE_TIMEOUT",
  "API_DEADLINE_TIMEOUT",
  "API_IDLE_TIMEOUT",
  "JSON_PARSE_ERROR",
]);

/** Anything thrown while calling (network, library, our own code) → the closed set. */
export function mapThrown(operation: string, error: unknown): ConnectorError {
  if (isConnectorError(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const init = {
    platform: "amazon" as const,
    operation,
    message: `${typeof code === "string" ? `${code}: ` : ""}${message}`,
    vendorCode: typeof code === "string" ? code : undefined,
    cause: error,
  };
  if (isNetworkError(error) || (typeof code === "string" && LIBRARY_TRANSIENT_CODES.has(code))) {
    return new Transient(init);
  }
  // Library validation (NO_VALID_REGION_PROVIDED, REQUIRED_PATH_PARAMETER_NOT_FOUND, …) and
  // anything else we cannot classify: permanent, retrying the same call would fail the same way.
  return new Rejected(init);
}
