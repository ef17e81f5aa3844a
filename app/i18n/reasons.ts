import type { Platform } from "../../connectors/errors";
import type { ReasonCode } from "../../db/schema/orders";
import type { PreCheckReasonCode } from "../../jobs/import/pre-checks/types";
import { formatMessage } from "./format-message";
import type { Locale } from "./locales";
import { TRACKING_REASON_MESSAGES } from "./tracking-reasons";

/**
 * Merchant-facing messages for the reasons stored with an order (`ReasonCode`: a code and its
 * parameters), in every language the admin speaks. `{name}` is replaced by the parameter; a few
 * parameters are rendered for the language: `fields` (address field ids joined by commas),
 * `importFrom` (an ISO 8601 instant) and `platform` (a platform id, shown as its brand name).
 */
export const REASON_MESSAGES: Record<PreCheckReasonCode, Record<Locale, string>> = {
  "account.reconnect": {
    en: "The marketplace account must be reconnected before its orders can be imported",
    fr: "Le compte de la place de marché doit être reconnecté pour que ses commandes soient importées",
  },
  "order.not_paid": {
    en: "Waiting for payment: the order is imported once the marketplace marks it as paid (an Amazon order can stay Pending for up to 21 days)",
    fr: "En attente de paiement : la commande sera importée dès que la place de marché l’indiquera comme payée (une commande Amazon peut rester en attente jusqu’à 21 jours)",
  },
  "order.already_shipped": {
    en: "Already shipped on the marketplace before it was imported: not created in the store, so it is not shipped twice",
    fr: "Déjà expédiée sur la place de marché avant son import : elle n’est pas créée dans la boutique pour ne pas être expédiée deux fois",
  },
  "order.marketplace_fulfilled": {
    en: "Fulfilled by the marketplace: not imported (the account’s settings can import these orders as already fulfilled)",
    fr: "Expédiée par la place de marché : non importée (les paramètres du compte permettent d’importer ces commandes comme déjà traitées)",
  },
  "order.already_imported": {
    en: "Already imported into the store",
    fr: "Déjà importée dans la boutique",
  },
  "order.found_in_store": {
    en: "Already in the store as order {storeOrderName}: linked to it instead of being created again",
    fr: "Déjà présente dans la boutique (commande {storeOrderName}) : elle y est liée au lieu d’être créée une seconde fois",
  },
  "order.before_import_from": {
    en: "Created before {importFrom}, the date orders are imported from",
    fr: "Créée avant le {importFrom}, date à partir de laquelle les commandes sont importées",
  },
  "order.cancelled": {
    en: "Cancelled on the marketplace",
    fr: "Annulée sur la place de marché",
  },
  "order.cancellation_requested": {
    en: "The buyer asked to cancel this order: accept or decline the request on the marketplace first",
    fr: "L’acheteur a demandé l’annulation de cette commande : acceptez ou refusez d’abord la demande sur la place de marché",
  },
  "sku.unmapped": {
    en: "SKU {sku} is not mapped to a store variant",
    fr: "Le SKU {sku} n’est associé à aucune variante de la boutique",
  },
  "sku.mapped_variant_missing": {
    en: "SKU {sku} is mapped to store SKU {storeSku}, which no store variant has: fix the mapping or the SKU in the store",
    fr: "Le SKU {sku} est associé au SKU {storeSku}, qu’aucune variante de la boutique ne porte : corrigez l’association ou le SKU dans la boutique",
  },
  "sku.ambiguous": {
    en: "SKU {sku} matches {count} store variants: map it to one of them",
    fr: "Le SKU {sku} correspond à {count} variantes de la boutique : associez-le à l’une d’elles",
  },
  "sku.missing": {
    en: "The item “{lineTitle}” has no SKU on the marketplace",
    fr: "L’article « {lineTitle} » n’a pas de SKU sur la place de marché",
  },
  "stock.short": {
    en: "Not enough stock for SKU {sku}: {needed} needed, {available} available",
    // Labelled figures rather than "3 demandé(s)": they need no agreement with the numbers, and the
    // parameters stay plain (jobs/import/pre-checks tests read them with a `{name}` pattern).
    fr: "Stock insuffisant pour le SKU {sku} (quantité demandée : {needed}, disponible : {available})",
  },
  "address.incomplete": {
    en: "The shipping address is missing: {fields}",
    fr: "Il manque dans l’adresse de livraison : {fields}",
  },
  "currency.unsupported": {
    en: "The order is in {currency}, a currency the store does not sell in ({storeCurrencies})",
    fr: "La commande est en {currency}, une devise dans laquelle la boutique ne vend pas ({storeCurrencies})",
  },
};

/**
 * Reasons the rest of the import pipeline stores (jobs/import/store-order.ts, process-order.ts,
 * owned there): their codes and parameters are not typed from one list yet, so they are kept in
 * step by hand. A code missing here is shown as the code itself.
 */
