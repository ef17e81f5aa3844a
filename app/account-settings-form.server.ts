import { and, eq } from "drizzle-orm";
import type { z } from "zod";
import {
  type AccountSettings,
  type AccountSettingsInput,
  accountSettingsSchema,
  parseAccountSettings,
} from "../db/account-settings";
import { parseCalendarDay } from "../db/calendar-day";
import type { Database } from "../db/client";
import { marketplaceAccounts } from "../db/schema";

/** The account and its settings, when it is one of this store's accounts. */
export async function loadStoreAccountSettings(db: Database, storeId: string, accountId: string) {
  const [account] = await db
    .select({
      id: marketplaceAccounts.id,
      platform: marketplaceAccounts.platform,
      displayName: marketplaceAccounts.displayName,
      settings: marketplaceAccounts.settings,
    })
    .from(marketplaceAccounts)
    .where(and(eq(marketplaceAccounts.id, accountId), eq(marketplaceAccounts.storeId, storeId)));
  if (!account) return undefined;
  return { ...account, settings: parseAccountSettings(account.settings) };
}

/** Form fields that can carry an error, as the page names them. */
export type SettingsField =
  | "importFrom"
  | "pollIntervalMinutes"
  | "marketplaceFulfilled"
  | "stockPolicy"
  | "currencyPolicy"
  | "marketplaceTax"
  | "buyerEmail"
  | "fixedEmail"
  | "orderName"
  | "inventoryLocationId"
  | "tags"
  | "carrierOverrides";

export type SettingsFieldErrors = Partial<Record<SettingsField, `settings.error.${SettingsField}`>>;

/** What is wrong with one carrier override row: the page shows it on that row's field. */
export type OverrideRowError =
  | "settings.error.override.carrierMissing"
  | "settings.error.override.codeMissing"
  | "settings.error.override.duplicate"
  | "settings.error.override.tooLong";

export type SettingsFormResult =
  | { ok: true; settings: AccountSettingsInput }
  | {
      ok: false;
      fieldErrors: SettingsFieldErrors;
      /** By the row's position in the form (blank rows count), when any row is wrong. */
      /** By the row's id as the form sent it (`overrideRow`), else by its position. */
      overrideRowErrors?: Record<string, OverrideRowError>;
    };

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === "string" ? value.trim() : "";
};
const checked = (form: FormData, name: string) => form.get(name) === "on";

/**
 * A Shopify location as the admin shows it (the number in its URL) or as the API names it (its
 * GID), as the GID; "" when blank, null when it is neither. Anything else would only fail later,
 * on every order the store is asked to create.
 */
function shopifyLocationGid(value: string): string | null {
  if (value === "") return "";
  const match = /^(?:gid:\/\/shopify\/Location\/)?(\d{1,20})$/.exec(value);
  return match ? `gid://shopify/Location/${match[1]}` : null;
}

/**
 * The settings form → account settings, validated by the same schema the database reads with.
 * Blank optional fields mean "unset" (the platform default); every error is reported against the
 * field the merchant typed it in.
 */
