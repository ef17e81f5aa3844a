import {
  and,
  arrayOverlaps,
  asc,
  desc,
  eq,
  gte,
  inArray,
  isNull,
  lt,
  or,
  type SQL,
  sql,
} from "drizzle-orm";
import { unionAll } from "drizzle-orm/pg-core";
import { z } from "zod";
import { buyerSearchCandidates } from "./buyer-search";
import { parseCalendarDay, withinCalendarYears } from "./calendar-day";
import type { Database } from "./client";
import type { KeyRing } from "./encryption";
import { CONTEXT } from "./orders";
import {
  marketplaceAccounts,
  marketplaceOrders,
  orderLinks,
  type MarketplaceOrderRow,
  type ReasonCode,
} from "./schema";

/**
 * The states the merchant filters by. They are views over two columns — where the order stands in
 * the import (`state`) and where its tracking stands (`tracking_state`) — so one order can be both
 * "imported" and "tracking confirmed". Every import state a row's badge can show is one of them
 * (new, waiting and creating too), so whatever the list shows can be filtered by.
 */
export const ORDER_LIST_STATES = [
  "new",
  "waiting",
  "held",
  "creating",
  "imported",
  "skipped",
  "awaiting_shipment",
  "tracking_sent",
  "tracking_confirmed",
  "failed",
  "cancelled",
] as const;
export type OrderListState = (typeof ORDER_LIST_STATES)[number];

const MARKETPLACES = marketplaceOrders.marketplace.enumValues;
type Marketplace = (typeof MARKETPLACES)[number];

export interface OrderListFilter {
  marketplaces?: Marketplace[] | undefined;
  accountIds?: string[] | undefined;
  /** Any of them (a state filter with several values is an OR). */
  states?: OrderListState[] | undefined;
  /** Inclusive. */
  createdFrom?: Date | undefined;
  /** Exclusive. */
  createdBefore?: Date | undefined;
  /** Exact marketplace order id, store order number (with or without `#`), buyer name or e-mail. */
  search?: string | undefined;
}

/** A position in the list: the exact creation time (microseconds, as text) and the id. */
export interface OrderListCursor {
  createdAt: string;
  id: string;
}

/**
 * The tracking state the list and its CSV show: none at all for an order that is not in the store
 * (held, skipped, shipped by the marketplace…), since nothing will ship from the store for it.
 */
export function shownTrackingState(
  row: Pick<OrderListRow, "state" | "trackingState">,
): OrderListRow["trackingState"] | null {
  return row.trackingState === "none" && row.state !== "imported" ? null : row.trackingState;
}

export interface OrderListRow {
  id: string;
  accountId: string;
  accountName: string;
  marketplace: Marketplace;
  marketplaceOrderId: string;
  state: MarketplaceOrderRow["state"];
  trackingState: MarketplaceOrderRow["trackingState"];
  currency: string;
  totalMinor: number;
  createdAt: Date;
  storeOrderName: string | null;
  storeOrderId: string | null;
  holdReasons: ReasonCode[];
  /** Decrypted; null once the buyer's data was purged. */
  buyerName: string | null;
  cursor: OrderListCursor;
}

export interface OrderListPage {
  rows: OrderListRow[];
  /** Cursor of the page after this one, if there is one. */
  next: OrderListCursor | undefined;
  /** Cursor of the page before this one, if there is one. */
  previous: OrderListCursor | undefined;
}

const mo = marketplaceOrders;

/**
 * State values are written into the SQL as literals, not parameters: a generic prepared plan
 * cannot prove that `state = $1` matches a partial index's `state = 'failed'`, a literal can. They
 * come from the closed lists above, never from the request.
 */
function is(column: typeof mo.state | typeof mo.trackingState, value: string): SQL {
  if (!(column.enumValues as readonly string[]).includes(value)) {
    throw new RangeError(`not a ${column.name} value: ${value}`);
  }
  return sql`${column} = ${sql.raw(`'${value}'`)}`;
}

function stateCondition(state: OrderListState): SQL {
  switch (state) {
    case "awaiting_shipment":
      return sql`(${is(mo.state, "imported")} and ${is(mo.trackingState, "none")})`;
    case "tracking_sent":
      // Shipped: the push is queued or sent, the marketplace has not shown it back yet.
      return sql`(${is(mo.trackingState, "pending")} or ${is(mo.trackingState, "sent")})`;
    case "tracking_confirmed":
      return is(mo.trackingState, "confirmed");
    case "failed":
      // The merchant's "something failed": the store order or the tracking push.
      return sql`(${is(mo.state, "failed")} or ${is(mo.trackingState, "failed")})`;
    default:
      // new, waiting, held, creating, imported, skipped, cancelled: one literal state each, which
      // the (store, state, created) index serves.
      return is(mo.state, state);
  }
}

