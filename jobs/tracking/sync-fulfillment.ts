import { and, eq, inArray } from "drizzle-orm";
import { NotFound } from "../../connectors/errors";
import type { StoreFulfillment, StoreOrderId } from "../../connectors/types";
import { parseAccountSettings } from "../../db/account-settings";
import { recordEvent } from "../../db/orders";
import {
  marketplaceAccounts,
  marketplaceOrderLines,
  marketplaceOrders,
  orderLinks,
  type ReasonCode,
  type ShipmentLine,
  shipments,
  stores,
  trackingPushes,
} from "../../db/schema";
import { storeConnectorFor } from "../import/connectors";
import type { ImportDeps } from "../import/poll-account";
import { mapCarrier, OTHER_CARRIER_CODE } from "./carriers";
import { refreshOrderTracking } from "./order-tracking";
import { normalizeTrackingNumber } from "./tracking-number";

export type SyncOutcome =
  /** Not a Marketsync order (no link), or its store/account is gone. */
  | "not_ours"
  /** A newer state of this fulfillment was already applied. */
  | "stale"
  | "not_found"
  /** Recorded; nothing to push (pending, cancelled, tracking sync off, marketplace-fulfilled). */
  | "recorded"
  /** Recorded; its tracking was already pushed (a redelivery or an unrelated change). */
  | "unchanged"
  /** Recorded and a push queued. */
  | "queued"
  /** Recorded; the push waits for the merchant (bad tracking number, no carrier, lines unknown). */
  | "held";

export interface SyncInput {
  storeId: string;
  storeOrderId: string;
  fulfillmentId: string;
  /** The webhook's own updated_at, when it has one: older than what we hold → nothing to do. */
  sourceUpdatedAt?: string | undefined;
  /** Reconciliation passes the fulfillment it already read (no second store call). */
  fulfillment?: StoreFulfillment | undefined;
}

/**
 * A store fulfillment of an imported order becomes our shipment, and its tracking a push to the
 * marketplace. The fulfillment is always read from the store (BigCommerce hooks carry only ids;
 * reading Shopify's too makes out-of-order webhooks harmless: whichever arrives, we apply the
 * store's current state, and never an older one over a newer).
 */
