import {
  GraphqlQueryError,
  HttpMaxRetriesError,
  HttpRequestError,
  HttpResponseError,
  HttpThrottlingError,
} from "@shopify/shopify-api";
import {
  AuthExpired,
  AuthRevoked,
  type ConnectorError,
  isConnectorError,
  isNetworkError,
  NotFound,
  RateLimited,
  Rejected,
  Transient,
} from "../errors";
import type { CostExtension, GraphqlErrorEntry, UserError } from "./types";

/**
 * Shopify / @shopify/shopify-api errors → the closed set.
 * - HTTP 200 + `errors[].extensions.code = THROTTLED` → RateLimited, waiting for the cost deficit
 *   to refill at the restore rate;
 * - other GraphQL errors (invalid variables, unknown ids, ACCESS_DENIED) → Rejected with the message;
 * - 401 → AuthExpired when tokens expire (a refresh should help), else AuthRevoked; 402/403/423
 *   (frozen, forbidden, locked shop) → AuthRevoked; 404 → NotFound; 429 → RateLimited;
 *   5xx → Transient; other 4xx → Rejected;
 * - no HTTP answer (reset, refused, our timeout's abort): the library reports HttpRequestError →
 *   Transient.
 */

const P = "shopify" as const;

export interface MapOptions {
  operation: string;
  /** Tokens expire and can be refreshed (expiring offline tokens). */
  expiringTokens?: boolean;
}

export function mapShopifyError(error: unknown, options: MapOptions): ConnectorError {
  const { operation } = options;
  if (isConnectorError(error)) return error;

  if (error instanceof GraphqlQueryError) {
    const body = error.body as
      | { errors?: { graphQLErrors?: GraphqlErrorEntry[] }; extensions?: { cost?: CostExtension } }
      | undefined;
    const entries = body?.errors?.graphQLErrors ?? [];
    const throttled = entries.find((e) => e.extensions?.code === "THROTTLED");
    if (throttled) {
      return new RateLimited({
        platform: P,
        operation,
        status: 200,
        vendorCode: "THROTTLED",
        message: throttled.message,
        retryAfterMs: throttleWaitMs(body?.extensions?.cost),
        cause: error,
      });
    }
    const codes = entries.map((e) => e.extensions?.code).filter(Boolean);
    const message = entries.map((e) => e.message).join("; ") || error.message;
    if (codes.includes("ACCESS_DENIED")) {
      return new AuthRevoked({
        platform: P,
        operation,
        status: 200,
        vendorCode: "ACCESS_DENIED",
        vendorMessage: message,
        message,
        cause: error,
      });
    }
    if (codes.includes("INTERNAL_SERVER_ERROR")) {
      return new Transient({ platform: P, operation, status: 200, message, cause: error });
    }
    return new Rejected({
      platform: P,
      operation,
      status: 200,
      vendorCode: codes.join(",") || undefined,
      vendorMessage: message,
      message,
      cause: error,
    });
  }

  if (error instanceof HttpResponseError) {
    const status = error.response.code;
    const message = `HTTP ${status} ${error.response.statusText}`.trim();
    const base = { platform: P, operation, status, message, cause: error };
    if (error instanceof HttpThrottlingError || status === 429) {
      const retryAfter = (error as HttpThrottlingError).response.retryAfter;
      return new RateLimited({
        ...base,
        retryAfterMs: retryAfter !== undefined ? retryAfter * 1000 : 1000,
      });
    }
    if (status === 401) {
      return options.expiringTokens ? new AuthExpired(base) : new AuthRevoked(base);
    }
    if (status === 402 || status === 403 || status === 423) return new AuthRevoked(base);
    if (status === 404) return new NotFound(base);
    if (status >= 500) return new Transient(base);
    return new Rejected({ ...base, vendorMessage: message });
  }

  if (error instanceof HttpRequestError || error instanceof HttpMaxRetriesError) {
    return new Transient({ platform: P, operation, message: error.message, cause: error });
  }
  if (isNetworkError(error)) {
    return new Transient({ platform: P, operation, message: String(error), cause: error });
  }
  return new Transient({
    platform: P,
    operation,
    message: `unexpected: ${error instanceof Error ? error.message : String(error)}`,
    cause: error,
  });
}

/** How long until the bucket holds the requested cost again (ms, at least 100). */
export function throttleWaitMs(cost: CostExtension | undefined): number {
  if (!cost?.throttleStatus) return 1000;
  const { currentlyAvailable, restoreRate } = cost.throttleStatus;
  const deficit = Math.max(0, cost.requestedQueryCost - currentlyAvailable);
  if (!(restoreRate > 0)) return 1000;
  return Math.max(100, Math.ceil((deficit / restoreRate) * 1000));
}

/** Mutation `userErrors` → Rejected carrying Shopify's messages (NotFound for NOT_FOUND). */
export function userErrorsToError(
  errors: UserError[],
  operation: string,
): ConnectorError | undefined {
  if (errors.length === 0) return undefined;
  const message = errors
    .map((e) => (e.field?.length ? `${e.field.join(".")}: ${e.message}` : e.message))
    .join("; ");
  const codes = errors.map((e) => e.code).filter((c): c is string => Boolean(c));
  const init = {
    platform: P,
    operation,
    status: 200,
    vendorCode: codes.join(",") || undefined,
    vendorMessage: message,
    message,
  };
  if (codes.length > 0 && codes.every((c) => c === "NOT_FOUND")) return new NotFound(init);
  return new Rejected(init);
}

/** The token endpoint refused the refresh token: the merchant must reconnect. */
export function mapRefreshError(error: unknown): ConnectorError {
  const mapped = mapShopifyError(error, { operation: "refreshToken" });
  if (mapped instanceof Rejected || mapped instanceof AuthExpired || mapped instanceof NotFound) {
    return new AuthRevoked({
      platform: P,
      operation: "refreshToken",
      status: mapped.status,
      message: `refresh refused: ${mapped.message}`,
      cause: error,
    });
  }
  return mapped;
}
