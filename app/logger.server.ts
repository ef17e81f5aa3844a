import { pino, type Logger, type LoggerOptions, type DestinationStream } from "pino";

export type { Logger };

/**
 * Field names whose values never reach a log line: credentials, signatures and buyer PII.
 * pino matches each path exactly, so each name is listed at the top level and one and two levels
 * down (objects we log are shallow by design: log ids, not payloads).
 */
const SENSITIVE_KEYS = [
  "accessToken",
  "access_token",
  "accessTokenEnc",
  "refreshToken",
  "refresh_token",
  "token",
  "idToken",
  "id_token",
  "clientSecret",
  "client_secret",
  "apiSecret",
  "secret",
  "password",
  "credentials",
  "authorization",
  "Authorization",
  "cookie",
  "x-shopify-access-token",
  "X-Shopify-Access-Token",
  "x-auth-token",
  "X-Auth-Token",
  "x-amz-access-token",
  "encryptionKey",
  "email",
  "buyerEmail",
  "phone",
  "buyerName",
  "firstName",
  "lastName",
  "buyer",
  "address",
  "address1",
  "address2",
  "shippingAddress",
  "shipTo",
  "billingAddress",
] as const;

export const REDACT_PATHS = SENSITIVE_KEYS.flatMap((key) => {
  const plain = /^[A-Za-z_$][\w$]*$/.test(key);
  const at = (prefix: string) => (plain ? `${prefix}.${key}` : `${prefix}["${key}"]`);
  return [plain ? key : `["${key}"]`, at("*"), at("*.*")];
});

export function createLogger(
  config: { logLevel: string },
  destination?: DestinationStream,
): Logger {
  const options: LoggerOptions = {
    level: config.logLevel,
    base: { app: "marketsync" },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
  };
  return destination ? pino(options, destination) : pino(options);
}
