import { z } from "zod";

/**
 * The one place that reads the environment (ESLint bans `process.env` elsewhere).
 * Everything below the app layer receives plain values, so tests can build them directly.
 */

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const flag = z
  .enum(["1", "0", "true", "false", "yes", "no", ""])
  .optional()
  .transform((v) => v === "1" || v === "true" || v === "yes");

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const optionalUrl = optionalString.pipe(z.url().optional());

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  MARKETSYNC_DEMO: flag,
  HOST: optionalString,
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
      .optional(),
  ),
  MARKETSYNC_DATA_DIR: z.string().default(".data"),
  MARKETSYNC_ENCRYPTION_KEY: optionalString,
  SHOPIFY_API_KEY: optionalString,
  SHOPIFY_API_SECRET: optionalString,
  SHOPIFY_APP_URL: optionalString.pipe(z.url().optional()),
  SCOPES: optionalString,
  /** Public origin the platforms call back (webhooks); defaults to SHOPIFY_APP_URL. */
  MARKETSYNC_PUBLIC_URL: optionalUrl,
  /** eBay Marketplace Account Deletion: the verification token entered in the developer portal. */
  EBAY_VERIFICATION_TOKEN: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{32,80}$/, "must be 32-80 letters, digits, _ or - (eBay's rule)")
      .optional(),
  ),
  BIGCOMMERCE_CLIENT_ID: optionalString,
  BIGCOMMERCE_CLIENT_SECRET: optionalString,
  /** The app's id in the Developer Portal (digits): links back into the app in the control panel. */
  BIGCOMMERCE_APP_ID: optionalString.pipe(
    z.string().regex(/^\d+$/, "must be the app's numeric id").optional(),
  ),
  SHOP_CUSTOM_DOMAIN: optionalString,
  AMAZON_LWA_CLIENT_ID: optionalString,
  AMAZON_LWA_CLIENT_SECRET: optionalString,
  EBAY_APP_ID: optionalString,
  EBAY_CERT_ID: optionalString,
  /** eBay's name for our OAuth redirect (developer portal → User Tokens), sent as redirect_uri. */
  EBAY_RU_NAME: optionalString,
  /** SP-API application id (amzn1.sp.solution.…) that the Seller Central consent page shows. */
  AMAZON_SP_APP_ID: optionalString.pipe(
    z
      .string()
      .regex(/^amzn1\.[a-z.-]+\.[A-Za-z0-9.-]+$/, "must be an amzn1.… application id")
      .optional(),
  ),
  /** The SP-API application is still a draft: consent URLs carry version=beta. */
  AMAZON_SP_APP_DRAFT: flag,
  MARKETSYNC_WORKER: z.enum(["in-process", "off"]).default("in-process"),
  AMAZON_ENDPOINT: optionalUrl,
  EBAY_ENDPOINT: optionalUrl,
  SHOPIFY_ENDPOINT: optionalUrl,
  BIGCOMMERCE_ENDPOINT: optionalUrl,
  /** SMTP server for the alert digest (`smtp://` or `smtps://`, credentials in the URL). */
  SMTP_URL: optionalString.pipe(
    z
      .string()
      .regex(/^smtps?:\/\/[^\s]+$/, "must be an smtp:// or smtps:// URL")
      .optional(),
  ),
  /** Sender of the alert digest: `alerts@example.com` or `Marketsync <alerts@example.com>`. */
  ALERTS_FROM: optionalString.pipe(
    z
      .string()
      .regex(/^([^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, "must be an e-mail address")
      .optional(),
  ),
});

/** Variables a real (non-demo) deployment cannot run without. */
const REQUIRED_OUTSIDE_DEMO = [
  "MARKETSYNC_ENCRYPTION_KEY",
  "SHOPIFY_API_KEY",
  "SHOPIFY_API_SECRET",
  "SHOPIFY_APP_URL",
] as const;

export const DEFAULT_SCOPES = "write_orders,read_products,read_fulfillments,read_inventory";

export interface ShopifyConfig {
  apiKey: string;
  apiSecret: string;
  appUrl: string;
  scopes: string[];
  customShopDomains: string[];
}

