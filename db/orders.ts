import { and, eq, inArray, sql } from "drizzle-orm";
import type { MarketplaceOrder } from "../connectors/types";
import { buyerSearchKeys } from "./buyer-search";
import { chunks } from "./chunks";
import type { Database } from "./client";
import type { KeyRing } from "./encryption";
import { purgeOrderPii } from "./pii";
import {
  marketplaceOrderLines,
  marketplaceOrders,
  type MarketplaceOrderRow,
  type ReasonCode,
  syncEvents,
} from "./schema";

/** A drizzle transaction or the database itself. */
export type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0] | Database;

export const CONTEXT = {
  snapshot: "marketplace_orders.snapshot",
  raw: "marketplace_orders.raw",
  buyer: "marketplace_orders.buyer",
  shipTo: "marketplace_orders.ship_to",
} as const;

/** Blind-index context of eBay user ids (buyer `username`), see `KeyRing.blindIndex`. */
export const EBAY_USER_INDEX = "ebay.user";

export type UpsertChange = "new" | "updated" | "unchanged";

export interface UpsertedOrder {
  id: string;
  /** The copy of the order compared (the newest, when the page listed it twice). */
  order: MarketplaceOrder;
  change: UpsertChange;
  previousState: MarketplaceOrderRow["state"] | undefined;
}

/**
 * Stores an order as the marketplace sent it, keyed by (account, marketplace order id). A copy no
 * newer than the stored one changes nothing (re-polling the overlap window is free); a newer one
 * replaces the normalized fields and lines. Buyer details, address, raw payload and the normalized
 * snapshot are encrypted.
 */
export async function upsertMarketplaceOrder(
  tx: Tx,
  keyring: KeyRing,
  input: { accountId: string; storeId: string; order: MarketplaceOrder },
): Promise<UpsertedOrder> {
  const [result] = await upsertMarketplaceOrders(tx, keyring, { ...input, orders: [input.order] });
  return result!;
}

/**
 * `upsertMarketplaceOrder` for a whole page of one account's orders in a handful of statements
 * whatever the page size: a poll stores hundreds of orders a second, and one round trip per order
 * and table was what bounded it. Returns one entry per distinct order id, in page order; an id
 * listed twice counts once, at its newest copy (one multi-row upsert cannot touch a row twice).
 */
export async function upsertMarketplaceOrders(
  tx: Tx,
  keyring: KeyRing,
  input: { accountId: string; storeId: string; orders: readonly MarketplaceOrder[] },
): Promise<UpsertedOrder[]> {
  const newest = new Map<string, MarketplaceOrder>();
  for (const order of input.orders) {
    const seen = newest.get(order.id);
    if (!seen || order.updatedAt > seen.updatedAt) newest.set(order.id, order);
  }
  if (newest.size === 0) return [];
  const ids = [...newest.keys()];
  const previous = new Map(
    (
      await tx
        .select({
          id: marketplaceOrders.id,
          marketplaceOrderId: marketplaceOrders.marketplaceOrderId,
          state: marketplaceOrders.state,
        })
        .from(marketplaceOrders)
        .where(
          and(
            eq(marketplaceOrders.accountId, input.accountId),
            inArray(marketplaceOrders.marketplaceOrderId, ids),
          ),
        )
    ).map((row) => [row.marketplaceOrderId, row]),
  );

  const stored = new Map<string, { id: string; piiPurgedAt: Date | null }>();
  for (const batch of chunks([...newest.values()], 200)) {
    const rows = await tx
      .insert(marketplaceOrders)
      .values(batch.map((order) => orderValues(keyring, input, order)))
      .onConflictDoUpdate({
        target: [marketplaceOrders.accountId, marketplaceOrders.marketplaceOrderId],
        set: { ...EXCLUDED_ORDER_COLUMNS, updatedAt: new Date() },
        // Only a newer copy replaces what we have: redelivered or re-polled orders change nothing.
        setWhere: sql`excluded.marketplace_updated_at > ${marketplaceOrders.marketplaceUpdatedAt}`,
      })
      .returning({
        id: marketplaceOrders.id,
        marketplaceOrderId: marketplaceOrders.marketplaceOrderId,
        piiPurgedAt: marketplaceOrders.piiPurgedAt,
      });
    for (const row of rows) stored.set(row.marketplaceOrderId, row);
  }

  // Erased buyer data stays erased, whatever a later copy of the order carries (read from the
  // upsert itself, so a purge that committed since the select above is seen too).
  const purgedAt = new Map<number, string[]>();
  for (const row of stored.values()) {
    if (row.piiPurgedAt) {
      const at = row.piiPurgedAt.getTime();
      purgedAt.set(at, [...(purgedAt.get(at) ?? []), row.id]);
    }
  }
  for (const [at, orderIds] of purgedAt) await purgeOrderPii(tx, keyring, orderIds, new Date(at));

  const changed = [...stored.values()].map((row) => row.id);
  if (changed.length > 0) {
    await tx.delete(marketplaceOrderLines).where(inArray(marketplaceOrderLines.orderId, changed));
    const lines = [...stored].flatMap(([orderId, row]) =>
      newest.get(orderId)!.lines.map((line) => ({
        orderId: row.id,
        lineId: line.lineId,
        sku: line.sku ?? null,
        title: line.title,
        quantity: line.quantity,
        quantityShipped: line.quantityShipped,
        unitPriceMinor: line.unitPrice.amountMinor,
        taxMinor: line.tax.amountMinor,
        discountMinor: line.discount.amountMinor,
      })),
    );
    for (const batch of chunks(lines, 1000)) await tx.insert(marketplaceOrderLines).values(batch);
  }

  return [...newest].map(([marketplaceOrderId, order]) => {
    const before = previous.get(marketplaceOrderId);
    const row = stored.get(marketplaceOrderId);
    return {
      id: row?.id ?? before!.id,
      order,
      change: !row ? "unchanged" : before ? "updated" : "new",
      previousState: before?.state,
    };
  });
}

