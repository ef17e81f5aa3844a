import { pgEnum } from "drizzle-orm/pg-core";

export const storePlatform = pgEnum("store_platform", ["shopify", "bigcommerce"]);
export const marketplacePlatform = pgEnum("marketplace_platform", ["ebay", "amazon"]);

export const accountStatus = pgEnum("account_status", [
  "active",
  /** Token refresh failed: nothing is imported until the merchant reconnects. */
  "needs_reconnect",
  /** Disconnected by the merchant: jobs stop, history stays. */
  "disconnected",
]);

/** Where a marketplace order stands in the import pipeline. */
export const orderState = pgEnum("order_state", [
  "new",
  /** Not ready yet (unpaid, pending): re-checked when the marketplace order changes. */
  "waiting",
  /** A pre-check failed with a reason the merchant can fix. */
  "held",
  /** Not ours to import (marketplace-fulfilled, before the import-from date, skipped by hand). */
  "skipped",
  /** Creation intent recorded; the store call is under way or its outcome is unknown. */
  "creating",
  "imported",
  "failed",
  "cancelled",
]);

/** Aggregate tracking state of an order, for the admin's filters. */
export const trackingState = pgEnum("tracking_state", [
  "none",
  "pending",
  "sent",
  "confirmed",
  "failed",
]);

export const linkState = pgEnum("link_state", ["creating", "created", "failed"]);

export const pushState = pgEnum("push_state", [
  "pending",
  "sending",
  "sent",
  "confirmed",
  "retrying",
  "failed",
  "held",
]);

export const webhookSource = pgEnum("webhook_source", ["shopify", "bigcommerce", "ebay", "amazon"]);
