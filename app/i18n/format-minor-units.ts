import type { Locale } from "./locales";

/**
 * Money stored as integer minor units, shown in the merchant's language. The currency's own
 * number of decimals decides the scale (JPY has none, EUR two), never a fixed 100.
 */
export function formatMinorUnits(locale: Locale, amountMinor: number, currency: string): string {
  try {
    const format = new Intl.NumberFormat(locale, { style: "currency", currency });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(amountMinor / 10 ** digits);
  } catch {
    // A code Intl does not know: the amount with two decimals and the code, rather than nothing.
    return `${(amountMinor / 100).toFixed(2)} ${currency}`;
  }
}

export function formatDateTime(locale: Locale, value: string | Date): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(
    new Date(value),
  );
}
