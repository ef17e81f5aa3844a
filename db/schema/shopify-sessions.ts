import { bigint, boolean, index, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Shopify OAuth sessions for `@shopify/shopify-app-session-storage-drizzle`. Its adapter writes all
 * 17 columns of its declared type (its README shows only 8), under the camelCase column names that
 * type declares. Tokens are written already encrypted
 * by app/session-storage.server.ts.
 */
export const shopifySessions = pgTable(
  "shopify_sessions",
  {
    id: text("id").primaryKey(),
    shop: text("shop").notNull(),
    state: text("state").notNull(),
    isOnline: boolean("isOnline").notNull().default(false),
    scope: text("scope"),
    expires: timestamp("expires", { mode: "date", withTimezone: true }),
    accessToken: text("accessToken").notNull(),
    userId: bigint("userId", { mode: "number" }),
    firstName: text("firstName"),
    lastName: text("lastName"),
    email: text("email"),
    accountOwner: boolean("accountOwner"),
    locale: text("locale"),
    collaborator: boolean("collaborator"),
    emailVerified: boolean("emailVerified"),
    refreshToken: text("refreshToken"),
    refreshTokenExpires: timestamp("refreshTokenExpires", { mode: "date", withTimezone: true }),
  },
  (t) => [index("shopify_sessions_shop_idx").on(t.shop)],
);
