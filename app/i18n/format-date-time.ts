import type { Locale } from "./locales";

/**
 * Always UTC, and saying so: the server and the browser then render the same text (no hydration
 * mismatch whatever the server's or the merchant's zone), and the merchant knows which zone the
 * time is in. The orders list's date filter is in UTC too.
 */
const OPTIONS: Intl.DateTimeFormatOptions = {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "numeric",
  minute: "2-digit",
  timeZone: "UTC",
  timeZoneName: "short",
};

const formats = new Map<Locale, Intl.DateTimeFormat>();

function formatFor(locale: Locale): Intl.DateTimeFormat {
  let format = formats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, OPTIONS);
    formats.set(locale, format);
  }
  return format;
}

/**
 * An instant as the admin shows it: "Dec 4, 2026, 6:05 PM UTC", "4 déc. 2026, 18:05 UTC".
 * A value that is not a date is shown as it came rather than breaking the page.
 */
export function formatDateTime(locale: Locale, value: string | Date): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return typeof value === "string" ? value : "—";
  return formatFor(locale).format(date);
}
