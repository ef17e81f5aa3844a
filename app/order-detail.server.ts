import { and, asc, desc, eq, inArray, isNull, or, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import {
  marketplaceAccounts,
  marketplaceOrderLines,
  marketplaceOrders,
  orderLinks,
  shipments,
  skuMappings,
  type ReasonCode,
  type StoreRow,
  syncEvents,
  trackingPushes,
} from "../db/schema";
import { storeAdminOrderUrl } from "./store-admin-urls.server";
import { normalizeSku } from "../jobs/import/sku-resolution";

/** The newest events shown; an order's timeline rarely has more than a few dozen. */
export const TIMELINE_LIMIT = 200;

/**
 * Failed attempts listed per push: a push makes at most its queue's retry limit + 1 attempts
 * before it gives up, and the merchant rarely retries one more than a few times.
 */
export const ATTEMPTS_LIMIT = 100;

/** One failed attempt to send a push, with what the marketplace answered. */
export interface FailedAttempt {
  attempt: number;
  at: Date;
  answer: ReasonCode;
  status: number | null;
  vendorCode: string | null;
}

/** Whether the order exists in this store (what an action checks before touching it). */
export async function isStoreOrder(db: Database, storeId: string, orderId: string) {
  const [row] = await db
    .select({ id: marketplaceOrders.id })
    .from(marketplaceOrders)
    .where(and(eq(marketplaceOrders.id, orderId), eq(marketplaceOrders.storeId, storeId)));
  return row !== undefined;
}

/**
 * Everything the order detail page shows, for one order of one store: `undefined` when the order
 * does not exist *in this store* (another store's id looks exactly like a missing one). Buyer
 * details stay encrypted: the page has no need for them.
 */
export async function loadOrderDetail(db: Database, store: StoreRow, orderId: string) {
  const [row] = await db
    .select({
      order: {
        id: marketplaceOrders.id,
        accountId: marketplaceOrders.accountId,
        marketplace: marketplaceOrders.marketplace,
        marketplaceOrderId: marketplaceOrders.marketplaceOrderId,
        marketplaceStatus: marketplaceOrders.marketplaceStatus,
        state: marketplaceOrders.state,
        trackingState: marketplaceOrders.trackingState,
        currency: marketplaceOrders.currency,
        subtotalMinor: marketplaceOrders.subtotalMinor,
        shippingMinor: marketplaceOrders.shippingMinor,
        taxMinor: marketplaceOrders.taxMinor,
        discountMinor: marketplaceOrders.discountMinor,
        totalMinor: marketplaceOrders.totalMinor,
        shipCountry: marketplaceOrders.shipCountry,
        checkResults: marketplaceOrders.checkResults,
        holdReasons: marketplaceOrders.holdReasons,
        fulfilledByMarketplace: marketplaceOrders.fulfilledByMarketplace,
        marketplaceCreatedAt: marketplaceOrders.marketplaceCreatedAt,
      },
      account: { id: marketplaceAccounts.id, displayName: marketplaceAccounts.displayName },
    })
    .from(marketplaceOrders)
    .innerJoin(marketplaceAccounts, eq(marketplaceAccounts.id, marketplaceOrders.accountId))
    .where(and(eq(marketplaceOrders.id, orderId), eq(marketplaceOrders.storeId, store.id)));
  if (!row) return undefined;

  const [lines, links, orderShipments, pushes, events, attemptEvents] = await Promise.all([
    db
      .select({
        id: marketplaceOrderLines.id,
        lineId: marketplaceOrderLines.lineId,
        sku: marketplaceOrderLines.sku,
        title: marketplaceOrderLines.title,
        quantity: marketplaceOrderLines.quantity,
        quantityShipped: marketplaceOrderLines.quantityShipped,
        unitPriceMinor: marketplaceOrderLines.unitPriceMinor,
      })
      .from(marketplaceOrderLines)
      .where(eq(marketplaceOrderLines.orderId, orderId))
      .orderBy(asc(marketplaceOrderLines.lineId)),
    db
      .select({
        state: orderLinks.state,
        storeOrderId: orderLinks.storeOrderId,
        storeOrderName: orderLinks.storeOrderName,
      })
      .from(orderLinks)
      .where(eq(orderLinks.orderId, orderId)),
    db
      .select({
        id: shipments.id,
        carrier: shipments.carrier,
        trackingNumber: shipments.trackingNumber,
        trackingUrl: shipments.trackingUrl,
        shippedAt: shipments.shippedAt,
        cancelledAt: shipments.cancelledAt,
      })
      .from(shipments)
      .where(eq(shipments.orderId, orderId))
      .orderBy(asc(shipments.shippedAt)),
    db
      .select({
        id: trackingPushes.id,
        shipmentId: trackingPushes.shipmentId,
        state: trackingPushes.state,
        kind: trackingPushes.kind,
        carrierCode: trackingPushes.carrierCode,
        carrierName: trackingPushes.carrierName,
        trackingNumber: trackingPushes.trackingNumber,
        attempts: trackingPushes.attempts,
        lastError: trackingPushes.lastError,
        warnings: trackingPushes.warnings,
        sentAt: trackingPushes.sentAt,
        confirmedAt: trackingPushes.confirmedAt,
        createdAt: trackingPushes.createdAt,
      })
      .from(trackingPushes)
      .where(eq(trackingPushes.orderId, orderId))
      .orderBy(asc(trackingPushes.createdAt)),
    db
      .select({
        id: syncEvents.id,
        kind: syncEvents.kind,
        params: syncEvents.params,
        at: syncEvents.at,
      })
      .from(syncEvents)
      .where(eq(syncEvents.orderId, orderId))
      .orderBy(desc(syncEvents.at), desc(syncEvents.id))
      .limit(TIMELINE_LIMIT),
    db
      .select({ params: syncEvents.params, at: syncEvents.at })
      .from(syncEvents)
      .where(and(eq(syncEvents.orderId, orderId), eq(syncEvents.kind, "push.attempt_failed")))
      .orderBy(desc(syncEvents.id))
      .limit(ATTEMPTS_LIMIT),
  ]);

  const mappings = await mappingsFor(
    db,
    store.id,
    row.order.accountId,
    lines.map((l) => l.sku).filter((s): s is string => !!s),
  );
  const link = links[0];
  const created = link?.state === "created";
  const skusToFix = skusHeldFor(row.order.state, row.order.holdReasons);
  return {
    order: row.order,
    account: row.account,
    lines: lines.map((line) => {
      const sku = line.sku ? normalizeSku(line.sku) : undefined;
      return {
        ...line,
        mapping: sku ? (mappings.get(sku) ?? null) : null,
        /** In the store order by its own SKU (every line of a created order resolved). */
        sameSkuInStore: created,
        /** A hold reason names this line's SKU: the merchant fixes it by (re)mapping it. */
        needsMapping: Boolean(sku && skusToFix.has(sku)),
      };
    }),
    storeOrder: link
      ? {
          state: link.state,
          name: link.storeOrderName,
          adminUrl: link.storeOrderId ? storeAdminOrderUrl(store, link.storeOrderId) : null,
        }
      : null,
    shipments: orderShipments.map((s) => ({
      ...s,
      pushes: pushes
        .filter((p) => p.shipmentId === s.id)
        .map((p) => ({ ...p, failedAttempts: failedAttemptsOf(attemptEvents, p.id) })),
    })),
    events: events.reverse(),
  };
}

/** The SKUs (normalized) the order is held for, while it can still be created. */
function skusHeldFor(state: string, reasons: ReasonCode[]): Set<string> {
  if (!["held", "waiting", "new"].includes(state)) return new Set();
  return new Set(
    reasons
      .filter((reason) => reason.code.startsWith("sku."))
      .map((reason) => reason.params?.sku)
      .filter((sku): sku is string => typeof sku === "string")
      .map(normalizeSku),
  );
}

export type OrderDetail = NonNullable<Awaited<ReturnType<typeof loadOrderDetail>>>;

/** A push's `push.attempt_failed` events (jobs/tracking/push-tracking.ts), oldest first. */
function failedAttemptsOf(
  events: { params: Record<string, unknown>; at: Date }[],
  pushId: string,
): FailedAttempt[] {
  const attempts: FailedAttempt[] = [];
  for (const { params, at } of events) {
    if (params.pushId !== pushId || typeof params.attempt !== "number") continue;
    const reason = params.reason as ReasonCode | undefined;
    if (typeof reason?.code !== "string") continue;
    attempts.push({
      attempt: params.attempt,
      at,
      answer: reason,
      status: typeof params.status === "number" ? params.status : null,
      vendorCode: typeof params.vendorCode === "string" ? params.vendorCode : null,
    });
  }
  return attempts.reverse();
}

/**
 * The SKU mapping each line's SKU goes through, as the pre-check picks it: the account's own
 * mapping first, else the store-wide one.
 */
async function mappingsFor(db: Database, storeId: string, accountId: string, skus: string[]) {
  const found = new Map<string, { storeSku: string; accountWide: boolean }>();
  if (skus.length === 0) return found;
  const rows = await db
    .select({
      marketplaceSku: skuMappings.marketplaceSku,
      storeSku: skuMappings.storeSku,
      accountId: skuMappings.accountId,
    })
    .from(skuMappings)
    .where(
      and(
        eq(skuMappings.storeId, storeId),
        or(eq(skuMappings.accountId, accountId), isNull(skuMappings.accountId)),
        inArray(sql`lower(btrim(${skuMappings.marketplaceSku}))`, skus.map(normalizeSku)),
      ),
    );
  // Store-wide rows first, so that the account's own mapping overwrites them.
  rows.sort((a, b) => (a.accountId ? 1 : 0) - (b.accountId ? 1 : 0));
  for (const r of rows) {
    found.set(normalizeSku(r.marketplaceSku), {
      storeSku: r.storeSku,
      accountWide: r.accountId === null,
    });
  }
  return found;
}
