import { sql } from "drizzle-orm";
import { type AnyPgColumn, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { marketplaceAccounts } from "./accounts";
import { createdAt, id, updatedAt, ownedBy } from "./columns";
import { marketplacePlatform } from "./enums";
import { stores } from "./stores";

/** A null account means "all accounts"; coalesced so that two store-wide rows still collide. */
const scope = (accountId: AnyPgColumn) =>
  sql`coalesce(${accountId}, '00000000-0000-0000-0000-000000000000'::uuid)`;

/**
 * Marketplace SKU → store SKU/variant, for one account or (account null) all of the store's
 * accounts. Looked up case-insensitively, trimmed, as the pre-check does.
 */
export const skuMappings = pgTable(
  "sku_mappings",
  {
    id: id(),
    storeId: ownedBy("store_id", () => stores.id),
    accountId: uuid("account_id").references(() => marketplaceAccounts.id, {
      onDelete: "cascade",
    }),
    marketplaceSku: text("marketplace_sku").notNull(),
    storeSku: text("store_sku").notNull(),
    /** Resolved store variant (Shopify GID or BigCommerce product:variant), when known. */
    variantRef: text("variant_ref"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("sku_mappings_scope_sku_uq").on(
      t.storeId,
      scope(t.accountId),
      sql`lower(btrim(${t.marketplaceSku}))`,
    ),
  ],
);

/** Per-store or per-account override of the default carrier table (store carrier → marketplace code). */
export const carrierMappings = pgTable(
  "carrier_mappings",
  {
    id: id(),
    storeId: ownedBy("store_id", () => stores.id),
    accountId: uuid("account_id").references(() => marketplaceAccounts.id, {
      onDelete: "cascade",
    }),
    marketplace: marketplacePlatform("marketplace").notNull(),
    /** Carrier as the store names it, compared lower-cased and trimmed. */
    storeCarrier: text("store_carrier").notNull(),
    marketplaceCarrierCode: text("marketplace_carrier_code").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("carrier_mappings_scope_carrier_uq").on(
      t.storeId,
      scope(t.accountId),
      t.marketplace,
      sql`lower(btrim(${t.storeCarrier}))`,
    ),
  ],
);
