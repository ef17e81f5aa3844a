import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
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
  /**
   * Nothing to do: already sent/confirmed/failed/held, or the push is gone; or another attempt
   * settled it while this one waited on the marketplace (its result is dropped).
   */
  | "skipped";

/** Read-backs after `sent` before the push is declared failed (Amazon may show a package late). */
export const VERIFY_DELAY_SECONDS = 30;

/** Push states an attempt may start from (`sending`: an attempt that died mid-call). */
const SENDABLE: TrackingPushRow["state"][] = ["pending", "retrying", "sending"];

/**
 * pg-boss lets a handler whose claim lapsed (its job expired while a vendor call hung) run on while
 * a retry of the same job takes over, so every write is conditional on who still owns the push:
 * an attempt only writes while the push is `sending` under its own attempt number (each claim
 * bumps `attempts`), and a read-back only moves a push that is `sent`. Without this the stale
 * attempt's late timeout turned a push the retry had confirmed back into `retrying`, with no job
 * left to finish it (test/integration/tracking-crash.test.ts).
 */
const ownedBy = (pushId: string, attempt: number): SQL =>
  and(
    eq(trackingPushes.id, pushId),
    eq(trackingPushes.state, "sending"),
    eq(trackingPushes.attempts, attempt),
  )!;
const sentState = (pushId: string): SQL =>
  and(eq(trackingPushes.id, pushId), eq(trackingPushes.state, "sent"))!;

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
  if (!SENDABLE.includes(push.state)) return "skipped";
  const sendable = and(eq(trackingPushes.id, push.id), inArray(trackingPushes.state, SENDABLE))!;
  if (account.status !== "active") {
    const reason = { code: "push.account_inactive", params: { status: account.status } };
    return (await fail(deps, loaded, reason, sendable)) ? "failed" : "skipped";
  }
  const ctx: PushContext = { ...loaded, connector: marketplaceConnectorFor(deps, account) };
  const [claimed] = await deps.db
    .update(trackingPushes)
    .set({ state: "sending", attempts: sql`${trackingPushes.attempts} + 1`, updatedAt: now(deps) })
    .where(sendable)
    .returning({ attempt: trackingPushes.attempts });
  if (!claimed) return "skipped";
  const owned = ownedBy(push.id, claimed.attempt);

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
    return handleFailure(deps, ctx, error, {
      lastAttempt: input.lastAttempt ?? false,
      attempt: claimed.attempt,
      owned,
    });
  }

  const recorded = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .update(trackingPushes)
      .set({
        state: "sent",
        sentAt: now(deps),
        marketplaceFulfillmentId: fulfillmentId ?? null,
        lastError: null,
        updatedAt: now(deps),
      })
      .where(owned)
      .returning({ id: trackingPushes.id });
    if (!row) return false;
    await recordEvent(tx, {
      orderId: push.orderId,
      storeId: ctx.storeId,
      kind: outcome === "adopted" ? "push.adopted" : "push.sent",
      params: { carrierCode: push.carrierCode, trackingNumber: push.trackingNumber },
    });
    await refreshOrderTracking(tx, push.orderId, now(deps));
    return true;
  });
  if (!recorded) {
    // A newer attempt took the push over while this call was out. If this call sent a package
    // the newer one did not see, the marketplace now shows it twice: say so, loudly.
    deps.logger.warn(
      { pushId: push.id, attempt: claimed.attempt, outcome, platform: account.platform },
      "stale tracking push attempt finished after another attempt took over; its result is dropped",
    );
    return "skipped";
  }

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
  if (verified === "skipped") return "skipped";
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
  return result;
}

/** `skipped`: the push was no longer `sent` (another read-back or attempt settled it). */
async function verify(
  deps: ImportDeps,
  ctx: PushContext,
  options: { lastAttempt: boolean },
): Promise<"confirmed" | "failed" | "later" | "skipped"> {
  const found = findTracking(await ctx.connector.listShipments(ctx.orderId), ctx.push);
  const sent = sentState(ctx.push.id);
  if (found && found.carrierCode) {
    return deps.db.transaction(async (tx) => {
      const [row] = await tx
        .update(trackingPushes)
        .set({ state: "confirmed", confirmedAt: now(deps), updatedAt: now(deps) })
        .where(sent)
        .returning({ id: trackingPushes.id });
      if (!row) return "skipped" as const;
      await recordEvent(tx, {
        orderId: ctx.push.orderId,
        storeId: ctx.storeId,
        kind: "push.confirmed",
        params: { trackingNumber: ctx.push.trackingNumber },
      });
      await refreshOrderTracking(tx, ctx.push.orderId, now(deps));
      return "confirmed" as const;
    });
  }
  if (found && !found.carrierCode) {
    // Amazon has answered 204 and then shown the package without its carrier: the buyer sees no
    // carrier. Resending would add a second package; the merchant fixes it in Seller Central.
    const reason = { code: "push.carrier_dropped", params: { carrier: ctx.push.carrierCode } };
    return (await fail(deps, ctx, reason, sent)) ? "failed" : "skipped";
  }
  await deps.db
    .update(trackingPushes)
    .set({ verifyAttempts: sql`${trackingPushes.verifyAttempts} + 1`, updatedAt: now(deps) })
    .where(eq(trackingPushes.id, ctx.push.id));
  if (options.lastAttempt) {
    return (await fail(deps, ctx, { code: "push.not_visible" }, sent)) ? "failed" : "skipped";
  }
  return "later";
}

