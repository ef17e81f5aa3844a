import { eq, sql } from "drizzle-orm";
import {
  AuthRevoked,
  type ConnectorError,
  isConnectorError,
  NotFound,
} from "../../connectors/errors";
import type {
  MarketplaceConnector,
  MarketplaceLineId,
  MarketplaceOrderId,
  MarketplaceShipment,
} from "../../connectors/types";
import { markNeedsReconnect } from "../../db/accounts";
import { recordEvent } from "../../db/orders";
import {
  marketplaceAccounts,
  marketplaceOrders,
  type ReasonCode,
  shipments,
  trackingPushes,
  type TrackingPushRow,
} from "../../db/schema";
import { marketplaceConnectorFor } from "../import/connectors";
import type { ImportDeps } from "../import/poll-account";
import { refreshOrderTracking } from "./order-tracking";

export type PushOutcome =
  | "sent"
  | "confirmed"
  /** The marketplace already had this tracking (an earlier attempt landed, or the seller typed it). */
  | "adopted"
  | "failed"
  /** Nothing to do: already sent/confirmed/failed/held, or the push is gone. */
  | "skipped";

/** Read-backs after `sent` before the push is declared failed (Amazon may show a package late). */
export const VERIFY_DELAY_SECONDS = 30;

interface PushContext {
  push: TrackingPushRow;
  orderId: MarketplaceOrderId;
  storeId: string;
  shippedAt: Date;
  connector: MarketplaceConnector;
}

async function loadPush(
  deps: ImportDeps,
  pushId: string,
): Promise<
  | (Omit<PushContext, "connector"> & { account: typeof marketplaceAccounts.$inferSelect })
  | undefined
> {
  const [row] = await deps.db
    .select({
      push: trackingPushes,
      marketplaceOrderId: marketplaceOrders.marketplaceOrderId,
      storeId: marketplaceOrders.storeId,
      shippedAt: shipments.shippedAt,
      account: marketplaceAccounts,
    })
    .from(trackingPushes)
    .innerJoin(marketplaceOrders, eq(marketplaceOrders.id, trackingPushes.orderId))
    .innerJoin(shipments, eq(shipments.id, trackingPushes.shipmentId))
    .innerJoin(marketplaceAccounts, eq(marketplaceAccounts.id, trackingPushes.accountId))
    .where(eq(trackingPushes.id, pushId));
  if (!row) return undefined;
  return {
    push: row.push,
    orderId: row.marketplaceOrderId as MarketplaceOrderId,
    storeId: row.storeId,
    shippedAt: row.shippedAt,
    account: row.account,
  };
}

/**
 * Sends one push. eBay creates a new package on every call and neither marketplace takes an
 * idempotency key, so the marketplace is read first: a tracking number it already shows (an
 * earlier attempt that landed before a crash or a lost answer) is adopted, never sent twice. Then
 * the order is read back: only a shipment the marketplace shows, with its carrier, is `confirmed`.
 */
export async function pushTracking(
  deps: ImportDeps,
  input: { pushId: string; lastAttempt?: boolean },
): Promise<PushOutcome> {
  const loaded = await loadPush(deps, input.pushId);
  if (!loaded) return "skipped";
  const { push, account } = loaded;
  if (push.state !== "pending" && push.state !== "retrying" && push.state !== "sending") {
    return "skipped";
  }
  if (account.status !== "active") {
    await fail(deps, loaded, { code: "push.account_inactive", params: { status: account.status } });
    return "failed";
  }
  const ctx: PushContext = { ...loaded, connector: marketplaceConnectorFor(deps, account) };
  await deps.db
    .update(trackingPushes)
    .set({ state: "sending", attempts: sql`${trackingPushes.attempts} + 1`, updatedAt: now(deps) })
    .where(eq(trackingPushes.id, push.id));

  let outcome: "sent" | "adopted";
  let fulfillmentId: string | undefined;
  try {
    const already = findTracking(await ctx.connector.listShipments(ctx.orderId), push);
    if (already) {
      outcome = "adopted";
      fulfillmentId = already.fulfillmentId;
    } else {
      const result = await ctx.connector.confirmShipment({
        orderId: ctx.orderId,
        carrierCode: push.carrierCode,
        carrierName: push.carrierName ?? undefined,
        trackingNumber: push.trackingNumber,
        shippedAt: ctx.shippedAt,
        lines: push.lines.map((l) => ({
          lineId: l.lineId as MarketplaceLineId,
          quantity: l.quantity,
        })),
      });
      outcome = "sent";
      fulfillmentId = result.fulfillmentId;
    }
  } catch (error) {
    return handleFailure(deps, ctx, error, input.lastAttempt ?? false);
  }

  await deps.db.transaction(async (tx) => {
    await tx
      .update(trackingPushes)
      .set({
        state: "sent",
        sentAt: now(deps),
        marketplaceFulfillmentId: fulfillmentId ?? null,
        lastError: null,
        updatedAt: now(deps),
      })
      .where(eq(trackingPushes.id, push.id));
    await recordEvent(tx, {
      orderId: push.orderId,
      storeId: ctx.storeId,
      kind: outcome === "adopted" ? "push.adopted" : "push.sent",
      params: { carrierCode: push.carrierCode, trackingNumber: push.trackingNumber },
    });
    await refreshOrderTracking(tx, push.orderId, now(deps));
  });

  deps.logger.info(
    {
      pushId: push.id,
      platform: account.platform,
      orderId: ctx.orderId,
      carrierCode: push.carrierCode,
      outcome,
    },
    outcome === "adopted"
      ? "tracking already on the marketplace"
      : "tracking sent to the marketplace",
  );
  const verified = await verify(deps, ctx, { lastAttempt: false }).catch(() => "later" as const);
  if (verified === "later") {
    await deps.jobs.send(
      deps.db,
      "tracking.verify",
      { pushId: push.id, accountId: push.accountId },
      { startAfterSeconds: VERIFY_DELAY_SECONDS },
    );
  }
  return verified === "confirmed" ? "confirmed" : outcome;
}

