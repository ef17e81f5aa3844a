import {
  bigserial,
  index,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { ownedBy } from "./columns";
import { marketplaceOrders } from "./orders";
import { stores } from "./stores";
import { webhookSource } from "./enums";

/** An order's timeline: every state change and external call, as a code with parameters. */
export const syncEvents = pgTable(
  "sync_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    orderId: ownedBy("order_id", () => marketplaceOrders.id),
    storeId: ownedBy("store_id", () => stores.id),
    /** e.g. `order.imported`, `order.held`, `push.sent` — translated in the admin. */
    kind: text("kind").notNull(),
    params: jsonb("params").$type<Record<string, unknown>>().notNull().default({}),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("sync_events_order_at_idx").on(t.orderId, t.at)],
);

/** Each webhook delivery we accepted, so a redelivery is recognised and does nothing. */
export const webhookReceipts = pgTable(
  "webhook_receipts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    source: webhookSource("source").notNull(),
    /** Shopify X-Shopify-Event-Id (with topic), BigCommerce payload hash, eBay notification id. */
    deliveryId: text("delivery_id").notNull(),
    topic: text("topic").notNull(),
    storeId: uuid("store_id").references(() => stores.id, { onDelete: "cascade" }),
    /** Shopify X-Shopify-Webhook-Id, kept for support requests. */
    webhookId: text("webhook_id"),
    triggeredAt: timestamp("triggered_at", { withTimezone: true }),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp("processed_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("webhook_receipts_source_delivery_uq").on(t.source, t.deliveryId),
    index("webhook_receipts_store_received_idx").on(t.storeId, t.receivedAt),
  ],
);
