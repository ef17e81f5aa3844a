import {
  AuthRevoked,
  ConnectorError,
  isNetworkError,
  NotFound,
  parseRetryAfter,
  RateLimited,
  Rejected,
  Transient,
} from "../errors";

/**
 * BigCommerce answers → the closed error set.
 * - v2 errors are an array `[{"status":400,"message":"..."}]`; v3 errors are
 *   `{"status":422,"title":"...","type":"...","errors":{field: message}}`. Both keep their message.
 * - 401: store tokens never expire, so a refused token means the app was uninstalled or the token
 *   revoked: `AuthRevoked` (the merchant must reinstall). 403 (missing OAuth scope) is the same.
 * - 429: `X-Rate-Limit-Time-Reset-Ms` (or `Retry-After`) says how long to wait.
 */
const PLATFORM = "bigcommerce" as const;

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** The vendor's own words from a v2 or v3 error body (or an OAuth `error` body). */
export function vendorMessageOf(body: unknown): string | undefined {
  if (Array.isArray(body)) {
    const messages = body
      .map((e) => (e && typeof e === "object" ? (e as { message?: unknown }).message : undefined))
      .filter((m): m is string => typeof m === "string" && m.length > 0);
    return messages.length ? messages.join("; ") : undefined;
  }
  if (body && typeof body === "object") {
    const b = body as {
      title?: unknown;
      errors?: unknown;
      error?: unknown;
      error_description?: unknown;
      message?: unknown;
    };
    const parts: string[] = [];
    if (typeof b.title === "string") parts.push(b.title);
    if (b.errors && typeof b.errors === "object" && !Array.isArray(b.errors)) {
      for (const [field, detail] of Object.entries(b.errors as Record<string, unknown>)) {
        parts.push(`${field}: ${typeof detail === "string" ? detail : JSON.stringify(detail)}`);
      }
    }
    if (typeof b.error_description === "string") parts.push(b.error_description);
    else if (typeof b.error === "string") parts.push(b.error);
    if (typeof b.message === "string") parts.push(b.message);
    return parts.length ? parts.join(" — ") : undefined;
  }
  if (typeof body === "string" && body.trim()) return body.trim().slice(0, 500);
  return undefined;
}

/** Milliseconds BigCommerce asks us to wait after a 429. */
export function retryAfterMsOf(headers: Headers): number {
  const reset = Number(headers.get("x-rate-limit-time-reset-ms"));
  if (Number.isFinite(reset) && reset > 0) return reset;
  return (
    parseRetryAfter(headers.get("retry-after")) ??
    parseRetryAfter(headers.get("x-retry-after")) ??
    1_000
  );
}

/** Maps a non-2xx answer. */
export function errorFromResponse(operation: string, answer: HttpAnswer): ConnectorError {
  const { status, body, headers } = answer;
  const vendorMessage = vendorMessageOf(body);
  const init = {
    platform: PLATFORM,
    operation,
    status,
    message: `HTTP ${status}${vendorMessage ? `: ${vendorMessage}` : ""}`,
    vendorMessage,
  };
  if (status === 429) return new RateLimited({ ...init, retryAfterMs: retryAfterMsOf(headers) });
  if (status === 401 || status === 403) return new AuthRevoked(init);
  if (status === 404) return new NotFound(init);
  if (status >= 500 || status === 408) return new Transient(init);
  return new Rejected(init);
}

/** Maps anything thrown while calling BigCommerce (fetch failures, library errors). */
export function errorFromThrown(operation: string, error: unknown): ConnectorError {
  if (error instanceof ConnectorError) return error;
  if (isNetworkError(error)) {
    return new Transient({
      platform: PLATFORM,
      operation,
      message: `network: ${(error as Error).message}`,
      cause: error,
    });
  }
  // node-bigcommerce's Request rejects with `code` = HTTP status and `responseBody` (string).
  const lib = error as { code?: unknown; responseBody?: unknown; retryAfter?: unknown };
  if (typeof lib.code === "number") {
    let body: unknown = lib.responseBody;
    if (typeof body === "string") {
      try {
        body = JSON.parse(body);
      } catch {
        // keep the text
      }
    }
    const mapped = errorFromResponse(operation, {
      status: lib.code,
      headers: new Headers(),
      body,
    });
    return mapped;
  }
  // node-bigcommerce with failOnLimitReached: a 429 rejects with `retryAfter` (seconds, or NaN
  // when BigCommerce sent no X-Retry-After).
  if ("retryAfter" in lib) {
    const seconds = Number(lib.retryAfter);
    return new RateLimited({
      platform: PLATFORM,
      operation,
      status: 429,
      message: (error as Error).message,
      retryAfterMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1_000,
      cause: error,
    });
  }
  return new Transient({
    platform: PLATFORM,
    operation,
    message: `unexpected: ${(error as Error)?.message ?? String(error)}`,
    cause: error,
  });
}
