import { index, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, id, updatedAt, ownedBy } from "./columns";
import { accountStatus, marketplacePlatform } from "./enums";
import { stores } from "./stores";

/** An eBay or Amazon seller account connected to a store. */
export const marketplaceAccounts = pgTable(
  "marketplace_accounts",
  {
    id: id(),
    storeId: ownedBy("store_id", () => stores.id),
    platform: marketplacePlatform("platform").notNull(),
    /** eBay user id or Amazon selling partner id. */
    sellerId: text("seller_id").notNull(),
    displayName: text("display_name").notNull(),
    /** Amazon region (na, eu, fe) or eBay environment/site (e.g. EBAY_US). */
    region: text("region").notNull(),
    /** Amazon marketplace ids (A13V1IB3VIYZZH…) or eBay marketplace ids (EBAY_FR…). */
    marketplaceIds: text("marketplace_ids").array().notNull().default([]),
    /** Encrypted JSON: refresh token, access token and expiry (see db/encryption.ts). */
    credentialsEnc: text("credentials_enc"),
    credentialsExpireAt: timestamp("credentials_expire_at", { withTimezone: true }),
    status: accountStatus("status").notNull().default("active"),
    /** Validated by `accountSettingsSchema` (db/account-settings.ts) on every read and write. */
    settings: jsonb("settings").notNull().default({}),
    /** Last-updated timestamp the next poll starts from (minus the overlap window). */
    importCursor: timestamp("import_cursor", { withTimezone: true }),
    lastImportAt: timestamp("last_import_at", { withTimezone: true }),
    disconnectedAt: timestamp("disconnected_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("marketplace_accounts_store_seller_uq").on(t.storeId, t.platform, t.sellerId),
    index("marketplace_accounts_status_idx").on(t.status),
  ],
);

export type MarketplaceAccountRow = typeof marketplaceAccounts.$inferSelect;
export type NewMarketplaceAccountRow = typeof marketplaceAccounts.$inferInsert;

/**
 * A marketplace consent that came back while the merchant's session could not be read: BigCommerce
 * runs the app in a control-panel iframe whose (partitioned) cookie the top-level callback page does
 * not get. The callback keeps the answer here, encrypted (it holds a one-time authorization code),
 * and the next load of the app for that store finishes the connection; it is taken once and is worth
 * nothing after `expires_at` (the codes themselves expire within minutes).
 */
export const pendingConnections = pgTable(
  "pending_connections",
  {
    id: id(),
    storeId: ownedBy("store_id", () => stores.id),
    platform: marketplacePlatform("platform").notNull(),
    /** Encrypted query string of the marketplace's callback (code, state, …). */
    callbackEnc: text("callback_enc").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("pending_connections_store_idx").on(t.storeId, t.createdAt)],
);
