import { z } from "zod";

/**
 * Per-account settings, stored as jsonb in `marketplace_accounts.settings` and parsed with this
 * schema on every read and write. Every default is the safe one: hold an order rather than create
 * a wrong one, never e-mail a marketplace buyer, never count tax twice.
 */
export const accountSettingsSchema = z
  .object({
    /** Orders created before this instant are skipped (ISO date-time); unset = all. */
    importFrom: z.iso.datetime({ offset: true }).optional(),
    /** Poll interval in minutes; unset = the platform's default (respecting its read limits). */
    pollIntervalMinutes: z.number().int().min(1).max(1440).optional(),
    /** Marketplace-fulfilled orders (Amazon FBA/AFN, eBay-managed): skip, or record as fulfilled. */
    marketplaceFulfilled: z.enum(["skip", "import_as_fulfilled"]).default("skip"),
    /** When a variant is short of stock: hold the order, create it anyway, or don't check. */
    stockPolicy: z.enum(["block", "allow", "ignore"]).default("block"),
    /** Create orders in a currency the store does not sell in? Never converted either way. */
    currencyPolicy: z
      .enum(["store_currencies_only", "marketplace_currency"])
      .default("store_currencies_only"),
    /** Tax the marketplace collected and remits: record it as such on the order, or leave it out. */
    marketplaceTax: z.enum(["record", "leave_out"]).default("record"),
    /** The buyer e-mail on the store order: the marketplace's relay address, none, or a fixed one. */
    buyerEmail: z.enum(["relay", "omit", "fixed"]).default("omit"),
    fixedEmail: z.email().optional(),
    /** Name the store order after the marketplace order id instead of the store's numbering. */
    orderName: z.enum(["store_numbering", "marketplace_id"]).default("store_numbering"),
    inventory: z
      .object({
        decrement: z.boolean().default(true),
        /** Store location to decrement at (Shopify location GID); unset = the store's default. */
        locationId: z.string().min(1).optional(),
      })
      .default({ decrement: true }),
    /** Put stock back when a marketplace cancellation cancels the store order. */
    restockOnCancel: z.boolean().default(true),
    /** Extra tags on created orders (the marketplace name and order id are always added). */
    tags: z.array(z.string().trim().min(1).max(40)).max(20).default([]),
    /** Send tracking back to the marketplace (off when another shipping app already does). */
    trackingSync: z.boolean().default(true),
    /** Cancel on the marketplace when the merchant cancels the store order before shipping. */
    cancelOnMarketplace: z.boolean().default(false),
    /** Store carrier name (lower-cased) → marketplace carrier code, over the default table. */
    carrierOverrides: z.record(z.string(), z.string().min(1)).default({}),
  })
  .superRefine((settings, ctx) => {
    if (settings.buyerEmail === "fixed" && !settings.fixedEmail) {
      ctx.addIssue({
        code: "custom",
        path: ["fixedEmail"],
        message: "an address is required when the buyer e-mail is fixed",
      });
    }
  });

export type AccountSettings = z.output<typeof accountSettingsSchema>;
export type AccountSettingsInput = z.input<typeof accountSettingsSchema>;

/** Settings with every default filled in. */
export function parseAccountSettings(value: unknown): AccountSettings {
  return accountSettingsSchema.parse(value ?? {});
}

export const DEFAULT_ACCOUNT_SETTINGS: AccountSettings = parseAccountSettings({});
