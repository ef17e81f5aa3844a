/**
 * A day a merchant typed (YYYY-MM-DD), as midnight UTC. Only real calendar days within years
 * Postgres and JavaScript both handle: `2026-02-31` would otherwise roll over into March, year 0
 * is refused by Postgres, and the day after 9999-12-31 has a five-digit year.
 */
const FIRST_YEAR = 1970;
const LAST_YEAR = 9998;

export const CALENDAR_DAY_MIN = `${FIRST_YEAR}-01-01`;
export const CALENDAR_DAY_MAX = `${LAST_YEAR}-12-31`;

export function parseCalendarDay(value: string | null | undefined): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value ?? "");
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < FIRST_YEAR || year > LAST_YEAR) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  const real = date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return real ? date : undefined;
}

/** Whether an instant falls within the years a calendar day may name. */
export function withinCalendarYears(date: Date): boolean {
  const year = date.getUTCFullYear();
  return !Number.isNaN(date.getTime()) && year >= FIRST_YEAR && year <= LAST_YEAR + 1;
}