/**
 * What the marketplace answered a failed attempt, for the order's timeline: a reason the merchant
 * reads, and the vendor's HTTP status and error code when it gave them. Never the vendor's free
 * text for retryable answers: timeline events outlive the buyer-data purge, and a 5xx page or a
 * throttle body says nothing the status and code do not (a `Rejected` answer's own words are
 * already in its reason, as on the push itself).
 */
export interface AttemptAnswer {
  reason: ReasonCode;
  status?: number;
  vendorCode?: string;
}

/** Vendor error codes as the connectors join them (`InvalidInput,QuotaExceeded`, eBay `32100`). */
const VENDOR_CODE = /^[\w.,:-]{1,80}$/;

function answerOf(error: unknown, reason: ReasonCode): AttemptAnswer {
  if (!isConnectorError(error)) return { reason: { code: "push.answer.unexpected" } };
  const answer: AttemptAnswer = {
    // The connector's reason for a retryable answer adds "retrying automatically", which the
    // last attempt cannot say: the attempt keeps only the answer, its event says what follows.
    reason:
      error.kind === "rate_limited"
        ? { code: "push.answer.rate_limited", params: { platform: error.platform } }
        : error.kind === "transient"
          ? { code: "push.answer.unavailable", params: { platform: error.platform } }
          : reason,
  };
  if (error.status !== undefined) answer.status = error.status;
  if (error.vendorCode && VENDOR_CODE.test(error.vendorCode)) answer.vendorCode = error.vendorCode;
  return answer;
}

/** The `push.attempt_failed` event of one claimed attempt; `retrying`: another attempt follows. */
function attemptFailedEvent(
  ctx: Pick<PushContext, "push" | "storeId">,
  attempt: number,
  answer: AttemptAnswer,
  retrying: boolean,
) {
  return {
    orderId: ctx.push.orderId,
    storeId: ctx.storeId,
    kind: "push.attempt_failed",
    params: {
      pushId: ctx.push.id,
      trackingNumber: ctx.push.trackingNumber,
      attempt,
      retrying,
      ...answer,
    },
  };
}

async function handleFailure(
  deps: ImportDeps,
  ctx: PushContext,
  error: unknown,
  attempt: { lastAttempt: boolean; attempt: number; owned: SQL },
): Promise<PushOutcome> {
  if (!isConnectorError(error) || error.retryable) {
    const reason: ReasonCode = isConnectorError(error)
      ? error.merchant
      : { code: "push.unexpected_error" };
    const answer = answerOf(error, reason);
    if (attempt.lastAttempt) {
      // Out of retries: pg-boss dead-letters the job; the merchant can retry the push by hand.
      // The push says it gave up; what the marketplace last answered stays on the timeline.
      const gaveUp = { code: "push.gave_up", params: { attempts: attempt.attempt } };
      await fail(deps, ctx, gaveUp, attempt.owned, {
        event: attemptFailedEvent(ctx, attempt.attempt, answer, false),
        lastAnswer: answer.reason,
      });
    } else {
      await deps.db.transaction(async (tx) => {
        const [row] = await tx
          .update(trackingPushes)
          .set({ state: "retrying", lastError: reason, updatedAt: now(deps) })
          .where(attempt.owned)
          .returning({ id: trackingPushes.id });
        // A stale attempt (another one owns the push now) leaves the timeline to the owner.
        if (row) await recordEvent(tx, attemptFailedEvent(ctx, attempt.attempt, answer, true));
      });
    }
    throw error;
  }
  const connectorError = error as ConnectorError;
  if (connectorError instanceof AuthRevoked) await markNeedsReconnect(deps.db, ctx.push.accountId);
  const reason =
    connectorError instanceof NotFound
      ? { code: "push.order_not_found", params: { platform: connectorError.platform } }
      : connectorError.merchant;
  const failed = await fail(deps, ctx, reason, attempt.owned, {
    event: attemptFailedEvent(ctx, attempt.attempt, answerOf(error, reason), false),
  });
  return failed ? "failed" : "skipped";
}

/**
 * Marks the push failed while `guard` holds; false when another attempt settled it first. When an
 * attempt to send failed, `attempt.event` is recorded with it, before the push's `push.failed`;
 * `lastAnswer` keeps the marketplace's answer there when the push's reason replaces it
 * (`push.gave_up`), so the final state and the last answer are both on record.
 */
async function fail(
  deps: ImportDeps,
  ctx: Pick<PushContext, "push" | "storeId">,
  reason: ReasonCode,
  guard: SQL,
  attempt?: { event: ReturnType<typeof attemptFailedEvent>; lastAnswer?: ReasonCode },
): Promise<boolean> {
  const failed = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .update(trackingPushes)
      .set({ state: "failed", lastError: reason, updatedAt: now(deps) })
      .where(guard)
      .returning({ id: trackingPushes.id });
    if (!row) return false;
    if (attempt) await recordEvent(tx, attempt.event);
    await recordEvent(tx, {
      orderId: ctx.push.orderId,
      storeId: ctx.storeId,
      kind: "push.failed",
      params: attempt?.lastAnswer ? { reason, lastAnswer: attempt.lastAnswer } : { reason },
    });
    await refreshOrderTracking(tx, ctx.push.orderId, now(deps));
    return true;
  });
  if (failed) {
    deps.logger.warn({ pushId: ctx.push.id, reason: reason.code }, "tracking push failed");
  }
  return failed;
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
