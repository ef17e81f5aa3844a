import { and, asc, eq, inArray } from "drizzle-orm";
import { AuthRevoked, isConnectorError, NotFound } from "../../connectors/errors";
import type { CancellationStatus, MarketplaceOrderId } from "../../connectors/types";
import { markNeedsReconnect } from "../../db/accounts";
import { parseAccountSettings } from "../../db/account-settings";
import { recordEvent, setOrderState } from "../../db/orders";
import {
  marketplaceAccounts,
  type MarketplaceAccountRow,
  marketplaceOrders,
  type MarketplaceOrderRow,
  orderLinks,
  type ReasonCode,
  shipments,
  syncEvents,
} from "../../db/schema";
import { marketplaceConnectorFor } from "../import/connectors";
import type { ImportDeps } from "../import/poll-account";

export type StoreCancellationOutcome =
  | "not_ours"
  /** We cancelled it ourselves (the marketplace order was cancelled first). */
  | "already_cancelled"
  /** Recorded; the account does not cancel on the marketplace. */
  | "recorded"
  | "after_shipment"
  | "marketplace_cancelled"
  /** Submitted; a follow-up run of this job reads the outcome. */
  | "marketplace_pending"
  | "marketplace_refused";

/** How long after a submission the next look at its outcome is due. */
export const CANCEL_CHECK_DELAY_SECONDS = 60;
/** A submission still unconfirmed after this long is reported to the merchant. */
export const CANCEL_CONFIRM_LIMIT_MS = 6 * 3_600_000;

const KIND = {
  store: "store.cancelled",
  submitted: "marketplace.cancel_submitted",
  cancelled: "marketplace.cancelled",
  failed: "marketplace.cancel_failed",
} as const;

interface Context {
  order: MarketplaceOrderRow;
  account: MarketplaceAccountRow;
  input: { storeId: string; storeOrderId: string };
}

/**
 * The merchant cancelled an imported order in the store. Always recorded; when the account's
 * `cancelOnMarketplace` is on and nothing has shipped, the marketplace order is cancelled too —
 * Amazon through an order-acknowledgement feed, eBay through the Post-Order API — and its outcome
 * read back (a feed is processed later: this job comes back for it). The timeline is the state:
 * each step is an event, so a retried or repeated job resumes where the last one stopped.
 * Transient vendor errors throw (pg-boss retries); refusals go on the timeline with the vendor's
 * words.
 */
export async function handleStoreCancellation(
  deps: ImportDeps,
  input: { storeId: string; storeOrderId: string },
): Promise<StoreCancellationOutcome> {
  const [row] = await deps.db
    .select({ order: marketplaceOrders, account: marketplaceAccounts, link: orderLinks })
    .from(orderLinks)
    .innerJoin(marketplaceOrders, eq(marketplaceOrders.id, orderLinks.orderId))
    .innerJoin(marketplaceAccounts, eq(marketplaceAccounts.id, orderLinks.accountId))
    .where(
      and(eq(orderLinks.storeId, input.storeId), eq(orderLinks.storeOrderId, input.storeOrderId)),
    )
    .limit(1);
  if (!row) return "not_ours";
  const { order, account, link } = row;
  const events = await cancellationEvents(deps, order.id);
  const recorded = events.find((e) => e.kind === KIND.store);
  if (!recorded) {
    if (order.state === "cancelled") return "already_cancelled";
    const shipped = await deps.db
      .select({ id: shipments.id })
      .from(shipments)
      .where(eq(shipments.orderId, order.id))
      .limit(1);
    const requested = parseAccountSettings(account.settings).cancelOnMarketplace;
    const outcome = await deps.db.transaction(async (tx) => {
      if (
        shipped.length > 0 ||
        order.trackingState === "sent" ||
        order.trackingState === "confirmed"
      ) {
        await recordEvent(tx, {
          orderId: order.id,
          storeId: order.storeId,
          kind: "store.cancelled_after_shipment",
          params: { storeOrderName: link.storeOrderName },
        });
        return "after_shipment" as const;
      }
      await setOrderState(tx, order.id, "cancelled");
      await recordEvent(tx, {
        orderId: order.id,
        storeId: order.storeId,
        kind: KIND.store,
        params: {
          storeOrderName: link.storeOrderName,
          marketplace: order.marketplace,
          cancelOnMarketplace: requested ? "requested" : "not_requested",
        },
      });
      return requested ? undefined : ("recorded" as const);
    });
    if (outcome) return outcome;
  } else if (recorded.params.cancelOnMarketplace !== "requested") {
    return "recorded";
  }

  if (events.some((e) => e.kind === KIND.cancelled)) return "marketplace_cancelled";
  if (events.some((e) => e.kind === KIND.failed)) return "marketplace_refused";
  const ctx: Context = { order, account, input };
  try {
    const submitted = events.find((e) => e.kind === KIND.submitted);
    if (submitted && typeof submitted.params.reference === "string") {
      return await settle(deps, ctx, submitted.params.reference, submitted.at);
    }
    return await submit(deps, ctx);
  } catch (error) {
    if (!isConnectorError(error) || error.retryable || error.kind === "auth_expired") throw error;
    if (error instanceof AuthRevoked) await markNeedsReconnect(deps.db, account.id);
    const reason: ReasonCode =
      error instanceof NotFound
        ? { code: "cancel.order_not_found", params: { platform: error.platform } }
        : error.kind === "rejected"
          ? {
              code: "cancel.refused",
              params: { platform: error.platform, message: error.vendorMessage ?? error.message },
            }
          : error.merchant;
    await record(deps, order, KIND.failed, { reason });
    deps.logger.warn(
      { orderId: order.id, ...error.toLog() },
      "marketplace cancellation refused; the merchant is told",
    );
    return "marketplace_refused";
  }
}

