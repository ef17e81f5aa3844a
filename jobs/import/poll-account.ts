import { eq } from "drizzle-orm";
import { AuthRevoked } from "../../connectors/errors";
import type { MarketplaceOrder } from "../../connectors/types";
import { markNeedsReconnect } from "../../db/accounts";
import { parseAccountSettings } from "../../db/account-settings";
import { recordEvents, type Tx, upsertMarketplaceOrders } from "../../db/orders";
import { marketplaceAccounts, type MarketplaceOrderRow, stores } from "../../db/schema";
import type { JobQueue } from "../boss";
import { type ConnectorDeps, marketplaceConnectorFor } from "./connectors";

export interface ImportDeps extends ConnectorDeps {
  jobs: JobQueue;
  now?: () => Date;
}

/**
 * Marketplaces index "last updated" eventually, not at once: each poll looks this far behind its
 * cursor, and the upsert makes the overlap free.
 */
export const CURSOR_OVERLAP_MS = 10 * 60_000;
/** A first poll with no import-from date looks this far back. */
export const FIRST_POLL_LOOKBACK_MS = 7 * 86_400_000;

export interface PollResult {
  status: "done" | "inactive" | "reconnect";
  pages: number;
  seen: number;
  created: number;
  updated: number;
}

/**
 * Reads the account's orders changed since its cursor (minus the overlap), stores each one and, in
 * the same transaction, enqueues what it now needs (pre-checks and creation, or cancellation). The
 * cursor only moves once every page is stored, so a crash re-reads rather than skips.
 */
export async function pollAccount(
  deps: ImportDeps,
  input: { accountId: string; since?: Date | undefined },
): Promise<PollResult> {
  const now = deps.now?.() ?? new Date();
  const result: PollResult = { status: "done", pages: 0, seen: 0, created: 0, updated: 0 };
  const [account] = await deps.db
    .select()
    .from(marketplaceAccounts)
    .where(eq(marketplaceAccounts.id, input.accountId));
  if (!account || account.status !== "active") return { ...result, status: "inactive" };
  const [store] = await deps.db.select().from(stores).where(eq(stores.id, account.storeId));
  if (!store || store.uninstalledAt) return { ...result, status: "inactive" };

  const settings = parseAccountSettings(account.settings);
  const since =
    input.since ??
    (account.importCursor
      ? new Date(account.importCursor.getTime() - CURSOR_OVERLAP_MS)
      : settings.importFrom
        ? new Date(settings.importFrom)
        : new Date(now.getTime() - FIRST_POLL_LOOKBACK_MS));

  const connector = marketplaceConnectorFor(deps, account);
  let cursor = account.importCursor ?? since;
  let pageToken: string | undefined;
  try {
    do {
      const page = await connector.listOrders({ updatedSince: since, pageToken });
      result.pages += 1;
      await deps.db.transaction(async (tx) => {
        const stored = await storePage(deps, tx, account.id, store.id, page.orders);
        result.seen += stored.length;
        result.created += stored.filter((order) => order.change === "new").length;
        result.updated += stored.filter((order) => order.change === "updated").length;
      });
      for (const order of page.orders) if (order.updatedAt > cursor) cursor = order.updatedAt;
      pageToken = page.nextPageToken;
    } while (pageToken);
  } catch (error) {
    if (error instanceof AuthRevoked) {
      // Nothing is lost: the cursor stays where it was and the next poll after reconnecting
      // reads from there.
      await markNeedsReconnect(deps.db, account.id);
      deps.logger.warn({ accountId: account.id, ...error.toLog() }, "account needs reconnecting");
      return { ...result, status: "reconnect" };
    }
    throw error;
  }
  await deps.db
    .update(marketplaceAccounts)
    .set({ importCursor: cursor, lastImportAt: now })
    .where(eq(marketplaceAccounts.id, account.id));
  return result;
}

/** Stores one page and, for each new or changed order, records why and enqueues what it needs. */
async function storePage(
  deps: ImportDeps,
  tx: Tx,
  accountId: string,
  storeId: string,
  orders: readonly MarketplaceOrder[],
) {
  const stored = await upsertMarketplaceOrders(tx, deps.keyring, { accountId, storeId, orders });
  const changed = stored.filter((row) => row.change !== "unchanged");
  await recordEvents(
    tx,
    changed.map(({ id, change, order }) => ({
      orderId: id,
      storeId,
      kind: change === "new" ? "order.received" : "order.updated",
      params: { status: order.rawStatus },
    })),
  );
  for (const name of ["order.process", "order.cancel"] as const) {
    const payloads = changed
      .filter(({ previousState, order }) => nextJob(previousState, order) === name)
      .map(({ id }) => ({ orderId: id, accountId }));
    await deps.jobs.sendMany(tx, name, payloads);
  }
  return stored;
}

/** What a new or changed order needs, from where it stood before. */
function nextJob(
  previous: MarketplaceOrderRow["state"] | undefined,
  order: MarketplaceOrder,
): "order.process" | "order.cancel" | undefined {
  if (previous === "imported") return order.status === "cancelled" ? "order.cancel" : undefined;
  if (previous === "cancelled") return undefined;
  return "order.process";
}
