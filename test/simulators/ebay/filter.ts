/**
 * eBay getOrders `filter` syntax: comma-separated criteria `name:value`, dates as
 * `[start..]` / `[start..end]` (ISO 8601 UTC, inclusive), statuses as `{A|B}`.
 * Errors carry the errorId and message eBay documents for getOrders (x-response-codes).
 */

export interface OrderFilter {
  creation?: { from: number; to: number | undefined };
  lastModified?: { from: number; to: number | undefined };
  fulfillmentStatuses?: string[];
}

export class FilterError extends Error {
  constructor(
    readonly errorId: number,
    message: string,
    readonly parameters: { name: string; value: string }[] = [],
  ) {
    super(message);
  }
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const TWO_YEARS_MS = 2 * 366 * 86_400_000;
/** The two combinations eBay documents for orderfulfillmentstatus. */
const STATUS_SETS = ["NOT_STARTED|IN_PROGRESS", "FULFILLED|IN_PROGRESS"];

function splitCriteria(filter: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of filter) {
    if (ch === "[" || ch === "{") depth++;
    if (ch === "]" || ch === "}") depth--;
    if (ch === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  if (current) parts.push(current);
  return parts.map((p) => p.trim()).filter(Boolean);
}

function parseRange(name: string, value: string, now: number) {
  const m = /^\[(.*)\.\.(.*)\]$/.exec(value);
  if (!m) throw new FilterError(30800, `Invalid filter value ${value} for filter ${name}`);
  const [, start = "", end = ""] = m;
  if (!start) throw new FilterError(30820, "Start date is missing");
  if (!ISO_UTC.test(start) || (end && !ISO_UTC.test(end))) {
    throw new FilterError(30810, "Invalid date format");
  }
  const from = Date.parse(start);
  const to = end ? Date.parse(end) : undefined;
  if (Number.isNaN(from) || (to !== undefined && Number.isNaN(to))) {
    throw new FilterError(30810, "Invalid date format");
  }
  if (to !== undefined && from > to)
    throw new FilterError(30840, "Start date should be before end date");
  if (from > now || (to !== undefined && to > now + 60_000)) {
    throw new FilterError(30850, "Start and end dates can't be in the future");
  }
  if (to !== undefined && to - from > TWO_YEARS_MS) {
    throw new FilterError(
      30830,
      "Time range between start date and end date must be within '2' years.",
    );
  }
  return { from, to };
}

export function parseOrderFilter(filter: string | null, now = Date.now()): OrderFilter {
  const result: OrderFilter = {};
  if (!filter) return result;
  for (const criterion of splitCriteria(filter)) {
    const colon = criterion.indexOf(":");
    const name = colon < 0 ? criterion : criterion.slice(0, colon);
    const value = colon < 0 ? "" : criterion.slice(colon + 1);
    switch (name) {
      case "creationdate":
        result.creation = parseRange(name, value, now);
        break;
      case "lastmodifieddate":
        result.lastModified = parseRange(name, value, now);
        break;
      case "orderfulfillmentstatus": {
        const m = /^\{(.+)\}$/.exec(value);
        const set = m?.[1] ?? "";
        const normalized = set.split("|").sort().join("|");
        const allowed = STATUS_SETS.map((s) => s.split("|").sort().join("|"));
        if (!allowed.includes(normalized)) {
          throw new FilterError(30800, `Invalid filter value ${value} for filter ${name}`);
        }
        result.fulfillmentStatuses = set.split("|");
        break;
      }
      default:
        throw new FilterError(30700, `Invalid filter name: ${name}`);
    }
  }
  // "If creationdate and lastmodifieddate are both included, only creationdate is used."
  if (result.creation) delete result.lastModified;
  return result;
}