/** Reads the marketplace first: an order cancelled there already is adopted, a shipped one left. */
async function submit(deps: ImportDeps, ctx: Context): Promise<StoreCancellationOutcome> {
  const connector = marketplaceConnectorFor(deps, ctx.account);
  const id = ctx.order.marketplaceOrderId as MarketplaceOrderId;
  const current = await connector.getOrder(id);
  if (current.status === "cancelled") {
    await record(deps, ctx.order, KIND.cancelled, { adopted: true });
    return "marketplace_cancelled";
  }
  if (current.status === "shipped" || current.status === "partially_shipped") {
    const reason = { code: "cancel.already_shipped", params: { platform: connector.marketplace } };
    await record(deps, ctx.order, KIND.failed, { reason });
    return "marketplace_refused";
  }
  const { reference } = await connector.cancelOrder(id, {
    reason: current.buyerCancellationRequested ? "buyer_asked" : "cannot_fulfill",
    sellerId: ctx.account.sellerId,
  });
  const at = await record(deps, ctx.order, KIND.submitted, { reference });
  return settle(deps, ctx, reference, at);
}

async function settle(
  deps: ImportDeps,
  ctx: Context,
  reference: string,
  submittedAt: Date,
): Promise<StoreCancellationOutcome> {
  const connector = marketplaceConnectorFor(deps, ctx.account);
  const id = ctx.order.marketplaceOrderId as MarketplaceOrderId;
  const status: CancellationStatus = await connector.cancellationStatus(id, reference);
  if (status.state === "cancelled") {
    await record(deps, ctx.order, KIND.cancelled, { reference });
    return "marketplace_cancelled";
  }
  if (status.state === "refused") {
    const reason = {
      code: "cancel.refused",
      params: { platform: connector.marketplace, message: status.message },
    };
    await record(deps, ctx.order, KIND.failed, { reference, reason });
    return "marketplace_refused";
  }
  const now = deps.now?.() ?? new Date();
  if (now.getTime() - submittedAt.getTime() > CANCEL_CONFIRM_LIMIT_MS) {
    const reason = {
      code: "cancel.unconfirmed",
      params: { platform: connector.marketplace, hours: CANCEL_CONFIRM_LIMIT_MS / 3_600_000 },
    };
    await record(deps, ctx.order, KIND.failed, { reference, reason });
    return "marketplace_refused";
  }
  // A later run of this same job (one per store order) looks again.
  await deps.jobs.send(deps.db, "store.order_cancelled", ctx.input, {
    startAfterSeconds: CANCEL_CHECK_DELAY_SECONDS,
  });
  return "marketplace_pending";
}

async function cancellationEvents(deps: ImportDeps, orderId: string) {
  return deps.db
    .select({ kind: syncEvents.kind, params: syncEvents.params, at: syncEvents.at })
    .from(syncEvents)
    .where(and(eq(syncEvents.orderId, orderId), inArray(syncEvents.kind, Object.values(KIND))))
    .orderBy(asc(syncEvents.id));
}

async function record(
  deps: ImportDeps,
  order: MarketplaceOrderRow,
  kind: string,
  params: Record<string, unknown>,
): Promise<Date> {
  const [event] = await deps.db
    .insert(syncEvents)
    .values({ orderId: order.id, storeId: order.storeId, kind, params })
    .returning({ at: syncEvents.at });
  return event?.at ?? new Date();
}
