import en from "@shopify/polaris/locales/en.json" with { type: "json" };
import fr from "@shopify/polaris/locales/fr.json" with { type: "json" };
import type { Locale } from "./i18n/locales";

/** Polaris's own strings (pagination, filters…) in the merchant's language. */
export const POLARIS_TRANSLATIONS: Record<Locale, typeof en> = { en, fr };
