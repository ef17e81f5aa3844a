import { Readable } from "node:stream";
import { stringify } from "csv-stringify";
import { toDecimal } from "../connectors/money";
import {
  listStoreAccounts,
  type OrderListFilter,
  type OrderListRow,
  parseOrderListQuery,
  shownTrackingState,
  streamOrders,
} from "../db/order-list";
import type { Locale } from "./i18n/locales";
import { type MessageKey, translator } from "./i18n/messages";
import { formatReason } from "./i18n/reasons";
import { assertOwnAccounts } from "./order-filter.server";
import type { Services } from "./services.server";

/**
 * The orders CSV, shared by the authenticated export (`/app/orders/export`) and the signed
 * download link (`/exports/orders.csv`), so both serve the same file.
 */

/**
 * Excel opens a CSV with the system's list separator and decimal mark: French installs expect
 * `;` and `,`. The BOM makes it read UTF-8 (accented names) instead of the ANSI code page.
 */
const DIALECT: Record<Locale, { delimiter: string; decimal: string }> = {
  en: { delimiter: ",", decimal: "." },
  fr: { delimiter: ";", decimal: "," },
};

const COLUMNS = [
  "createdAt",
  "marketplace",
  "account",
  "marketplaceOrderId",
  "storeOrder",
  "status",
  "tracking",
  "buyer",
  "currency",
  "total",
  "reasons",
] as const;

/**
 * The export's filter from the list's own URL parameters (cursors ignored). Throws a 404 response
 * when it names an account this store does not have.
 */
export async function ordersExportFilter(
  services: Services,
  storeId: string,
  params: URLSearchParams,
): Promise<OrderListFilter> {
  const { filter } = parseOrderListQuery(params);
  if (filter.accountIds?.length) {
    assertOwnAccounts(filter, await listStoreAccounts(services.db, storeId));
  }
  return filter;
}

/**
 * The filtered orders as a CSV attachment, streamed: rows are read from the database in keyset
 * batches as the client takes them, so a store with a million orders costs one batch of memory,
 * and a client that goes away (`signal`) stops the reads.
 */
export async function ordersCsvResponse(
  services: Services,
  input: { storeId: string; filter: OrderListFilter; locale: Locale; signal: AbortSignal },
): Promise<Response> {
  const { storeId, filter, locale } = input;
  const t = translator(locale);
  const dialect = DIALECT[locale];

  const rows = streamOrders(services.db, services.keyring, { storeId, filter, batchSize: 1000 });
  const pending = toRecords(rows, locale, dialect.decimal);
  // The first batch is read before the answer starts: a query that fails outright gets an error
  // status, not a download that breaks off with no reason. Later failures can only cut the file.
  const first = await pending.next();
  const records = Readable.from(resume(first, pending));
  const csv = stringify({
    bom: true,
    header: true,
    delimiter: dialect.delimiter,
    // Buyer names come from the marketplace: `=HYPERLINK(…)` must stay text in a spreadsheet.
    escape_formulas: true,
    columns: COLUMNS.map((key) => ({ key, header: t(`orders.csv.${key}` as MessageKey) })),
  });
  records.on("error", (error) => {
    services.logger.error({ err: error, storeId }, "orders export failed");
    csv.destroy(error);
  });
  input.signal.addEventListener("abort", () => records.destroy());
  const body = Readable.toWeb(records.pipe(csv)) as ReadableStream<Uint8Array>;

  const day = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${t("orders.csvFilename")}-${day}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}

async function* resume<T>(first: IteratorResult<T>, rest: AsyncGenerator<T>): AsyncGenerator<T> {
  if (first.done) return;
  yield first.value;
  yield* rest;
}

async function* toRecords(
  rows: AsyncIterable<OrderListRow>,
  locale: Locale,
  decimal: string,
): AsyncGenerator<Record<(typeof COLUMNS)[number], string>> {
  const t = translator(locale);
  for await (const row of rows) {
    const tracking = shownTrackingState(row);
    yield {
      createdAt: row.createdAt.toISOString().slice(0, 19).replace("T", " "),
      marketplace: t(`marketplace.${row.marketplace}`),
      account: row.accountName,
      marketplaceOrderId: row.marketplaceOrderId,
      storeOrder: row.storeOrderName ?? "",
      status: t(`state.${row.state}`),
      tracking: tracking ? t(`orders.tracking.${tracking}`) : "",
      buyer: row.buyerName ?? "",
      currency: row.currency,
      total: toDecimal(row.totalMinor, row.currency).replace(".", decimal),
      reasons: row.holdReasons.map((reason) => formatReason(locale, reason)).join(" | "),
    };
  }
}
