import { and, eq, sql } from "drizzle-orm";
import type { MarketplaceOrder } from "../connectors/types";
import { buyerSearchKeys } from "./buyer-search";
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
): Promise<{
  id: string;
  change: UpsertChange;
  previousState: MarketplaceOrderRow["state"] | undefined;
}> {
  const { order } = input;
  const snapshot = { ...order, raw: undefined };
  const values = {
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
  const [previous] = await tx
    .select({ id: marketplaceOrders.id, state: marketplaceOrders.state })
    .from(marketplaceOrders)
    .where(
      and(
        eq(marketplaceOrders.accountId, input.accountId),
        eq(marketplaceOrders.marketplaceOrderId, order.id),
      ),
    )
    .limit(1);
  const [row] = await tx
    .insert(marketplaceOrders)
    .values(values)
    .onConflictDoUpdate({
      target: [marketplaceOrders.accountId, marketplaceOrders.marketplaceOrderId],
      set: { ...values, updatedAt: new Date() },
      // Only a newer copy replaces what we have: redelivered or re-polled orders change nothing.
      setWhere: sql`excluded.marketplace_updated_at > ${marketplaceOrders.marketplaceUpdatedAt}`,
    })
    .returning({ id: marketplaceOrders.id, piiPurgedAt: marketplaceOrders.piiPurgedAt });
  if (!row) return { id: previous!.id, change: "unchanged", previousState: previous!.state };
  // Erased buyer data stays erased, whatever a later copy of the order carries (read from the
  // upsert itself, so a purge that committed since the select above is seen too).
  if (row.piiPurgedAt) await purgeOrderPii(tx, keyring, [row.id], row.piiPurgedAt);

  await tx.delete(marketplaceOrderLines).where(eq(marketplaceOrderLines.orderId, row.id));
  if (order.lines.length > 0) {
    await tx.insert(marketplaceOrderLines).values(
      order.lines.map((line) => ({
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
  }
  return { id: row.id, change: previous ? "updated" : "new", previousState: previous?.state };
}

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

export async function recordEvent(
  tx: Tx,
  event: { orderId: string; storeId: string; kind: string; params?: Record<string, unknown> },
): Promise<void> {
  await tx.insert(syncEvents).values({ ...event, params: event.params ?? {} });
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