export const PIPELINE_REASON_MESSAGES: Record<string, Record<Locale, string>> = {
  "order.skipped_by_merchant": {
    en: "Skipped by the merchant",
    fr: "Ignorée par le marchand",
  },
  "order.no_lines": {
    en: "The order has no item to create in the store",
    fr: "La commande ne contient aucun article à créer dans la boutique",
  },
  "order.mixed_currencies": {
    en: "The order mixes currencies ({currency} and {other}): it cannot be created without converting",
    fr: "La commande mélange plusieurs devises ({currency} et {other}) : elle ne peut pas être créée sans conversion",
  },
  "order.totals_mismatch": {
    en: "The store order total ({computed} {currency}) would not match what the buyer paid ({expected} {currency})",
    fr: "Le total de la commande boutique ({computed} {currency}) ne correspondrait pas au montant payé par l’acheteur ({expected} {currency})",
  },
  "store.rejected": {
    en: "The store ({platform}) refused the order: {message}",
    fr: "La boutique ({platform}) a refusé la commande : {message}",
  },
  "store.access_revoked": {
    en: "Marketsync can no longer reach the store ({platform}): open Marketsync from your store admin to restore access; held orders are then checked again",
    fr: "Marketsync n’a plus accès à la boutique ({platform}) : ouvrez Marketsync depuis l’administration de votre boutique pour rétablir l’accès ; les commandes bloquées seront alors vérifiées à nouveau",
  },
};

/**
 * Brand names of the platform ids the pipeline stores in a `platform` parameter
 * (connectors/errors.ts `Platform`). Reasons keep the id, so stored events stay machine-readable
 * and read right whenever they were recorded; brands are spelled the same in every language.
 */
export const PLATFORM_NAMES: Record<Platform, string> = {
  amazon: "Amazon",
  bigcommerce: "BigCommerce",
  ebay: "eBay",
  shopify: "Shopify",
};

function platformName(value: string): string {
  const id = value.toLowerCase();
  return Object.hasOwn(PLATFORM_NAMES, id) ? PLATFORM_NAMES[id as Platform] : value;
}

/** Labels of the address field ids the `address` pre-check reports. */
export const ADDRESS_FIELD_LABELS: Record<string, Record<Locale, string>> = {
  name: { en: "recipient name", fr: "nom du destinataire" },
  line1: { en: "address line 1", fr: "ligne 1 de l’adresse" },
  city: { en: "city", fr: "ville" },
  postalCode: { en: "postal code", fr: "code postal" },
  countryCode: { en: "country", fr: "pays" },
};

export function isKnownReasonCode(code: string): code is PreCheckReasonCode {
  return Object.hasOwn(REASON_MESSAGES, code);
}

function templateFor(locale: Locale, code: string): string | undefined {
  if (isKnownReasonCode(code)) return REASON_MESSAGES[code][locale];
  if (Object.hasOwn(PIPELINE_REASON_MESSAGES, code))
    return PIPELINE_REASON_MESSAGES[code]?.[locale];
  return Object.hasOwn(TRACKING_REASON_MESSAGES, code)
    ? TRACKING_REASON_MESSAGES[code]?.[locale]
    : undefined;
}

export interface FormatReasonOptions {
  /** Time zone for dates (IANA name); UTC by default, and the zone is always shown. */
  timeZone?: string;
}

function formatDate(locale: Locale, value: string, timeZone: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(locale, {
    day: "numeric",
    month: "long",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone,
    timeZoneName: "short",
  }).format(date);
}

function formatFields(locale: Locale, value: string): string {
  const labels = value
    .split(",")
    .map((field) => field.trim())
    .filter((field) => field !== "")
    .map((field) => ADDRESS_FIELD_LABELS[field]?.[locale] ?? field);
  return new Intl.ListFormat(locale, { type: "conjunction" }).format(labels);
}

function formatParam(
  locale: Locale,
  name: string,
  value: string | number,
  options: FormatReasonOptions,
): string {
  if (name === "fields" && typeof value === "string") return formatFields(locale, value);
  if (name === "platform" && typeof value === "string") return platformName(value);
  if (name === "importFrom" && typeof value === "string") {
    return formatDate(locale, value, options.timeZone ?? "UTC");
  }
  return String(value);
}

/**
 * The reason as a sentence in the merchant's language. An unknown code (stored by another version)
 * comes back as the code itself; a missing parameter stays visible as `{name}`.
 */
export function formatReason(
  locale: Locale,
  reason: ReasonCode,
  options: FormatReasonOptions = {},
): string {
  const template = templateFor(locale, reason.code);
  if (template === undefined) return reason.code;
  // Plurals choose their branch from the raw parameter; dates, lists and brands are then rendered.
  return formatMessage(locale, template, reason.params, (name, value) =>
    formatParam(locale, name, value, options),
  );
}
