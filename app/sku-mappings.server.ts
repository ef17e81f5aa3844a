import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { and, asc, eq, ilike, or } from "drizzle-orm";
import type { Database } from "../db/client";
import { marketplaceAccounts, skuMappings } from "../db/schema";
import {
  type MerchantActionDeps,
  saveSkuMapping,
  saveSkuMappings,
} from "../jobs/import/held-orders";
import { ALL_ACCOUNTS, MAX_SKU_LENGTH } from "./sku-mapping-rules";

/** Column names of the CSV file, in this order; the importer also takes them in any order. */
export const CSV_COLUMNS = ["store_sku", "marketplace_sku", "account"] as const;
export const MAX_IMPORT_ROWS = 5000;
export const PAGE_SIZE = 50;

export interface AccountRef {
  id: string;
  platform: "ebay" | "amazon";
  sellerId: string;
  displayName: string;
}

/** How the CSV names an account: unambiguous across platforms, readable by the merchant. */
export const accountCsvName = (a: Pick<AccountRef, "platform" | "sellerId">) =>
  `${a.platform}:${a.sellerId}`;

export function storeAccounts(db: Database, storeId: string): Promise<AccountRef[]> {
  return db
    .select({
      id: marketplaceAccounts.id,
      platform: marketplaceAccounts.platform,
      sellerId: marketplaceAccounts.sellerId,
      displayName: marketplaceAccounts.displayName,
    })
    .from(marketplaceAccounts)
    .where(eq(marketplaceAccounts.storeId, storeId))
    .orderBy(asc(marketplaceAccounts.displayName));
}

/** Beyond this the offset is absurd (and past Postgres' bigint): such a page is read as the first. */
const MAX_PAGE = 1_000_000;
const validPage = (page: number | undefined) =>
  page !== undefined && Number.isSafeInteger(page) && page >= 1 && page <= MAX_PAGE ? page : 1;

