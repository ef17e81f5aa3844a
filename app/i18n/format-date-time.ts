import { parseCalendarDay } from "../../db/calendar-day";
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

const DAY_OPTIONS: Intl.DateTimeFormatOptions = {
  year: "numeric",
  month: "short",
  day: "numeric",
  timeZone: "UTC",
};

const KINDS = { instant: OPTIONS, day: DAY_OPTIONS } as const;
const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(locale: Locale, kind: keyof typeof KINDS): Intl.DateTimeFormat {
  const key = `${locale}|${kind}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, KINDS[kind]);
    formats.set(key, format);
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
  return formatFor(locale, "instant").format(date);
}

/**
 * A calendar day the merchant typed (YYYY-MM-DD, a UTC day, as the list's date filter takes it) as
 * the admin writes dates: "Dec 1, 2026", "1 déc. 2026". In UTC, so no time zone moves it to the
 * day before; a value that is not a day is shown as it came.
 */
export function formatCalendarDay(locale: Locale, value: string): string {
  const day = parseCalendarDay(value);
  return day ? formatFor(locale, "day").format(day) : value;
}