/** The `tracking.verify` job: read a sent push back; retried with backoff until it shows. */
export async function verifyPush(
  deps: ImportDeps,
  input: { pushId: string; lastAttempt?: boolean },
): Promise<PushOutcome> {
  const loaded = await loadPush(deps, input.pushId);
  if (!loaded || loaded.push.state !== "sent") return "skipped";
  const ctx: PushContext = { ...loaded, connector: marketplaceConnectorFor(deps, loaded.account) };
  const result = await verify(deps, ctx, { lastAttempt: input.lastAttempt ?? false });
  if (result === "later") {
    // pg-boss retries this job with backoff: the read-back is the only thing repeated.
    throw new Error(`push ${loaded.push.id} not visible on ${loaded.account.platform} yet`);
  }
  return result === "confirmed" ? "confirmed" : "failed";
}

async function verify(
  deps: ImportDeps,
  ctx: PushContext,
  options: { lastAttempt: boolean },
): Promise<"confirmed" | "failed" | "later"> {
  const found = findTracking(await ctx.connector.listShipments(ctx.orderId), ctx.push);
  if (found && found.carrierCode) {
    await deps.db.transaction(async (tx) => {
      await tx
        .update(trackingPushes)
        .set({ state: "confirmed", confirmedAt: now(deps), updatedAt: now(deps) })
        .where(eq(trackingPushes.id, ctx.push.id));
      await recordEvent(tx, {
        orderId: ctx.push.orderId,
        storeId: ctx.storeId,
        kind: "push.confirmed",
        params: { trackingNumber: ctx.push.trackingNumber },
      });
      await refreshOrderTracking(tx, ctx.push.orderId, now(deps));
    });
    return "confirmed";
  }
  if (found && !found.carrierCode) {
    // Amazon has answered 204 and then shown the package without its carrier: the buyer sees no
    // carrier. Resending would add a second package; the merchant fixes it in Seller Central.
    await fail(deps, ctx, {
      code: "push.carrier_dropped",
      params: { carrier: ctx.push.carrierCode },
    });
    return "failed";
  }
  await deps.db
    .update(trackingPushes)
    .set({ verifyAttempts: sql`${trackingPushes.verifyAttempts} + 1`, updatedAt: now(deps) })
    .where(eq(trackingPushes.id, ctx.push.id));
  if (options.lastAttempt) {
    await fail(deps, ctx, { code: "push.not_visible" });
    return "failed";
  }
  return "later";
}

async function handleFailure(
  deps: ImportDeps,
  ctx: PushContext,
  error: unknown,
  lastAttempt: boolean,
): Promise<PushOutcome> {
  if (!isConnectorError(error) || error.retryable) {
    const reason: ReasonCode = isConnectorError(error)
      ? error.merchant
      : { code: "push.unexpected_error" };
    if (lastAttempt) {
      // Out of retries: pg-boss dead-letters the job; the merchant can retry the push by hand.
      await fail(deps, ctx, { code: "push.gave_up", params: { attempts: ctx.push.attempts + 1 } });
    } else {
      await deps.db
        .update(trackingPushes)
        .set({ state: "retrying", lastError: reason, updatedAt: now(deps) })
        .where(eq(trackingPushes.id, ctx.push.id));
    }
    throw error;
  }
  const connectorError = error as ConnectorError;
  if (connectorError instanceof AuthRevoked) await markNeedsReconnect(deps.db, ctx.push.accountId);
  await fail(
    deps,
    ctx,
    connectorError instanceof NotFound
      ? { code: "push.order_not_found", params: { platform: connectorError.platform } }
      : connectorError.merchant,
  );
  return "failed";
}

async function fail(
  deps: ImportDeps,
  ctx: Pick<PushContext, "push" | "storeId">,
  reason: ReasonCode,
): Promise<void> {
  deps.logger.warn({ pushId: ctx.push.id, reason: reason.code }, "tracking push failed");
  await deps.db.transaction(async (tx) => {
    await tx
      .update(trackingPushes)
      .set({ state: "failed", lastError: reason, updatedAt: now(deps) })
      .where(eq(trackingPushes.id, ctx.push.id));
    await recordEvent(tx, {
      orderId: ctx.push.orderId,
      storeId: ctx.storeId,
      kind: "push.failed",
      params: { reason },
    });
    await refreshOrderTracking(tx, ctx.push.orderId, now(deps));
  });
}

function findTracking(
  shipped: MarketplaceShipment[],
  push: Pick<TrackingPushRow, "trackingNumber">,
): MarketplaceShipment | undefined {
  const wanted = canonical(push.trackingNumber);
  return shipped.find((s) => s.trackingNumber && canonical(s.trackingNumber) === wanted);
}

const canonical = (tracking: string) => tracking.replace(/[\s-]+/g, "").toUpperCase();

const now = (deps: ImportDeps) => deps.now?.() ?? new Date();
