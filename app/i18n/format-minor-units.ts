import { currencyExponent, toDecimal } from "../../connectors/money";
import type { Locale } from "./locales";

/**
 * Money stored as integer minor units, shown in the merchant's language. The scale is the exponent
 * the amount was stored with (connectors/money.ts), not Intl's idea of the currency's decimals:
 * they differ (HUF, IQD, …), and the page must show what the CSV export and the vendors see.
 * The amount reaches Intl as an exact decimal string, never through a float.
 */
export function formatMinorUnits(locale: Locale, amountMinor: number, currency: string): string {
  const decimal = toDecimal(amountMinor, currency);
  const exponent = currencyExponent(currency);
  let format: Intl.NumberFormat;
  try {
    format = new Intl.NumberFormat(locale, {
      style: "currency",
      currency,
      minimumFractionDigits: exponent,
      maximumFractionDigits: exponent,
    });
  } catch {
    // A code Intl refuses: the exact amount and the code, rather than nothing.
    return `${decimal} ${currency}`;
  }
  // toDecimal only ever returns an optionally signed plain decimal.
  return format.format(decimal as Intl.StringNumericLiteral);
}