/**
 * Search is exact, through indexes only: a marketplace order id, a store order number, or a
 * buyer's name or e-mail through its blind index (buyer details are encrypted with random IVs, so
 * nothing else can match them; partial or fuzzy buyer search would need them in clear). The three
 * lookups are a union of index scans rather than an OR across a join, which would read every order
 * of the store.
 */
function searchCondition(
  db: Database,
  keyring: KeyRing,
  storeId: string,
  search: string,
): SQL | undefined {
  const term = search.trim();
  if (!term) return undefined;
  const orderNames = term.startsWith("#") ? [term, term.slice(1)] : [term, `#${term}`];
  const byOrderId = db
    .select({ id: mo.id })
    .from(mo)
    .where(and(eq(mo.storeId, storeId), eq(mo.marketplaceOrderId, term)));
  const byStoreOrder = db
    .select({ id: orderLinks.orderId })
    .from(orderLinks)
    .where(and(eq(orderLinks.storeId, storeId), inArray(orderLinks.storeOrderName, orderNames)));
  const buyerKeys = buyerSearchCandidates(keyring, term);
  const matches =
    buyerKeys.length > 0
      ? unionAll(
          byOrderId,
          byStoreOrder,
          db
            .select({ id: mo.id })
            .from(mo)
            .where(
              and(
                eq(mo.storeId, storeId),
                arrayOverlaps(mo.buyerSearchKeys, buyerKeys),
                // An erased buyer is not findable by name, whatever keys a row still holds.
                isNull(mo.piiPurgedAt),
              ),
            ),
        )
      : unionAll(byOrderId, byStoreOrder);
  return inArray(mo.id, matches);
}

function filterConditions(
  db: Database,
  keyring: KeyRing,
  storeId: string,
  filter: OrderListFilter,
): SQL[] {
  // The store comes first in every condition and every index: it is the tenant boundary.
  const conditions: SQL[] = [eq(mo.storeId, storeId)];
  if (filter.marketplaces?.length) conditions.push(inArray(mo.marketplace, filter.marketplaces));
  if (filter.accountIds?.length) conditions.push(inArray(mo.accountId, filter.accountIds));
  if (filter.states?.length) conditions.push(or(...filter.states.map(stateCondition))!);
  if (filter.createdFrom) conditions.push(gte(mo.marketplaceCreatedAt, filter.createdFrom));
  if (filter.createdBefore) conditions.push(lt(mo.marketplaceCreatedAt, filter.createdBefore));
  if (filter.search) {
    const search = searchCondition(db, keyring, storeId, filter.search);
    if (search) conditions.push(search);
  }
  return conditions;
}

