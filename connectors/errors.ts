/**
 * The closed set every vendor error is mapped into. Jobs decide retries from `kind` alone; the admin
 * shows `merchant` (a message code with parameters, translated there); logs get `message`.
 */
export type Platform = "amazon" | "ebay" | "shopify" | "bigcommerce";

export type ConnectorErrorKind =
  "rate_limited" | "auth_expired" | "auth_revoked" | "not_found" | "rejected" | "transient";

export interface MerchantMessage {
  /** Translation key, e.g. `connector.rejected`. */
  code: string;
  params?: Record<string, string | number>;
}

export interface ConnectorErrorInit {
  platform: Platform;
  operation: string;
  /** For the log: what happened, with vendor detail (never secrets or PII). */
  message: string;
  /** HTTP status the vendor answered, when there was one. */
  status?: number | undefined;
  /** The vendor's own error code(s), e.g. `InvalidInput`, `THROTTLED`, eBay `32100`. */
  vendorCode?: string | undefined;
  /** The vendor's message as the merchant should read it (Rejected). */
  vendorMessage?: string | undefined;
  cause?: unknown;
}

export abstract class ConnectorError extends Error {
  abstract readonly kind: ConnectorErrorKind;
  readonly platform: Platform;
  readonly operation: string;
  readonly status: number | undefined;
  readonly vendorCode: string | undefined;
  readonly vendorMessage: string | undefined;

  constructor(init: ConnectorErrorInit) {
    super(`${init.platform} ${init.operation}: ${init.message}`, { cause: init.cause });
    this.platform = init.platform;
    this.operation = init.operation;
    this.status = init.status;
    this.vendorCode = init.vendorCode;
    this.vendorMessage = init.vendorMessage;
  }

  /** Worth trying again later without anyone changing anything. */
  get retryable(): boolean {
    return this.kind === "rate_limited" || this.kind === "transient";
  }

  abstract get merchant(): MerchantMessage;

  /** Structured fields for pino (no secrets: vendor messages never carry tokens). */
  toLog() {
    return {
      kind: this.kind,
      platform: this.platform,
      operation: this.operation,
      status: this.status,
      vendorCode: this.vendorCode,
      message: this.message,
    };
  }
}

export class RateLimited extends ConnectorError {
  readonly kind = "rate_limited";
  /** How long the vendor asked us to wait (header or throttle status), in ms. */
  readonly retryAfterMs: number;
  constructor(init: ConnectorErrorInit & { retryAfterMs: number }) {
    super(init);
    this.retryAfterMs = init.retryAfterMs;
  }
  get merchant(): MerchantMessage {
    return { code: "connector.rateLimited", params: { platform: this.platform } };
  }
}

/** The access token expired and refreshing it is expected to work (refresh, then retry). */
export class AuthExpired extends ConnectorError {
  readonly kind = "auth_expired";
  get merchant(): MerchantMessage {
    return { code: "connector.authExpired", params: { platform: this.platform } };
  }
}

/** The grant is gone (revoked, refresh token invalid): the merchant must reconnect. */
export class AuthRevoked extends ConnectorError {
  readonly kind = "auth_revoked";
  get merchant(): MerchantMessage {
    return { code: "connector.authRevoked", params: { platform: this.platform } };
  }
}

export class NotFound extends ConnectorError {
  readonly kind = "not_found";
  get merchant(): MerchantMessage {
    return { code: "connector.notFound", params: { platform: this.platform } };
  }
}

/** Permanent: the vendor refused the request as invalid. Retrying the same call will not help. */
export class Rejected extends ConnectorError {
  readonly kind = "rejected";
  get merchant(): MerchantMessage {
    return {
      code: "connector.rejected",
      params: { platform: this.platform, message: this.vendorMessage ?? this.message },
    };
  }
}

/** 5xx, timeouts, connection resets: try again with backoff. */
export class Transient extends ConnectorError {
  readonly kind = "transient";
  get merchant(): MerchantMessage {
    return { code: "connector.transient", params: { platform: this.platform } };
  }
}

export function isConnectorError(error: unknown): error is ConnectorError {
  return error instanceof ConnectorError;
}

/** Network-level failures (no HTTP answer) that node and axios report by code. */
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "ERR_SOCKET_CONNECTION_TIMEOUT",
]);

/** True for errors meaning "no usable HTTP answer": resets, refusals, timeouts, aborts. */
export function isNetworkError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    const name = (e as { name?: unknown }).name;
    if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
    if (name === "AbortError" || name === "TimeoutError") return true;
    if (e instanceof TypeError && /fetch failed|terminated|socket/i.test(e.message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Parses Retry-After (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(
  value: string | null | undefined,
  now = Date.now(),
): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
