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
    /** `create`: the shipment's first tracking; `update`: the store changed the tracking afterwards. */
    kind: text("kind").$type<"create" | "update">().notNull().default("create"),
    /** Format warnings on the tracking number (sent anyway), for the order detail page. */
    warnings: jsonb("warnings").$type<ReasonCode[]>().notNull().default([]),
    /** Read-backs done after `sent` without seeing the shipment on the marketplace. */
    verifyAttempts: integer("verify_attempts").notNull().default(0),
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

/** A customers/data_request from the store: the export we produced for the merchant to hand over. */
export const dataRequests = pgTable(
  "data_requests",
  {
    id: id(),
    storeId: ownedBy("store_id", () => stores.id),
    /** Shopify `data_request.id` (or another platform's request reference). */
    requestRef: text("request_ref").notNull(),
    /** Encrypted JSON export of everything we hold about the customer. */
    exportEnc: text("export_enc"),
    orderCount: integer("order_count").notNull().default(0),
    createdAt: createdAt(),
    completedAt: timestamp("completed_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("data_requests_store_ref_uq").on(t.storeId, t.requestRef)],
);

export type DataRequestRow = typeof dataRequests.$inferSelect;
export type ShipmentRow = typeof shipments.$inferSelect;
export type TrackingPushRow = typeof trackingPushes.$inferSelect;