// Postgres keeps microseconds, a JS Date only milliseconds: the cursor carries the exact value as
// text, or rows created within the same millisecond would be skipped or repeated across pages.
const cursorTime = sql<string>`to_char(${mo.marketplaceCreatedAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * One page of the store's orders, newest first (ties by id), by keyset: the page after `after` or
 * before `before`. Each page costs the same at any depth, on the (store, created desc, id) index or
 * the per-filter indexes.
 */
export async function listOrders(
  db: Database,
  keyring: KeyRing,
  input: {
    storeId: string;
    filter?: OrderListFilter;
    after?: OrderListCursor | undefined;
    before?: OrderListCursor | undefined;
    limit: number;
  },
): Promise<OrderListPage> {
  const conditions = filterConditions(db, keyring, input.storeId, input.filter ?? {});
  const backwards = !input.after && Boolean(input.before);
  const cursor = input.after ?? input.before;
  if (cursor) {
    const at = sql`${cursor.createdAt}::timestamptz`;
    conditions.push(
      backwards
        ? sql`(${mo.marketplaceCreatedAt} >= ${at} and (${mo.marketplaceCreatedAt} > ${at} or ${mo.id} < ${cursor.id}))`
        : // The redundant `<=` bounds the index scan; the OR alone would not.
          sql`(${mo.marketplaceCreatedAt} <= ${at} and (${mo.marketplaceCreatedAt} < ${at} or ${mo.id} > ${cursor.id}))`,
    );
  }
  const fetched = await db
    .select({
      id: mo.id,
      accountId: mo.accountId,
      accountName: marketplaceAccounts.displayName,
      marketplace: mo.marketplace,
      marketplaceOrderId: mo.marketplaceOrderId,
      state: mo.state,
      trackingState: mo.trackingState,
      currency: mo.currency,
      totalMinor: mo.totalMinor,
      createdAt: mo.marketplaceCreatedAt,
      cursorTime,
      storeOrderName: orderLinks.storeOrderName,
      storeOrderId: orderLinks.storeOrderId,
      holdReasons: mo.holdReasons,
      buyerEnc: mo.buyerEnc,
    })
    .from(mo)
    .innerJoin(marketplaceAccounts, eq(marketplaceAccounts.id, mo.accountId))
    .leftJoin(orderLinks, eq(orderLinks.orderId, mo.id))
    .where(and(...conditions))
    // The indexes are `created desc nulls last`: a plain `desc` (nulls first) would not match
    // them and would sort the whole store instead (the column is never null either way).
    .orderBy(
      ...(backwards
        ? [sql`${mo.marketplaceCreatedAt} asc nulls first`, desc(mo.id)]
        : [sql`${mo.marketplaceCreatedAt} desc nulls last`, asc(mo.id)]),
    )
    .limit(input.limit + 1);
  const more = fetched.length > input.limit;
  const page = fetched.slice(0, input.limit);
  if (backwards) page.reverse();
  const rows = page.map(({ buyerEnc, cursorTime: time, ...row }) => ({
    ...row,
    createdAt: new Date(row.createdAt),
    buyerName: buyerNameOf(keyring, buyerEnc),
    cursor: { createdAt: time, id: row.id },
  }));
  const first = rows[0]?.cursor;
  const last = rows.at(-1)?.cursor;
  return {
    rows,
    next: (backwards ? Boolean(cursor) : more) ? last : undefined,
    previous: (backwards ? more : Boolean(cursor)) ? first : undefined,
  };
}

function buyerNameOf(keyring: KeyRing, buyerEnc: string | null): string | null {
  if (!buyerEnc) return null;
  const buyer = JSON.parse(keyring.decrypt(buyerEnc, CONTEXT.buyer)) as { name?: string };
  return buyer.name ?? null;
}

/** Every order the filter selects, page by page (for the CSV export: memory stays flat). */
export async function* streamOrders(
  db: Database,
  keyring: KeyRing,
  input: { storeId: string; filter: OrderListFilter; batchSize?: number },
): AsyncGenerator<OrderListRow> {
  let after: OrderListCursor | undefined;
  for (;;) {
    const page = await listOrders(db, keyring, {
      storeId: input.storeId,
      filter: input.filter,
      after,
      limit: input.batchSize ?? 500,
    });
    yield* page.rows;
    if (!page.next) return;
    after = page.next;
  }
}

/** The store's accounts, for the account filter. */
export async function listStoreAccounts(
  db: Database,
  storeId: string,
): Promise<{ id: string; displayName: string; platform: Marketplace }[]> {
  return db
    .select({
      id: marketplaceAccounts.id,
      displayName: marketplaceAccounts.displayName,
      platform: marketplaceAccounts.platform,
    })
    .from(marketplaceAccounts)
    .where(eq(marketplaceAccounts.storeId, storeId))
    .orderBy(marketplaceAccounts.displayName);
}

const list = (value: string | null) =>
  (value ?? "")
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);
const uuid = z.uuid();
const cursorSchema = z.object({
  // A tampered cursor with a year Postgres refuses is ignored like any other bad cursor.
  createdAt: z.iso.datetime().refine((at) => withinCalendarYears(new Date(at))),
  id: uuid,
});

/** A cursor as it travels in a URL. */
export function encodeCursor(cursor: OrderListCursor): string {
  return Buffer.from(`${cursor.createdAt}|${cursor.id}`).toString("base64url");
}

export function decodeCursor(value: string | null): OrderListCursor | undefined {
  if (!value) return undefined;
  const [createdAt, id] = Buffer.from(value, "base64url").toString().split("|");
  const parsed = cursorSchema.safeParse({ createdAt, id });
  return parsed.success ? parsed.data : undefined;
}

/** The filter in the URL, as the list and the export read it: unknown values are ignored. */
export interface OrderListQuery {
  filter: OrderListFilter;
  /** As given (YYYY-MM-DD), for the form. */
  from: string | undefined;
  to: string | undefined;
  after: OrderListCursor | undefined;
  before: OrderListCursor | undefined;
}

/**
 * Reads `marketplace`, `account`, `state` (comma-separated), `from`/`to` (UTC days, both
 * inclusive), `q`, `after`/`before` (cursors). Account ids of another store are harmless: every
 * query is also scoped to the store.
 */
export function parseOrderListQuery(params: URLSearchParams): OrderListQuery {
  const fromDate = parseCalendarDay(params.get("from"));
  const toDate = parseCalendarDay(params.get("to"));
  toDate?.setUTCDate(toDate.getUTCDate() + 1);
  // Postgres text cannot hold NUL: a pasted one would fail the query rather than match nothing.
  const q = params.get("q")?.replaceAll("\0", "").trim().slice(0, 200);
  return {
    filter: {
      marketplaces: list(params.get("marketplace")).filter((m): m is Marketplace =>
        (MARKETPLACES as readonly string[]).includes(m),
      ),
      accountIds: list(params.get("account")).filter((a) => uuid.safeParse(a).success),
      states: list(params.get("state")).filter((s): s is OrderListState =>
        (ORDER_LIST_STATES as readonly string[]).includes(s),
      ),
      createdFrom: fromDate,
      createdBefore: toDate,
      search: q || undefined,
    },
    from: fromDate ? (params.get("from") ?? undefined) : undefined,
    to: toDate ? (params.get("to") ?? undefined) : undefined,
    after: decodeCursor(params.get("after")),
    before: decodeCursor(params.get("before")),
  };
}