export interface AppConfig {
  nodeEnv: "development" | "production" | "test";
  demo: boolean;
  host: string;
  port: number;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Postgres URL, or undefined for the embedded PGlite database under `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** Raw key ring spec (`kid:base64key,...`); undefined only in demo mode, which makes its own key. */
  encryptionKey: string | undefined;
  /** Undefined in demo mode: the demo runs without Shopify. */
  shopify: ShopifyConfig | undefined;
  /**
   * Upstream overrides: when set, all of that platform's traffic (OAuth/token endpoints included)
   * goes to this origin with the real API's paths — the simulators, or a vendor sandbox proxy.
   */
  endpoints: {
    amazon: string | undefined;
    ebay: string | undefined;
    shopify: string | undefined;
    bigcommerce: string | undefined;
  };
  /** Marketsync's own app credentials on the marketplaces (per-seller grants are in the database). */
  apps: {
    amazon: { clientId: string; clientSecret: string } | undefined;
    ebay: { appId: string; certId: string } | undefined;
    bigcommerce: { clientId: string; clientSecret: string; appId?: string } | undefined;
  };
  /**
   * What the sellers' consent flows need besides the app credentials: eBay's RuName, Amazon's
   * application id. Undefined: that marketplace cannot be connected from the admin.
   */
  consent: {
    ebay: { ruName: string } | undefined;
    amazon: { applicationId: string; draft: boolean } | undefined;
  };
  /**
   * Origin the platforms reach us at, for webhook callback URLs; undefined when unknown (then no
   * subscription is registered). The demo uses its own loopback address.
   */
  publicUrl: string | undefined;
  /** eBay account-deletion endpoint's verification token (undefined: the endpoint answers 503). */
  ebayVerificationToken: string | undefined;
  /** `in-process`: the web process also works jobs; `off`: only `npm run worker` processes do. */
  worker: "in-process" | "off";
  /** Where the alert digest is sent through; undefined: no e-mail is sent. Secret (credentials). */
  alertsMail: { smtpUrl: string; from: string } | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses an environment; pure, so tests pass their own. `argv` carries the `--demo` flag. */
export function parseConfig(
  env: Record<string, string | undefined>,
  argv: readonly string[] = [],
): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join(".") || "environment"}: ${i.message}`),
    );
  }
  const e = parsed.data;
  const demo = e.MARKETSYNC_DEMO || argv.includes("--demo");
  const problems: string[] = [];

  if (demo && e.NODE_ENV === "production") {
    problems.push("MARKETSYNC_DEMO: demo mode refuses to start with NODE_ENV=production");
  }
  if (!demo) {
    for (const name of REQUIRED_OUTSIDE_DEMO) {
      if (!e[name]) problems.push(`${name}: required (set it, or run the demo with --demo)`);
    }
  }
  const host = e.HOST ?? (demo ? "127.0.0.1" : "0.0.0.0");
  if (demo && !isLoopback(host)) {
    problems.push(`HOST: demo mode binds to loopback only, got ${host}`);
  }
  if (e.SMTP_URL && !e.ALERTS_FROM) {
    problems.push("ALERTS_FROM: required with SMTP_URL (the digest's sender address)");
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const shopify =
    e.SHOPIFY_API_KEY && e.SHOPIFY_API_SECRET && e.SHOPIFY_APP_URL
      ? {
          apiKey: e.SHOPIFY_API_KEY,
          apiSecret: e.SHOPIFY_API_SECRET,
          appUrl: e.SHOPIFY_APP_URL,
          scopes: (e.SCOPES ?? DEFAULT_SCOPES)
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean),
          customShopDomains: e.SHOP_CUSTOM_DOMAIN ? [e.SHOP_CUSTOM_DOMAIN] : [],
        }
      : undefined;

  return {
    nodeEnv: e.NODE_ENV,
    demo,
    host,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.MARKETSYNC_DATA_DIR,
    encryptionKey: e.MARKETSYNC_ENCRYPTION_KEY,
    shopify: demo ? undefined : shopify,
    apps: {
      amazon:
        e.AMAZON_LWA_CLIENT_ID && e.AMAZON_LWA_CLIENT_SECRET
          ? { clientId: e.AMAZON_LWA_CLIENT_ID, clientSecret: e.AMAZON_LWA_CLIENT_SECRET }
          : undefined,
      ebay:
        e.EBAY_APP_ID && e.EBAY_CERT_ID
          ? { appId: e.EBAY_APP_ID, certId: e.EBAY_CERT_ID }
          : undefined,
      bigcommerce:
        e.BIGCOMMERCE_CLIENT_ID && e.BIGCOMMERCE_CLIENT_SECRET
          ? {
              clientId: e.BIGCOMMERCE_CLIENT_ID,
              clientSecret: e.BIGCOMMERCE_CLIENT_SECRET,
              ...(e.BIGCOMMERCE_APP_ID ? { appId: e.BIGCOMMERCE_APP_ID } : {}),
            }
          : undefined,
    },
    consent: {
      ebay: e.EBAY_RU_NAME ? { ruName: e.EBAY_RU_NAME } : undefined,
      amazon: e.AMAZON_SP_APP_ID
        ? { applicationId: e.AMAZON_SP_APP_ID, draft: e.AMAZON_SP_APP_DRAFT }
        : undefined,
    },
    publicUrl: (e.MARKETSYNC_PUBLIC_URL ?? e.SHOPIFY_APP_URL)?.replace(/\/+$/, ""),
    ebayVerificationToken: e.EBAY_VERIFICATION_TOKEN,
    worker: e.MARKETSYNC_WORKER,
    alertsMail:
      e.SMTP_URL && e.ALERTS_FROM ? { smtpUrl: e.SMTP_URL, from: e.ALERTS_FROM } : undefined,
    endpoints: {
      amazon: e.AMAZON_ENDPOINT,
      ebay: e.EBAY_ENDPOINT,
      shopify: e.SHOPIFY_ENDPOINT,
      bigcommerce: e.BIGCOMMERCE_ENDPOINT,
    },
  };
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

const CACHE = Symbol.for("marketsync.config");
type Cache = { [CACHE]?: AppConfig };

/**
 * The process's configuration, parsed once. Cached on globalThis because the server entry and the
 * Remix server bundle each carry their own copy of this module but must agree.
 */
export function getConfig(): AppConfig {
  const g = globalThis as Cache;
  g[CACHE] ??= parseConfig(process.env, process.argv.slice(2));
  return g[CACHE];
}
