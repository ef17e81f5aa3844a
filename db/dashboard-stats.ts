import { and, count, eq } from "drizzle-orm";
import type { Database } from "./client";
import { marketplaceAccounts, marketplaceOrders, trackingPushes } from "./schema";

type OrderState = (typeof marketplaceOrders.state.enumValues)[number];
type Marketplace = (typeof marketplaceOrders.marketplace.enumValues)[number];

export interface DashboardStats {
  ordersByState: Record<OrderState, number>;
  ordersByMarketplace: Record<Marketplace, number>;
  totalOrders: number;
  failedPushes: number;
  accounts: {
    id: string;
    platform: Marketplace;
    displayName: string;
    status: (typeof marketplaceAccounts.status.enumValues)[number];
    lastImportAt: Date | null;
  }[];
}

/** The dashboard's figures for one store, read in a handful of indexed queries. */
export async function loadDashboardStats(db: Database, storeId: string): Promise<DashboardStats> {
  const [byState, byMarketplace, [failed], accounts] = await Promise.all([
    db
      .select({ state: marketplaceOrders.state, n: count() })
      .from(marketplaceOrders)
      .where(eq(marketplaceOrders.storeId, storeId))
      .groupBy(marketplaceOrders.state),
    db
      .select({ marketplace: marketplaceOrders.marketplace, n: count() })
      .from(marketplaceOrders)
      .where(eq(marketplaceOrders.storeId, storeId))
      .groupBy(marketplaceOrders.marketplace),
    db
      .select({ n: count() })
      .from(trackingPushes)
      .innerJoin(marketplaceOrders, eq(marketplaceOrders.id, trackingPushes.orderId))
      .where(and(eq(marketplaceOrders.storeId, storeId), eq(trackingPushes.state, "failed"))),
    db
      .select({
        id: marketplaceAccounts.id,
        platform: marketplaceAccounts.platform,
        displayName: marketplaceAccounts.displayName,
        status: marketplaceAccounts.status,
        lastImportAt: marketplaceAccounts.lastImportAt,
      })
      .from(marketplaceAccounts)
      .where(eq(marketplaceAccounts.storeId, storeId))
      .orderBy(marketplaceAccounts.displayName),
  ]);

  const ordersByState = Object.fromEntries(
    marketplaceOrders.state.enumValues.map((s) => [s, 0]),
  ) as Record<OrderState, number>;
  for (const row of byState) ordersByState[row.state] = row.n;
  const ordersByMarketplace = Object.fromEntries(
    marketplaceOrders.marketplace.enumValues.map((m) => [m, 0]),
  ) as Record<Marketplace, number>;
  for (const row of byMarketplace) ordersByMarketplace[row.marketplace] = row.n;

  return {
    ordersByState,
    ordersByMarketplace,
    totalOrders: byState.reduce((sum, r) => sum + r.n, 0),
    failedPushes: failed?.n ?? 0,
    accounts,
  };
}
