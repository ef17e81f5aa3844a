import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { marketplaceAccounts } from "./accounts";
import { createdAt, id, updatedAt, ownedBy } from "./columns";
import { pushState } from "./enums";
import { marketplaceOrders, type ReasonCode } from "./orders";
import { stores } from "./stores";

export interface ShipmentLine {
  /** Marketplace line id the store's fulfilled line maps to. */
  lineId: string;
  quantity: number;
}

/** A Shopify fulfillment or BigCommerce shipment of an imported order. */
export const shipments = pgTable(
  "shipments",
  {
    id: id(),
    orderId: ownedBy("order_id", () => marketplaceOrders.id),
    storeId: ownedBy("store_id", () => stores.id),
    storeFulfillmentId: text("store_fulfillment_id").notNull(),
    /** Carrier as the store names it (Shopify tracking company / BigCommerce provider). */
    carrier: text("carrier"),
    trackingNumber: text("tracking_number"),
    trackingUrl: text("tracking_url"),
    lines: jsonb("lines").$type<ShipmentLine[]>().notNull().default([]),
    shippedAt: timestamp("shipped_at", { withTimezone: true }).notNull(),
    /** The store's own updated_at: a webhook older than this is ignored. */
    sourceUpdatedAt: timestamp("source_updated_at", { withTimezone: true }).notNull(),
    cancelledAt: timestamp("cancelled_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("shipments_store_fulfillment_uq").on(t.storeId, t.storeFulfillmentId),
    index("shipments_order_idx").on(t.orderId),
  ],
);

/** One attempt to tell the marketplace about a shipment's tracking, and what it answered. */
export const trackingPushes = pgTable(
  "tracking_pushes",
  {
    id: id(),
    shipmentId: ownedBy("shipment_id", () => shipments.id),
    orderId: ownedBy("order_id", () => marketplaceOrders.id),
    accountId: ownedBy("account_id", () => marketplaceAccounts.id),
    state: pushState("state").notNull().default("pending"),
    /** Marketplace carrier code after mapping (Amazon carrierCode / eBay shippingCarrierCode). */
    carrierCode: text("carrier_code").notNull(),
    carrierName: text("carrier_name"),
    trackingNumber: text("tracking_number").notNull(),
    lines: jsonb("lines").$type<ShipmentLine[]>().notNull().default([]),
    /** eBay fulfillment id (from the Location header); Amazon returns none. */
    marketplaceFulfillmentId: text("marketplace_fulfillment_id"),
    attempts: integer("attempts").notNull().default(0),
    lastError: jsonb("last_error").$type<ReasonCode>(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    confirmedAt: timestamp("confirmed_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // The same tracking for the same shipment is pushed once, however often the webhook arrives.
    uniqueIndex("tracking_pushes_shipment_tracking_uq").on(t.shipmentId, t.trackingNumber),
    index("tracking_pushes_order_idx").on(t.orderId),
    index("tracking_pushes_account_state_idx").on(t.accountId, t.state),
  ],
);

export type ShipmentRow = typeof shipments.$inferSelect;
export type TrackingPushRow = typeof trackingPushes.$inferSelect;
