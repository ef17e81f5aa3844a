import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  char,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { marketplaceAccounts } from "./accounts";
import { createdAt, id, updatedAt, ownedBy } from "./columns";
import { linkState, marketplacePlatform, orderState, trackingState } from "./enums";
import { stores } from "./stores";

/** Money columns hold integer minor units (cents); `mode: "number"` is exact below 2^53. */
const minor = (name: string) => bigint(name, { mode: "number" }).notNull().default(0);

/** A reason stored as a code with parameters, rendered in the merchant's language by the admin. */
export interface ReasonCode {
  code: string;
  params?: Record<string, string | number>;
}

/** An order as the marketplace sent it, normalized, with where it stands in the import pipeline. */
export const marketplaceOrders = pgTable(
  "marketplace_orders",
  {
    id: id(),
    accountId: ownedBy("account_id", () => marketplaceAccounts.id),
    /** Denormalized from the account: every admin query filters by store first. */
    storeId: ownedBy("store_id", () => stores.id),
    marketplace: marketplacePlatform("marketplace").notNull(),
    marketplaceOrderId: text("marketplace_order_id").notNull(),
    /** The marketplace's own status word (Unshipped, PAID, …), for display and pre-checks. */
    marketplaceStatus: text("marketplace_status").notNull(),
    state: orderState("state").notNull().default("new"),
    trackingState: trackingState("tracking_state").notNull().default("none"),
    currency: char("currency", { length: 3 }).notNull(),
    subtotalMinor: minor("subtotal_minor"),
    shippingMinor: minor("shipping_minor"),
    taxMinor: minor("tax_minor"),
    discountMinor: minor("discount_minor"),
    totalMinor: minor("total_minor"),
    /** Encrypted JSON (buyer name, e-mail, phone): PII never sits in plaintext. */
    buyerEnc: text("buyer_enc"),
    /** Encrypted JSON shipping address. */
    shipToEnc: text("ship_to_enc"),
    /** Country alone stays clear: pre-checks and filters need it and it identifies nobody. */
    shipCountry: char("ship_country", { length: 2 }),
    /** Encrypted raw marketplace payload, kept for support and re-mapping. */
    rawEnc: text("raw_enc"),
    /** Encrypted normalized order (connectors/types.ts MarketplaceOrder) the pipeline works from. */
    snapshotEnc: text("snapshot_enc"),
    fulfilledByMarketplace: boolean("fulfilled_by_marketplace").notNull().default(false),
    cancellationRequested: boolean("cancellation_requested").notNull().default(false),
    /** Each pre-check's last result, for the order detail page. */
    checkResults: jsonb("check_results")
      .$type<{ name: string; result: string; reasons?: ReasonCode[] }[]>()
      .notNull()
      .default([]),
    holdReasons: jsonb("hold_reasons").$type<ReasonCode[]>().notNull().default([]),
    marketplaceCreatedAt: timestamp("marketplace_created_at", { withTimezone: true }).notNull(),
    marketplaceUpdatedAt: timestamp("marketplace_updated_at", { withTimezone: true }).notNull(),
    /**
     * Keyed hash (HMAC, see db/encryption.ts `blindIndex`) of the buyer's marketplace user id, so an
     * eBay account-deletion notice can find that buyer's orders without storing the id in clear.
     */
    buyerKey: text("buyer_key"),
    /**
     * Blind indexes (db/buyer-search.ts) of the buyer's normalized name and e-mail, so the admin
     * can find a buyer's orders by exact name or e-mail without decrypting every row. NULL: not
     * indexed yet (orders stored before the index existed); the worker's `orders.index_buyers`
     * job fills them in (db/buyer-search-backfill.ts).
     */
    buyerSearchKeys: text("buyer_search_keys").array(),
    /** When every line was confirmed shipped to the marketplace (or the marketplace said shipped). */
    shippedAt: timestamp("shipped_at", { withTimezone: true }),
    /** When buyer PII was purged (30 days after shipment, the Amazon data protection rule). */
    piiPurgedAt: timestamp("pii_purged_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("marketplace_orders_account_order_uq").on(t.accountId, t.marketplaceOrderId),
    // The admin's list: newest first within a store, optionally narrowed by state or marketplace.
    index("marketplace_orders_store_created_idx").on(
      t.storeId,
      t.marketplaceCreatedAt.desc(),
      t.id,
    ),
    index("marketplace_orders_store_state_created_idx").on(
      t.storeId,
      t.state,
      t.marketplaceCreatedAt.desc(),
    ),
    index("marketplace_orders_store_marketplace_created_idx").on(
      t.storeId,
      t.marketplace,
      t.marketplaceCreatedAt.desc(),
    ),
    index("marketplace_orders_store_tracking_idx")
      .on(t.storeId, t.trackingState, t.marketplaceCreatedAt.desc())
      .where(sql`${t.trackingState} <> 'none'`),
    index("marketplace_orders_account_created_idx").on(t.accountId, t.marketplaceCreatedAt.desc()),
    // The admin's "failed" and "awaiting shipment" filters: rare rows, possibly old, that a scan
    // of the store's newest orders could take long to reach.
    index("marketplace_orders_store_failed_idx")
      .on(t.storeId, t.marketplaceCreatedAt.desc(), t.id)
      .where(sql`${t.state} = 'failed' or ${t.trackingState} = 'failed'`),
    index("marketplace_orders_store_awaiting_idx")
      .on(t.storeId, t.marketplaceCreatedAt.desc(), t.id)
      .where(sql`${t.state} = 'imported' and ${t.trackingState} = 'none'`),
    // Admin search: a marketplace order id within the store, a buyer's blind index.
    index("marketplace_orders_store_order_id_idx").on(t.storeId, t.marketplaceOrderId),
    index("marketplace_orders_buyer_search_idx").using("gin", t.buyerSearchKeys),
    index("marketplace_orders_buyer_unindexed_idx")
      .on(t.id)
      .where(sql`${t.buyerSearchKeys} is null`),
    index("marketplace_orders_buyer_key_idx")
      .on(t.buyerKey)
      .where(sql`${t.buyerKey} is not null`),
    // The PII purge looks for shipped orders not purged yet.
    index("marketplace_orders_shipped_unpurged_idx")
      .on(t.shippedAt)
      .where(sql`${t.piiPurgedAt} is null and ${t.shippedAt} is not null`),
  ],
);

export const marketplaceOrderLines = pgTable(
  "marketplace_order_lines",
  {
    id: id(),
    orderId: ownedBy("order_id", () => marketplaceOrders.id),
    /** eBay lineItemId or Amazon OrderItemId: what a shipment confirmation must name. */
    lineId: text("line_id").notNull(),
    sku: text("sku"),
    title: text("title").notNull(),
    quantity: integer("quantity").notNull(),
    quantityShipped: integer("quantity_shipped").notNull().default(0),
    unitPriceMinor: minor("unit_price_minor"),
    taxMinor: minor("tax_minor"),
    discountMinor: minor("discount_minor"),
    /** Store variant this line resolved to (Shopify GID or BigCommerce product:variant). */
    variantRef: text("variant_ref"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("marketplace_order_lines_order_line_uq").on(t.orderId, t.lineId),
    index("marketplace_order_lines_sku_idx").on(sql`lower(${t.sku})`),
  ],
);

/**
 * Marketplace order ↔ store order. The row is written (state `creating`) *before* the store is
 * called, so a crash leaves a trace that makes the next attempt look the order up instead of
 * creating it twice; the unique constraint makes two workers' intents collide.
 */
export const orderLinks = pgTable(
  "order_links",
  {
    id: id(),
    orderId: ownedBy("order_id", () => marketplaceOrders.id),
    accountId: ownedBy("account_id", () => marketplaceAccounts.id),
    storeId: ownedBy("store_id", () => stores.id),
    marketplaceOrderId: text("marketplace_order_id").notNull(),
    state: linkState("state").notNull().default("creating"),
    /** Shopify order GID or BigCommerce order id; null until the store accepted the order. */
    storeOrderId: text("store_order_id"),
    /** What the merchant sees in the store admin (#1001, or the marketplace id when configured). */
    storeOrderName: text("store_order_name"),
    attempts: integer("attempts").notNull().default(0),
    /** Last time reconciliation compared the store order's fulfillments with our shipments. */
    fulfillmentsCheckedAt: timestamp("fulfillments_checked_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("order_links_account_marketplace_order_uq").on(t.accountId, t.marketplaceOrderId),
    uniqueIndex("order_links_order_uq").on(t.orderId),
    index("order_links_store_order_idx").on(t.storeId, t.storeOrderId),
    // Admin search by the order number the merchant sees in the store (#1001).
    index("order_links_store_order_name_idx").on(t.storeId, t.storeOrderName),
  ],
);

export type MarketplaceOrderRow = typeof marketplaceOrders.$inferSelect;
export type MarketplaceOrderLineRow = typeof marketplaceOrderLines.$inferSelect;
export type OrderLinkRow = typeof orderLinks.$inferSelect;