export function parseSettingsForm(form: FormData): SettingsFormResult {
  const fieldErrors: SettingsFieldErrors = {};
  const importFrom = text(form, "importFrom");
  let importFromIso: string | undefined;
  if (importFrom) {
    // A calendar day, from midnight UTC: the page says so next to the field.
    const date = parseCalendarDay(importFrom);
    if (!date) fieldErrors.importFrom = "settings.error.importFrom";
    else importFromIso = date.toISOString();
  }
  const poll = text(form, "pollIntervalMinutes");
  const pollIntervalMinutes = poll === "" ? undefined : Number(poll);

  const overrides: Record<string, string> = {};
  const carriers = form.getAll("overrideCarrier").map((v) => String(v).trim());
  const codes = form.getAll("overrideCode").map((v) => String(v).trim());
  // The page names each row, so that an error stays on its row when the merchant removes
  // another row before saving again; a form without ids (no JavaScript) falls back to positions.
  const rowIds = form.getAll("overrideRow").map(String);
  const idsUsable =
    rowIds.length === carriers.length &&
    rowIds.every((id) => /^\d{1,9}$/.test(id)) &&
    new Set(rowIds).size === rowIds.length;
  const overrideRowErrors: Record<string, OverrideRowError> = {};
  carriers.forEach((carrier, i) => {
    const code = codes[i] ?? "";
    if (!carrier && !code) return;
    const key = carrier.toLowerCase();
    const problem: OverrideRowError | undefined = !carrier
      ? "settings.error.override.carrierMissing"
      : carrier.length > 100 || code.length > 100
        ? "settings.error.override.tooLong"
        : !code
          ? "settings.error.override.codeMissing"
          : Object.hasOwn(overrides, key)
            ? "settings.error.override.duplicate"
            : undefined;
    if (problem) {
      overrideRowErrors[idsUsable ? (rowIds[i] as string) : String(i)] = problem;
      fieldErrors.carrierOverrides = "settings.error.carrierOverrides";
      return;
    }
    overrides[key] = code;
  });

  const tags = text(form, "tags")
    .split(",")
    .map((tag) => tag.trim())
    .filter((tag) => tag !== "");
  const buyerEmail = text(form, "buyerEmail");
  const fixedEmail = text(form, "fixedEmail");
  const locationId = shopifyLocationGid(text(form, "inventoryLocationId"));
  if (locationId === null) fieldErrors.inventoryLocationId = "settings.error.inventoryLocationId";
  const input = {
    ...(importFromIso ? { importFrom: importFromIso } : {}),
    ...(pollIntervalMinutes === undefined ? {} : { pollIntervalMinutes }),
    marketplaceFulfilled: text(form, "marketplaceFulfilled"),
    stockPolicy: text(form, "stockPolicy"),
    currencyPolicy: text(form, "currencyPolicy"),
    marketplaceTax: text(form, "marketplaceTax"),
    buyerEmail,
    // Kept only when it is used: a stale address must not fail an unrelated save.
    ...(buyerEmail === "fixed" && fixedEmail ? { fixedEmail } : {}),
    orderName: text(form, "orderName"),
    inventory: {
      decrement: checked(form, "inventoryDecrement"),
      ...(locationId ? { locationId } : {}),
    },
    restockOnCancel: checked(form, "restockOnCancel"),
    tags,
    trackingSync: checked(form, "trackingSync"),
    cancelOnMarketplace: checked(form, "cancelOnMarketplace"),
    carrierOverrides: overrides,
  };
  // The schema's own check of this pair runs only once every other field is valid; checked here
  // too so that the merchant sees every error at once.
  if (buyerEmail === "fixed" && !fixedEmail) fieldErrors.fixedEmail = "settings.error.fixedEmail";
  const parsed = accountSettingsSchema.safeParse(input);
  if (!parsed.success) Object.assign(fieldErrors, errorsFromIssues(parsed.error.issues));
  if (Object.keys(fieldErrors).length > 0 || !parsed.success) {
    return Object.keys(overrideRowErrors).length > 0
      ? { ok: false, fieldErrors, overrideRowErrors }
      : { ok: false, fieldErrors };
  }
  return { ok: true, settings: parsed.data };
}

function errorsFromIssues(issues: z.core.$ZodIssue[]): SettingsFieldErrors {
  const errors: SettingsFieldErrors = {};
  for (const issue of issues) {
    const [head, sub] = issue.path;
    const field: SettingsField | undefined =
      head === "inventory" && sub === "locationId"
        ? "inventoryLocationId"
        : typeof head === "string" && head in FIELD_SET
          ? (head as SettingsField)
          : undefined;
    if (field) errors[field] = `settings.error.${field}`;
  }
  return errors;
}

const FIELD_SET: Record<string, true> = {
  importFrom: true,
  pollIntervalMinutes: true,
  marketplaceFulfilled: true,
  stockPolicy: true,
  currencyPolicy: true,
  marketplaceTax: true,
  buyerEmail: true,
  fixedEmail: true,
  orderName: true,
  tags: true,
  carrierOverrides: true,
};

/** What the page shows for the stored settings (dates as the form's calendar day). */
export function settingsFormValues(settings: AccountSettings) {
  return {
    ...settings,
    importFromDay: settings.importFrom ? settings.importFrom.slice(0, 10) : "",
  };
}