export async function syncFulfillment(deps: ImportDeps, input: SyncInput): Promise<SyncOutcome> {
  const [link] = await deps.db
    .select()
    .from(orderLinks)
    .where(
      and(
        eq(orderLinks.storeId, input.storeId),
        eq(orderLinks.storeOrderId, input.storeOrderId),
        eq(orderLinks.state, "created"),
      ),
    )
    .limit(1);
  if (!link) return "not_ours";
  const [row] = await deps.db
    .select({
      order: marketplaceOrders,
      account: marketplaceAccounts,
      store: stores,
    })
    .from(marketplaceOrders)
    .innerJoin(marketplaceAccounts, eq(marketplaceAccounts.id, marketplaceOrders.accountId))
    .innerJoin(stores, eq(stores.id, marketplaceOrders.storeId))
    .where(eq(marketplaceOrders.id, link.orderId));
  if (!row || row.store.uninstalledAt) return "not_ours";
  const { order, account, store } = row;

  const [existing] = await deps.db
    .select()
    .from(shipments)
    .where(
      and(eq(shipments.storeId, store.id), eq(shipments.storeFulfillmentId, input.fulfillmentId)),
    );
  if (
    existing &&
    input.sourceUpdatedAt &&
    new Date(input.sourceUpdatedAt) < existing.sourceUpdatedAt
  ) {
    return "stale";
  }

  let fulfillment = input.fulfillment;
  if (!fulfillment) {
    try {
      fulfillment = await storeConnectorFor(deps, store).getFulfillment(
        input.storeOrderId as StoreOrderId,
        input.fulfillmentId,
      );
    } catch (error) {
      if (error instanceof NotFound) return "not_found";
      throw error;
    }
  }
  if (existing && fulfillment.updatedAt < existing.sourceUpdatedAt) return "stale";

  const orderLines = await deps.db
    .select({
      lineId: marketplaceOrderLines.lineId,
      sku: marketplaceOrderLines.sku,
      quantity: marketplaceOrderLines.quantity,
    })
    .from(marketplaceOrderLines)
    .where(eq(marketplaceOrderLines.orderId, order.id));
  const mapped = mapFulfillmentLines(fulfillment, orderLines);
  const settings = parseAccountSettings(account.settings);
  const now = deps.now?.() ?? new Date();

  return deps.db.transaction(async (tx) => {
    const values = {
      orderId: order.id,
      storeId: store.id,
      storeFulfillmentId: input.fulfillmentId,
      carrier: fulfillment.carrier ?? null,
      trackingNumber: fulfillment.trackingNumber ?? null,
      trackingUrl: fulfillment.trackingUrl ?? null,
      lines: mapped.lines,
      shippedAt: fulfillment.createdAt,
      sourceUpdatedAt: fulfillment.updatedAt,
      cancelledAt: fulfillment.status === "cancelled" ? now : null,
    };
    // Two syncs of one fulfillment never run together (singleton job), but a webhook and a
    // reconciliation may: the newer store state wins the row.
    const [shipment] = await tx
      .insert(shipments)
      .values(values)
      .onConflictDoUpdate({
        target: [shipments.storeId, shipments.storeFulfillmentId],
        set: { ...values, updatedAt: now },
      })
      .returning();
    const event = (kind: string, params: Record<string, unknown> = {}) =>
      recordEvent(tx, {
        orderId: order.id,
        storeId: store.id,
        kind,
        params: { fulfillmentId: input.fulfillmentId, ...params },
      });

    if (fulfillment.status === "cancelled") {
      if (!existing?.cancelledAt) await event("shipment.cancelled");
      return "recorded";
    }
    if (fulfillment.status !== "success") return "recorded";
    if (!existing) {
      await event("shipment.recorded", {
        carrier: fulfillment.carrier ?? null,
        trackingNumber: fulfillment.trackingNumber ?? null,
      });
    }
    if (order.fulfilledByMarketplace) return "recorded";
    if (!settings.trackingSync) {
      if (!existing) await event("push.disabled");
      return "recorded";
    }

    const earlier = await tx
      .select({
        id: trackingPushes.id,
        trackingNumber: trackingPushes.trackingNumber,
        state: trackingPushes.state,
      })
      .from(trackingPushes)
      .where(eq(trackingPushes.shipmentId, shipment!.id));
    // Held pushes never reached the marketplace: a corrected fulfillment replaces them rather
    // than counting as a tracking change.
    const previous = earlier.filter((p) => p.state !== "held");
    const superseded = earlier.filter((p) => p.state === "held");
    const tracking = normalizeTrackingNumber(fulfillment.trackingNumber, {
      carrier: fulfillment.carrier,
    });
    const trackingKey = tracking.ok ? tracking.value : (fulfillment.trackingNumber ?? "").trim();
    if (earlier.some((p) => p.trackingNumber === trackingKey)) return "unchanged";

    const carrier = mapCarrier({
      marketplace: order.marketplace,
      storeCarrier: fulfillment.carrier,
      overrides: settings.carrierOverrides,
    });
    const reasons: ReasonCode[] = [];
    if (!tracking.ok) reasons.push(tracking.reason);
    if (carrier.carrierCode === OTHER_CARRIER_CODE && !carrier.carrierName) {
      reasons.push({ code: "push.carrier_missing" });
    }
    if (mapped.unmapped.length > 0 || mapped.lines.length === 0) {
      reasons.push({
        code: "push.lines_unmapped",
        params: { skus: mapped.unmapped.join(", ") || "-" },
      });
    }
    if (previous.length > 0 && order.marketplace === "amazon") {
      // Amazon keeps the first confirmation of these items: a second one is refused as
      // over-shipping. The merchant corrects the tracking in Seller Central.
      reasons.push({ code: "push.amazon_tracking_change", params: { tracking: trackingKey } });
    }
    const held = reasons.length > 0;
    if (superseded.length > 0) {
      await tx.delete(trackingPushes).where(
        inArray(
          trackingPushes.id,
          superseded.map((p) => p.id),
        ),
      );
      await event("push.superseded", { trackingNumbers: superseded.map((p) => p.trackingNumber) });
    }
    const [push] = await tx
      .insert(trackingPushes)
      .values({
        shipmentId: shipment!.id,
        orderId: order.id,
        accountId: account.id,
        state: held ? "held" : "pending",
        kind: previous.length > 0 ? "update" : "create",
        carrierCode: carrier.carrierCode,
        carrierName: carrier.carrierName ?? null,
        trackingNumber: trackingKey,
        lines: mapped.lines,
        warnings: tracking.ok ? tracking.warnings : [],
        lastError: held ? reasons[0]! : null,
      })
      .onConflictDoNothing()
      .returning({ id: trackingPushes.id });
    if (!push) return "unchanged";
    if (held) {
      await event("push.held", { reasons });
    } else {
      await event(previous.length > 0 ? "push.tracking_changed" : "push.queued", {
        carrierCode: carrier.carrierCode,
        trackingNumber: trackingKey,
        ...(carrier.source === "unknown" ? { unknownCarrier: carrier.carrierName ?? null } : {}),
      });
      await deps.jobs.send(tx, "tracking.push", { pushId: push.id, accountId: account.id });
    }
    await refreshOrderTracking(tx, order.id, now);
    return held ? "held" : "queued";
  });
}

/**
 * Store fulfillment lines → marketplace line ids and quantities. Each store line carries the
 * marketplace line id we put on it at creation; a line without it (edited in the store) is matched
 * by SKU when exactly one marketplace line has that SKU, and otherwise reported.
 */
export function mapFulfillmentLines(
  fulfillment: Pick<StoreFulfillment, "lines">,
  orderLines: { lineId: string; sku: string | null; quantity: number }[],
): { lines: ShipmentLine[]; unmapped: string[] } {
  const byId = new Map(orderLines.map((l) => [l.lineId, l]));
  const quantities = new Map<string, number>();
  const unmapped: string[] = [];
  for (const line of fulfillment.lines) {
    if (line.quantity <= 0) continue;
    let lineId: string | undefined =
      line.marketplaceLineId && byId.has(line.marketplaceLineId)
        ? line.marketplaceLineId
        : undefined;
    if (!lineId && line.sku) {
      const sku = line.sku.trim().toLowerCase();
      const matches = orderLines.filter((l) => l.sku?.trim().toLowerCase() === sku);
      if (matches.length === 1) lineId = matches[0]!.lineId;
    }
    if (!lineId) {
      unmapped.push(line.sku ?? "?");
      continue;
    }
    quantities.set(lineId, (quantities.get(lineId) ?? 0) + line.quantity);
  }
  return {
    lines: [...quantities].map(([lineId, quantity]) => ({
      lineId,
      // Never confirm more than the marketplace sold on that line.
      quantity: Math.min(quantity, byId.get(lineId)!.quantity),
    })),
    unmapped,
  };
}
