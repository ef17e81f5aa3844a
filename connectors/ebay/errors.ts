import {
  AuthExpired,
  AuthRevoked,
  type ConnectorError,
  type ConnectorErrorInit,
  isConnectorError,
  isNetworkError,
  NotFound,
  parseRetryAfter,
  RateLimited,
  Rejected,
  Transient,
} from "../errors";
import type { EbayErrorDetail } from "./types";

/**
 * Maps whatever the ebay-api library (axios underneath) throws into the closed error set.
 *
 * Decisions are made on the HTTP status first and eBay's body second, never on the library's error
 * class alone: the library names a 429 `EBayAccessDenied` (its body's domain is `ACCESS`), and any
 * 401 whose message is not exactly "Invalid access token" a plain `EBayApiError`.
 *
 * - 429 (errorId 2001 "Too many requests") → RateLimited (Retry-After when sent, else the default);
 * - 401 from the REST APIs (1001 Invalid access token, 1002 Missing access token) → AuthExpired;
 * - token endpoint `invalid_grant` / `invalid_client` / `invalid_scope`, and 403 (1100 Access denied,
 *   insufficient scope) → AuthRevoked: only the merchant reconnecting fixes those;
 * - 404 → NotFound; other 4xx → Rejected with eBay's message; 5xx, timeouts, resets → Transient.
 */

/** Used when a 429 carries no Retry-After (eBay documents none for its daily quotas). */
export const DEFAULT_RATE_LIMIT_BACKOFF_MS = 60_000;

interface ResponseMeta {
  status: number;
  headers: Record<string, unknown>;
  data: unknown;
}

/** The HTTP answer behind a library or axios error, when there was one. */
export function responseOf(error: unknown): ResponseMeta | undefined {
  const e = error as {
    meta?: { res?: { status?: unknown; headers?: unknown; data?: unknown } };
    response?: { status?: unknown; headers?: unknown; data?: unknown };
  } | null;
  const res = e?.meta?.res ?? e?.response;
  if (!res || typeof res.status !== "number") return undefined;
  return {
    status: res.status,
    headers: normalizeHeaders(res.headers),
    data: res.data,
  };
}

function normalizeHeaders(headers: unknown): Record<string, unknown> {
  if (!headers || typeof headers !== "object") return {};
  const source =
    typeof (headers as { toJSON?: unknown }).toJSON === "function"
      ? (headers as { toJSON: () => Record<string, unknown> }).toJSON()
      : (headers as Record<string, unknown>);
  return Object.fromEntries(Object.entries(source).map(([k, v]) => [k.toLowerCase(), v]));
}

/**
 * eBay REST error details from a body `{errors:[…]}`, or the Post-Order API's `{error:[…]}`
 * (its ErrorData has the same errorId/message/longMessage fields).
 */
export function ebayErrors(data: unknown): EbayErrorDetail[] {
  if (!data || typeof data !== "object") return [];
  const { errors, error } = data as { errors?: unknown; error?: unknown };
  if (Array.isArray(errors)) return errors as EbayErrorDetail[];
  return Array.isArray(error) ? (error as EbayErrorDetail[]) : [];
}

/** The message a merchant should read: eBay's long message when it has one, all errors joined. */
function vendorMessageOf(details: EbayErrorDetail[], fallback: string): string {
  const parts = details
    .map((d) => d.longMessage || d.message)
    .filter((m): m is string => typeof m === "string" && m.length > 0);
  return parts.length > 0 ? [...new Set(parts)].join("; ") : fallback;
}

function header(headers: Record<string, unknown>, name: string): string | undefined {
  const value = headers[name];
  return typeof value === "string" ? value : Array.isArray(value) ? String(value[0]) : undefined;
}

export interface MapOptions {
  /** Backoff when a 429 says nothing about when to come back. */
  rateLimitBackoffMs?: number;
}

export function mapEbayError(
  error: unknown,
  operation: string,
  options: MapOptions = {},
): ConnectorError {
  if (isConnectorError(error)) return error;
  const base: Pick<ConnectorErrorInit, "platform" | "operation" | "cause"> = {
    platform: "ebay",
    operation,
    cause: error,
  };
  const res = responseOf(error);

  if (!res) {
    if (isNetworkError(error) || isAxiosTimeout(error)) {
      return new Transient({ ...base, message: `no answer from eBay: ${describe(error)}` });
    }
    // Library-side failures without an HTTP exchange (e.g. "Missing credentials"): nothing the
    // vendor refused, so retrying later is the honest classification.
    return new Transient({ ...base, message: `eBay call failed: ${describe(error)}` });
  }

  const { status, headers, data } = res;
  const details = ebayErrors(data);
  const first = details[0];
  const oauth = oauthError(data);
  const vendorCode =
    oauth?.error ?? (details.length ? details.map((d) => d.errorId).join(",") : undefined);
  const fallbackMessage = oauth?.error_description || oauth?.error || `HTTP ${status}`;
  const vendorMessage = vendorMessageOf(details, fallbackMessage);
  const init: ConnectorErrorInit = {
    ...base,
    status,
    vendorCode,
    vendorMessage,
    message: `HTTP ${status}${first?.errorId ? ` errorId ${first.errorId}` : ""}: ${first?.message ?? fallbackMessage}`,
  };

  if (status === 429) {
    const retryAfterMs =
      parseRetryAfter(header(headers, "retry-after")) ??
      options.rateLimitBackoffMs ??
      DEFAULT_RATE_LIMIT_BACKOFF_MS;
    return new RateLimited({ ...init, retryAfterMs });
  }
  if (
    oauth &&
    ["invalid_grant", "invalid_client", "invalid_scope", "unauthorized_client"].includes(
      oauth.error,
    )
  ) {
    return new AuthRevoked(init);
  }
  if (status === 401) return new AuthExpired(init);
  if (status === 403) return new AuthRevoked(init);
  if (status === 404) return new NotFound(init);
  if (status >= 500) return new Transient(init);
  if (status === 408) return new Transient(init);
  return new Rejected(init);
}

function oauthError(data: unknown): { error: string; error_description?: string } | undefined {
  if (!data || typeof data !== "object") return undefined;
  const error = (data as { error?: unknown }).error;
  if (typeof error !== "string") return undefined;
  const description = (data as { error_description?: unknown }).error_description;
  return typeof description === "string" ? { error, error_description: description } : { error };
}

function isAxiosTimeout(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ECONNABORTED" || code === "ETIMEDOUT" || code === "ERR_CANCELED";
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" ? `${code} ${error.message}` : error.message;
  }
  return String(error);
}
