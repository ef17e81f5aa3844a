import type { Locale } from "./locales";

/**
 * The marketplace's own order status codes (eBay's payment/fulfillment pair, Amazon's fulfillment
 * status, see connectors' order mappers) in words. The code stays beside them: it is what the
 * marketplace's API and support speak.
 */
const WORDS: Record<string, Record<Locale, string>> = {
  // eBay orderPaymentStatus
  PAID: { en: "paid", fr: "payée" },
  PENDING: { en: "awaiting payment", fr: "en attente de paiement" },
  FAILED: { en: "payment failed", fr: "paiement refusé" },
  FULLY_REFUNDED: { en: "refunded", fr: "remboursée" },
  PARTIALLY_REFUNDED: { en: "partly refunded", fr: "partiellement remboursée" },
  // eBay orderFulfillmentStatus
  NOT_STARTED: { en: "not shipped", fr: "non expédiée" },
  IN_PROGRESS: { en: "partly shipped", fr: "partiellement expédiée" },
  FULFILLED: { en: "shipped", fr: "expédiée" },
  // eBay cancelStatus.cancelState, as the mapper prefixes it
  CANCEL_IN_PROGRESS: { en: "cancellation in progress", fr: "annulation en cours" },
  CANCEL_CANCELED: { en: "cancelled", fr: "annulée" },
  // Amazon fulfillmentStatus (PENDING above means the same: not paid yet)
  PENDING_AVAILABILITY: {
    en: "pre-order, not available yet",
    fr: "précommande, pas encore disponible",
  },
  UNSHIPPED: { en: "not shipped", fr: "non expédiée" },
  PARTIALLY_SHIPPED: { en: "partly shipped", fr: "partiellement expédiée" },
  SHIPPED: { en: "shipped", fr: "expédiée" },
  CANCELLED: { en: "cancelled", fr: "annulée" },
  UNFULFILLABLE: { en: "cannot be fulfilled", fr: "ne peut pas être traitée" },
};

/** "Paid, not shipped (PAID/NOT_STARTED)"; a code this version does not know is shown as it is. */
export function formatMarketplaceStatus(locale: Locale, raw: string): string {
  const words = raw.split("/").map((code) => WORDS[code]?.[locale]);
  if (words.length === 0 || words.some((word) => word === undefined)) return raw;
  const text = [...new Set(words)].join(", ");
  return `${text.charAt(0).toLocaleUpperCase(locale)}${text.slice(1)} (${raw})`;
}
