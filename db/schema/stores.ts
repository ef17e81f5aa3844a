import { pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, updatedAt } from "./columns";
import { storePlatform } from "./enums";

/** A merchant's Shopify shop or BigCommerce store that installed Marketsync. */
export const stores = pgTable(
  "stores",
  {
    id: id(),
    platform: storePlatform("platform").notNull(),
    /** Shopify shop domain (`x.myshopify.com`) or BigCommerce store hash. */
    externalId: text("external_id").notNull(),
    name: text("name"),
    /** AES-256-GCM ciphertext (see db/encryption.ts); never plaintext. */
    accessTokenEnc: text("access_token_enc"),
    /**
     * Shopify's expiring offline tokens: the encrypted refresh token and when the access token
     * expires, so background jobs renew it themselves (db/shopify-tokens.ts). NULL: a token that
     * does not expire (BigCommerce, older Shopify installs).
     */
    refreshTokenEnc: text("refresh_token_enc"),
    accessTokenExpiresAt: timestamp("access_token_expires_at", { withTimezone: true }),
    scopes: text("scopes").notNull().default(""),
    /**
     * Encrypted per-store secret BigCommerce sends back in a custom header on every webhook
     * (registered with the hooks); Shopify signs with the app secret instead.
     */
    webhookSecretEnc: text("webhook_secret_enc"),
    /** Last time the reconciliation job checked this store's webhook subscriptions. */
    webhooksCheckedAt: timestamp("webhooks_checked_at", { withTimezone: true }),
    currency: text("currency"),
    locale: text("locale"),
    installedAt: timestamp("installed_at", { withTimezone: true }).notNull().defaultNow(),
    uninstalledAt: timestamp("uninstalled_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("stores_platform_external_id_uq").on(t.platform, t.externalId)],
);

export type StoreRow = typeof stores.$inferSelect;
export type NewStoreRow = typeof stores.$inferInsert;

/**
 * The language each Shopify staff member's admin is in. Shopify passes `?locale=` only when it
 * loads the app; the app's own navigations do not carry it, so it is remembered per user here.
 */
export const adminLocales = pgTable(
  "admin_locales",
  {
    storeId: uuid("store_id")
      .notNull()
      .references(() => stores.id, { onDelete: "cascade" }),
    /** The session token's `sub`: the staff member's Shopify user id. */
    userId: text("user_id").notNull(),
    locale: text("locale").notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.userId] })],
);
