import { and, asc, eq, isNotNull, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import { purgeOrderPii } from "../../db/pii";
import { marketplaceOrders } from "../../db/schema";
import type { ImportDeps } from "../import/poll-account";

/**
 * Amazon's data protection policy: buyer PII is kept no longer than 30 days after the order is
 * shipped. We apply it to every marketplace, and to cancelled orders (nothing will ever ship).
 */

export interface PurgeOptions {
  now?: Date;
  olderThanDays?: number;
  batchSize?: number;
}

export interface PurgeResult {
  shipped: number;
  cancelled: number;
}

const DAY_MS = 86_400_000;

export async function purgeShippedOrdersPii(
  deps: Pick<ImportDeps, "db" | "keyring" | "logger" | "now">,
  options: PurgeOptions = {},
): Promise<PurgeResult> {
  const now = options.now ?? deps.now?.() ?? new Date();
  const cutoff = new Date(now.getTime() - (options.olderThanDays ?? 30) * DAY_MS);
  const batchSize = options.batchSize ?? 500;

  const shipped = await purgeInBatches(
    deps,
    now,
    batchSize,
    // Served by marketplace_orders_shipped_unpurged_idx.
    and(
      isNull(marketplaceOrders.piiPurgedAt),
      isNotNull(marketplaceOrders.shippedAt),
      lt(marketplaceOrders.shippedAt, cutoff),
    )!,
    marketplaceOrders.shippedAt,
  );
  // There is no cancellation date: the marketplace's last change of a cancelled order is its
  // cancellation. "cancelled" is an imported order we cancelled in the store; one cancelled before
  // import was skipped with the `order.cancelled` reason.
  const cancelled = await purgeInBatches(
    deps,
    now,
    batchSize,
    and(
      isNull(marketplaceOrders.piiPurgedAt),
      isNull(marketplaceOrders.shippedAt),
      lt(marketplaceOrders.marketplaceUpdatedAt, cutoff),
      or(
        eq(marketplaceOrders.state, "cancelled"),
        and(
          eq(marketplaceOrders.state, "skipped"),
          sql`${marketplaceOrders.holdReasons} @> '[{"code":"order.cancelled"}]'::jsonb`,
        ),
      ),
    )!,
    marketplaceOrders.marketplaceUpdatedAt,
  );
  if (shipped + cancelled > 0) {
    deps.logger.info({ shipped, cancelled }, "buyer PII purged from old orders");
  }
  return { shipped, cancelled };
}

/**
 * One transaction per batch, so a long purge never holds many rows at once. SKIP LOCKED leaves an
 * order an import is writing right now to the next run rather than waiting on it.
 */
async function purgeInBatches(
  deps: Pick<ImportDeps, "db" | "keyring">,
  now: Date,
  batchSize: number,
  where: SQL,
  orderBy: typeof marketplaceOrders.shippedAt | typeof marketplaceOrders.marketplaceUpdatedAt,
): Promise<number> {
  let total = 0;
  for (;;) {
    const purged = await deps.db.transaction(async (tx) => {
      const batch = await tx
        .select({ id: marketplaceOrders.id })
        .from(marketplaceOrders)
        .where(where)
        .orderBy(asc(orderBy))
        .limit(batchSize)
        .for("update", { skipLocked: true });
      return purgeOrderPii(
        tx,
        deps.keyring,
        batch.map((row) => row.id),
        now,
      );
    });
    total += purged;
    if (purged < batchSize) return total;
  }
}
