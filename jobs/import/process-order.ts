import { and, eq, isNull, or } from "drizzle-orm";
import { AuthRevoked, Rejected } from "../../connectors/errors";
import type { StoreOrderRef } from "../../connectors/types";
import { markNeedsReconnect } from "../../db/accounts";
import { parseAccountSettings } from "../../db/account-settings";
import {
  markLinkCreated,
  markLinkFailed,
  recordCreationIntent,
  recordAdoptedLink,
} from "../../db/links";
import { loadOrderSnapshot, recordEvent, setOrderState, type Tx } from "../../db/orders";
import {
  marketplaceAccounts,
  type MarketplaceAccountRow,
  type MarketplaceOrderRow,
  orderLinks,
  type ReasonCode,
  skuMappings,
  type StoreRow,
  stores,
} from "../../db/schema";
import { cancelImportedOrder } from "./cancel-order";
import { storeConnectorFor } from "./connectors";
import type { ImportDeps } from "./poll-account";
import { runPreChecks } from "./pre-checks";
import { resolveLineVariants, skusToLookUp } from "./sku-resolution";
import { buildStoreOrderInput, StoreOrderInputError } from "./store-order";

export type ProcessResult =
  "imported" | "cancelled" | "adopted" | "held" | "waiting" | "skipped" | "unchanged" | "reconnect";

/** The reason a merchant's own "skip" leaves on an order, so re-polls leave it alone. */
export const SKIPPED_BY_MERCHANT = "order.skipped_by_merchant";
/** The hold of an order whose store no longer accepts our token (re-checked when it does). */
export const STORE_ACCESS_REVOKED = "store.access_revoked";

/**
 * One marketplace order: pre-checks, then exactly one store order.
 *
 * Exactly once: neither store API takes an idempotency key, so the intent (an `order_links` row in
 * state `creating`) is committed before the store is called. A crash or an unclear failure leaves
 * that row behind, and the next attempt looks the order up in the store by its marketplace
 * reference before creating anything. The unique key on (account, marketplace order id) makes two
 * workers' intents the same row, and the account's jobs run one at a time.
 */