function orderValues(
  keyring: KeyRing,
  input: { accountId: string; storeId: string },
  order: MarketplaceOrder,
) {
  const snapshot = { ...order, raw: undefined };
  return {
    accountId: input.accountId,
    storeId: input.storeId,
    marketplace: order.marketplace,
    marketplaceOrderId: order.id,
    marketplaceStatus: order.rawStatus,
    currency: order.currency,
    subtotalMinor: order.totals.subtotal.amountMinor,
    shippingMinor: order.totals.shipping.amountMinor,
    taxMinor: order.totals.tax.amountMinor,
    discountMinor: order.totals.discount.amountMinor,
    totalMinor: order.totals.total.amountMinor,
    buyerEnc: keyring.encrypt(JSON.stringify(order.buyer), CONTEXT.buyer),
    shipToEnc: order.shipTo ? keyring.encrypt(JSON.stringify(order.shipTo), CONTEXT.shipTo) : null,
    shipCountry: order.shipTo?.countryCode?.slice(0, 2).toUpperCase() ?? null,
    rawEnc: keyring.encrypt(JSON.stringify(order.raw ?? null), CONTEXT.raw),
    snapshotEnc: keyring.encrypt(JSON.stringify(snapshot), CONTEXT.snapshot),
    fulfilledByMarketplace: order.fulfilledByMarketplace,
    cancellationRequested: order.buyerCancellationRequested,
    marketplaceCreatedAt: order.createdAt,
    marketplaceUpdatedAt: order.updatedAt,
    buyerKey:
      order.marketplace === "ebay" && order.buyer.userId
        ? keyring.blindIndex(order.buyer.userId, EBAY_USER_INDEX)
        : null,
    buyerSearchKeys: buyerSearchKeys(keyring, order.buyer),
  };
}

/**
 * Every column a newer copy replaces, set from the proposed row (`excluded`) of a multi-row upsert.
 * A record over `orderValues`' keys, so a column added there and forgotten here fails to compile.
 */
const REPLACED_COLUMNS: Record<keyof ReturnType<typeof orderValues>, true> = {
  accountId: true,
  storeId: true,
  marketplace: true,
  marketplaceOrderId: true,
  marketplaceStatus: true,
  currency: true,
  subtotalMinor: true,
  shippingMinor: true,
  taxMinor: true,
  discountMinor: true,
  totalMinor: true,
  buyerEnc: true,
  shipToEnc: true,
  shipCountry: true,
  rawEnc: true,
  snapshotEnc: true,
  fulfilledByMarketplace: true,
  cancellationRequested: true,
  marketplaceCreatedAt: true,
  marketplaceUpdatedAt: true,
  buyerKey: true,
  buyerSearchKeys: true,
};
const EXCLUDED_ORDER_COLUMNS = Object.fromEntries(
  (Object.keys(REPLACED_COLUMNS) as (keyof typeof REPLACED_COLUMNS)[]).map((key) => [
    key,
    sql.raw(`excluded.${marketplaceOrders[key].name}`),
  ]),
);

/** The normalized order the pipeline works from, decrypted, dates revived. */
export async function loadOrderSnapshot(
  db: Tx,
  keyring: KeyRing,
  orderId: string,
): Promise<{ row: MarketplaceOrderRow; order: MarketplaceOrder } | undefined> {
  const [row] = await db.select().from(marketplaceOrders).where(eq(marketplaceOrders.id, orderId));
  if (!row?.snapshotEnc) return undefined;
  const parsed = JSON.parse(keyring.decrypt(row.snapshotEnc, CONTEXT.snapshot)) as MarketplaceOrder;
  const order: MarketplaceOrder = {
    ...parsed,
    createdAt: new Date(parsed.createdAt),
    updatedAt: new Date(parsed.updatedAt),
    shipBy: parsed.shipBy ? new Date(parsed.shipBy) : undefined,
  };
  return { row, order };
}

type OrderEvent = {
  orderId: string;
  storeId: string;
  kind: string;
  params?: Record<string, unknown>;
};

export async function recordEvent(tx: Tx, event: OrderEvent): Promise<void> {
  await recordEvents(tx, [event]);
}

export async function recordEvents(tx: Tx, events: readonly OrderEvent[]): Promise<void> {
  for (const batch of chunks(events)) {
    await tx.insert(syncEvents).values(batch.map((e) => ({ ...e, params: e.params ?? {} })));
  }
}

export async function setOrderState(
  tx: Tx,
  orderId: string,
  state: MarketplaceOrderRow["state"],
  extra: {
    holdReasons?: ReasonCode[];
    checkResults?: MarketplaceOrderRow["checkResults"];
    trackingState?: MarketplaceOrderRow["trackingState"];
  } = {},
): Promise<void> {
  await tx
    .update(marketplaceOrders)
    .set({
      state,
      holdReasons: extra.holdReasons ?? [],
      ...(extra.checkResults ? { checkResults: extra.checkResults } : {}),
      ...(extra.trackingState ? { trackingState: extra.trackingState } : {}),
      updatedAt: new Date(),
    })
    .where(eq(marketplaceOrders.id, orderId));
}