/** One page of the store's mappings, optionally filtered by either SKU (substring). */
export async function listSkuMappings(
  db: Database,
  storeId: string,
  options: { query?: string | undefined; page?: number | undefined } = {},
) {
  const page = validPage(options.page);
  // Postgres text cannot hold NUL: a pasted one would fail the query rather than match nothing.
  const query = options.query?.replaceAll("\0", "").trim();
  const pattern = query ? `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  const rows = await db
    .select({
      id: skuMappings.id,
      marketplaceSku: skuMappings.marketplaceSku,
      storeSku: skuMappings.storeSku,
      accountId: skuMappings.accountId,
      updatedAt: skuMappings.updatedAt,
    })
    .from(skuMappings)
    .where(
      and(
        eq(skuMappings.storeId, storeId),
        pattern
          ? or(ilike(skuMappings.marketplaceSku, pattern), ilike(skuMappings.storeSku, pattern))
          : undefined,
      ),
    )
    .orderBy(asc(skuMappings.marketplaceSku), asc(skuMappings.id))
    .limit(PAGE_SIZE + 1)
    .offset((page - 1) * PAGE_SIZE);
  return { rows: rows.slice(0, PAGE_SIZE), page, hasNext: rows.length > PAGE_SIZE };
}

/** Deletes one of the store's mappings; false when it is not this store's (or gone). */
export async function deleteSkuMapping(
  db: Database,
  storeId: string,
  mappingId: string,
): Promise<boolean> {
  const deleted = await db
    .delete(skuMappings)
    .where(and(eq(skuMappings.id, mappingId), eq(skuMappings.storeId, storeId)))
    .returning({ id: skuMappings.id });
  return deleted.length > 0;
}

/** Every mapping of the store as CSV (header first), accounts named as the importer reads them. */
export async function exportSkuMappingsCsv(db: Database, storeId: string): Promise<string> {
  const accounts = new Map((await storeAccounts(db, storeId)).map((a) => [a.id, a]));
  const rows = await db
    .select({
      marketplaceSku: skuMappings.marketplaceSku,
      storeSku: skuMappings.storeSku,
      accountId: skuMappings.accountId,
    })
    .from(skuMappings)
    .where(eq(skuMappings.storeId, storeId))
    .orderBy(asc(skuMappings.marketplaceSku), asc(skuMappings.id));
  return stringify(
    rows.map((r) => {
      const account = r.accountId ? accounts.get(r.accountId) : undefined;
      return [r.storeSku, r.marketplaceSku, account ? accountCsvName(account) : ALL_ACCOUNTS];
    }),
    { header: true, columns: [...CSV_COLUMNS] },
  );
}

/** A problem with one line of an imported file (line 1 is the header), as a translatable code. */
export interface CsvRowError {
  line: number;
  code:
    | "csv.store_sku_missing"
    | "csv.marketplace_sku_missing"
    | "csv.sku_too_long"
    | "csv.account_unknown"
    | "csv.duplicate";
  params?: Record<string, string | number>;
}

export type CsvImportResult =
  | { ok: true; saved: number; rechecked: number }
  | { ok: false; fileError: "csv.unreadable" | "csv.columns" | "csv.empty" | "csv.too_many_rows" }
  | { ok: false; rowErrors: CsvRowError[] };

/**
 * Imports a mapping file. Every line is checked first and nothing is saved unless every line is
 * valid, so the merchant fixes the lines listed and uploads the same file again. The mappings are
 * then saved together, each as one added by hand (held orders using its SKU are re-checked).
 */
export async function importSkuMappingsCsv(
  deps: MerchantActionDeps,
  storeId: string,
  text: string,
): Promise<CsvImportResult> {
  // A NUL is never in a text CSV (a UTF-16 or binary file), and Postgres text cannot store it.
  if (text.includes("\0")) return { ok: false, fileError: "csv.unreadable" };
  let records: Record<string, string>[];
  let columns: string[] = [];
  try {
    records = parse(text.replace(/^\uFEFF/, ""), {
      columns: (header: string[]) => (columns = header.map((h) => h.trim().toLowerCase())),
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
    });
  } catch {
    return { ok: false, fileError: "csv.unreadable" };
  }
  if (records.length === 0) return { ok: false, fileError: "csv.empty" };
  // The header, not the first row: a short first row is that line's error, not a missing column.
  if (!columns.includes("store_sku") || !columns.includes("marketplace_sku")) {
    return { ok: false, fileError: "csv.columns" };
  }
  if (records.length > MAX_IMPORT_ROWS) return { ok: false, fileError: "csv.too_many_rows" };

  const resolveAccount = accountResolver(await storeAccounts(deps.db, storeId));
  const errors: CsvRowError[] = [];
  const seen = new Map<string, number>();
  const valid: { marketplaceSku: string; storeSku: string; accountId: string | null }[] = [];
  records.forEach((record, index) => {
    const line = index + 2;
    const storeSku = record.store_sku ?? "";
    const marketplaceSku = record.marketplace_sku ?? "";
    const accountName = record.account ?? "";
    const before = errors.length;
    if (!storeSku) errors.push({ line, code: "csv.store_sku_missing" });
    if (!marketplaceSku) errors.push({ line, code: "csv.marketplace_sku_missing" });
    if (storeSku.length > MAX_SKU_LENGTH || marketplaceSku.length > MAX_SKU_LENGTH) {
      errors.push({ line, code: "csv.sku_too_long", params: { max: MAX_SKU_LENGTH } });
    }
    const accountId = resolveAccount(accountName);
    if (accountId === undefined) {
      errors.push({ line, code: "csv.account_unknown", params: { account: accountName } });
    }
    if (errors.length > before || accountId === undefined) return;
    const key = `${accountId ?? ""}\u0000${marketplaceSku.toLowerCase()}`;
    const previous = seen.get(key);
    if (previous !== undefined) {
      errors.push({
        line,
        code: "csv.duplicate",
        params: { sku: marketplaceSku, other: previous },
      });
      return;
    }
    seen.set(key, line);
    valid.push({ marketplaceSku, storeSku, accountId });
  });
  if (errors.length > 0) return { ok: false, rowErrors: errors };

  const { rechecked } = await saveSkuMappings(
    deps,
    valid.map((row) => ({ storeId, ...row })),
  );
  return { ok: true, saved: valid.length, rechecked };
}

/**
 * The account a CSV cell names: blank or `all` → every account (null); `platform:sellerId` as the
 * export writes it; or a seller id / display name that names exactly one account. Undefined when
 * nothing, or more than one account, matches.
 */
function accountResolver(accounts: AccountRef[]) {
  return (cell: string): string | null | undefined => {
    const name = cell.trim().toLowerCase();
    if (name === "" || name === ALL_ACCOUNTS) return null;
    const exact = accounts.find((a) => accountCsvName(a).toLowerCase() === name);
    if (exact) return exact.id;
    const loose = accounts.filter(
      (a) => a.sellerId.toLowerCase() === name || a.displayName.toLowerCase() === name,
    );
    return loose.length === 1 ? loose[0]!.id : undefined;
  };
}

/** Adding one mapping by hand: the held-order use case (saves, then re-checks held orders). */
export const saveSkuMappingForStore = saveSkuMapping;