export async function processOrder(
  deps: ImportDeps,
  input: { orderId: string },
): Promise<ProcessResult> {
  const snapshot = await loadOrderSnapshot(deps.db, deps.keyring, input.orderId);
  if (!snapshot) return "unchanged";
  const { row, order } = snapshot;
  // A cancellation that arrived while the order was being created is carried out now.
  if (row.state === "imported" && order.status === "cancelled") {
    const outcome = await cancelImportedOrder(deps, { orderId: row.id });
    return outcome === "cancelled" ? "cancelled" : "unchanged";
  }
  if (row.state === "imported" || row.state === "cancelled") return "unchanged";
  if (row.state === "skipped" && row.holdReasons.some((r) => r.code === SKIPPED_BY_MERCHANT)) {
    return "unchanged";
  }
  // Account, store and the order's link in one round trip: this runs once per order of a backlog.
  const [context] = await deps.db
    .select({ account: marketplaceAccounts, store: stores, link: orderLinks })
    .from(marketplaceAccounts)
    .innerJoin(stores, eq(stores.id, marketplaceAccounts.storeId))
    .leftJoin(orderLinks, eq(orderLinks.orderId, row.id))
    .where(eq(marketplaceAccounts.id, row.accountId));
  if (!context || context.store.uninstalledAt) return "unchanged";
  const { account, store } = context;
  const link = context.link ?? undefined;

  const settings = parseAccountSettings(account.settings);
  const connector = storeConnectorFor(deps, store);

  try {
    // Only an intent without an outcome calls for a look in the store: without one, no attempt
    // was ever made, so the store cannot hold this order.
    const foundStoreOrder =
      link && link.state !== "created"
        ? await connector.findOrderByMarketplaceRef(order.marketplace, order.id)
        : undefined;

    const mappings = await deps.db
      .select()
      .from(skuMappings)
      .where(
        and(
          eq(skuMappings.storeId, store.id),
          or(isNull(skuMappings.accountId), eq(skuMappings.accountId, account.id)),
        ),
      );
    const wanted = skusToLookUp(order.lines, mappings);
    const variantsBySku = wanted.length > 0 ? await connector.findVariantsBySku(wanted) : new Map();
    const decision = runPreChecks({
      order,
      settings,
      accountStatus: account.status,
      storeCurrencies: storeCurrencies(store),
      alreadyLinked: link?.state === "created",
      foundStoreOrder,
      lineResolutions: resolveLineVariants({ lines: order.lines, mappings, variantsBySku }),
    });
    const checkResults = decision.checks.map((c) => ({
      name: c.name,
      result: c.result,
      ...(c.reasons ? { reasons: c.reasons } : {}),
    }));

    if (decision.adopt) {
      await adopt(deps, { row, account, store, ref: decision.adopt, checkResults });
      return "adopted";
    }
    if (decision.outcome !== "create") {
      const state =
        decision.outcome === "hold" ? "held" : decision.outcome === "wait" ? "waiting" : "skipped";
      await settle(deps.db, row.id, store.id, state, decision.reasons, checkResults);
      return state === "held" ? "held" : state === "waiting" ? "waiting" : "skipped";
    }

    let storeInput;
    try {
      storeInput = buildStoreOrderInput({
        order,
        resolvedLines: decision.resolvedLines ?? [],
        settings,
        store: { platform: store.platform, currencies: storeCurrencies(store) },
      });
    } catch (error) {
      if (!(error instanceof StoreOrderInputError)) throw error;
      await settle(deps.db, row.id, store.id, "held", [error.reason], checkResults);
      return "held";
    }

    const intent = await deps.db.transaction(async (tx) => {
      const created = await recordCreationIntent(tx, {
        orderId: row.id,
        accountId: account.id,
        storeId: store.id,
        marketplaceOrderId: order.id,
      });
      await setOrderState(tx, row.id, "creating", { checkResults });
      await recordEvent(tx, {
        orderId: row.id,
        storeId: store.id,
        kind: "order.creating",
        params: { attempt: created.attempts },
      });
      return created;
    });

    let ref: StoreOrderRef;
    try {
      ref = await connector.createOrder(storeInput);
    } catch (error) {
      if (!(error instanceof Rejected)) throw error; // unclear: the intent stays, the job retries
      await deps.db.transaction(async (tx) => {
        await markLinkFailed(tx, intent.id);
        await setOrderState(tx, row.id, "held", {
          holdReasons: [storeRejected(store, error)],
          checkResults,
        });
        await recordEvent(tx, {
          orderId: row.id,
          storeId: store.id,
          kind: "order.rejected_by_store",
          params: { message: error.vendorMessage ?? error.message },
        });
      });
      return "held";
    }
    await deps.db.transaction(async (tx) => {
      await markLinkCreated(tx, intent.id, ref);
      await setOrderState(tx, row.id, "imported", { checkResults });
      await recordEvent(tx, {
        orderId: row.id,
        storeId: store.id,
        kind: "order.imported",
        params: { storeOrderName: ref.name, storeOrderId: ref.id },
      });
    });
    return "imported";
  } catch (error) {
    if (error instanceof AuthRevoked && error.platform === store.platform) {
      // The store's grant is gone and retrying won't bring it back. Held, not left as it was: the
      // merchant sees why, and restoring access (the next install or admin token exchange)
      // re-checks these orders (recheckStoreAccessHolds).
      deps.logger.warn({ storeId: store.id, ...error.toLog() }, "store access revoked");
      await settle(
        deps.db,
        row.id,
        store.id,
        "held",
        [{ code: STORE_ACCESS_REVOKED, params: { platform: store.platform } }],
        row.checkResults,
      );
      return "held";
    }
    if (error instanceof AuthRevoked) {
      await markNeedsReconnect(deps.db, account.id);
      return "reconnect";
    }
    throw error;
  }
}

function storeCurrencies(store: StoreRow): string[] {
  return store.currency ? [store.currency] : [];
}

function storeRejected(store: StoreRow, error: Rejected): ReasonCode {
  return {
    code: "store.rejected",
    params: { platform: store.platform, message: error.vendorMessage ?? error.message },
  };
}

async function settle(
  db: Tx,
  orderId: string,
  storeId: string,
  state: "held" | "waiting" | "skipped",
  reasons: ReasonCode[],
  checkResults: MarketplaceOrderRow["checkResults"],
): Promise<void> {
  await db.transaction(async (tx) => {
    await setOrderState(tx, orderId, state, { holdReasons: reasons, checkResults });
    await recordEvent(tx, {
      orderId,
      storeId,
      kind: `order.${state}`,
      params: { reasons },
    });
  });
}

/** The store already has this order (an earlier attempt got through): record it, create nothing. */
async function adopt(
  deps: ImportDeps,
  input: {
    row: { id: string; marketplaceOrderId: string };
    account: MarketplaceAccountRow;
    store: StoreRow;
    ref: StoreOrderRef;
    checkResults: MarketplaceOrderRow["checkResults"];
  },
): Promise<void> {
  await deps.db.transaction(async (tx) => {
    await recordAdoptedLink(tx, {
      orderId: input.row.id,
      accountId: input.account.id,
      storeId: input.store.id,
      marketplaceOrderId: input.row.marketplaceOrderId,
      ref: input.ref,
    });
    await setOrderState(tx, input.row.id, "imported", { checkResults: input.checkResults });
    await recordEvent(tx, {
      orderId: input.row.id,
      storeId: input.store.id,
      kind: "order.found_in_store",
      params: { storeOrderName: input.ref.name, storeOrderId: input.ref.id },
    });
  });
}
