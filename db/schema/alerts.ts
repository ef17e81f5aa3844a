import { boolean, index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { marketplaceAccounts } from "./accounts";
import { createdAt, id, ownedBy, updatedAt } from "./columns";
import { stores } from "./stores";

/** The events a merchant can be alerted about, in the app banner and the e-mail digest. */
export const ALERT_EVENTS = ["held_orders", "failed_pushes", "needs_reconnect"] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];

/** One store's e-mail digest preferences (no row: no digest). */
export const alertSettings = pgTable("alert_settings", {
  storeId: uuid("store_id")
    .primaryKey()
    .references(() => stores.id, { onDelete: "cascade" }),
  digestEnabled: boolean("digest_enabled").notNull().default(false),
  /** Merchant's own address for the digest; validated by the settings form. */
  email: text("email"),
  events: text("events").array().$type<AlertEvent[]>().notNull().default([]),
  /** Language of the admin who last saved the settings: the digest is written in it. */
  locale: text("locale").notNull().default("en"),
  /** Only what happened after the last digest is reported again. */
  lastDigestAt: timestamp("last_digest_at", { withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * An "Import now" or backfill the merchant asked for: the poll job it enqueued, so the accounts
 * page can show its progress (from the job's state and the orders touched since `requestedAt`).
 */
export const importRequests = pgTable(
  "import_requests",
  {
    id: id(),
    storeId: ownedBy("store_id", () => stores.id),
    accountId: ownedBy("account_id", () => marketplaceAccounts.id),
    reason: text("reason").$type<"manual" | "backfill">().notNull(),
    sinceDays: integer("since_days"),
    jobId: text("job_id").notNull(),
    requestedAt: timestamp("requested_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("import_requests_account_requested_idx").on(t.accountId, t.requestedAt.desc())],
);

export type AlertSettingsRow = typeof alertSettings.$inferSelect;
export type ImportRequestRow = typeof importRequests.$inferSelect;
