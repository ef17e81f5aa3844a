import { and, count, countDistinct, eq, gte, sql } from "drizzle-orm";
import type { Database } from "./client";
import {
  marketplaceAccounts,
  marketplaceOrders,
  orderLinks,
  stores,
  trackingPushes,
} from "./schema";

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
  /** One entry per UTC day, oldest first, the last one being today: the dashboard's chart. */
  daily: DailyCounts[];
}

export interface DailyCounts {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  /** Store orders created that day. */
  imported: number;
  /** Orders whose tracking the marketplace showed back that day. */
  confirmed: number;
}

/** Days the dashboard's chart covers, today included. */
export const CHART_DAYS = 14;

/** The dashboard's figures for one store, read in a handful of indexed queries. */
export async function loadDashboardStats(
  db: Database,
  storeId: string,
  options: { now?: Date } = {},
): Promise<DashboardStats> {
  const days = chartDays(options.now ?? new Date());
  const since = new Date(`${days[0]}T00:00:00Z`);
  const [byState, byMarketplace, [failed], accounts, imported, confirmed] = await Promise.all([
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
    db
      .select({ day: utcDay(orderLinks.createdAt), n: count() })
      .from(orderLinks)
      .where(
        and(
          eq(orderLinks.storeId, storeId),
          eq(orderLinks.state, "created"),
          gte(orderLinks.createdAt, since),
        ),
      )
      .groupBy(sql`1`),
    // Through the store's few accounts, so the pushes' (account, state) index does the work.
    db
      .select({ day: utcDay(trackingPushes.confirmedAt), n: countDistinct(trackingPushes.orderId) })
      .from(trackingPushes)
      .innerJoin(marketplaceAccounts, eq(marketplaceAccounts.id, trackingPushes.accountId))
      .where(
        and(
          eq(marketplaceAccounts.storeId, storeId),
          eq(trackingPushes.state, "confirmed"),
          gte(trackingPushes.confirmedAt, since),
        ),
      )
      .groupBy(sql`1`),
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
    daily: days.map((day) => ({
      day,
      imported: imported.find((r) => r.day === day)?.n ?? 0,
      confirmed: confirmed.find((r) => r.day === day)?.n ?? 0,
    })),
  };
}

/** The chart's days, oldest first. UTC: the stores do not tell us the merchant's time zone. */
function chartDays(now: Date): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: CHART_DAYS }, (_, i) =>
    new Date(today - (CHART_DAYS - 1 - i) * 86_400_000).toISOString().slice(0, 10),
  );
}

function utcDay(column: typeof orderLinks.createdAt | typeof trackingPushes.confirmedAt) {
  return sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD')`;
}

export interface AlertCounts {
  heldOrders: number;
  /** Orders whose tracking push failed for good (the merchant can retry them). */
  failedPushes: number;
  accountsNeedingReconnect: number;
}

/**
 * What needs the merchant's attention, in one statement on indexed counts: the app layout runs it
 * on every admin page for the banner, and the e-mail digest reads the same figures.
 */
export async function loadAlertCounts(db: Database, storeId: string): Promise<AlertCounts> {
  const [row] = await db
    .select({
      heldOrders: sql<number>`(select count(*)::int from ${marketplaceOrders}
        where ${marketplaceOrders.storeId} = ${storeId} and ${marketplaceOrders.state} = 'held')`,
      failedPushes: sql<number>`(select count(*)::int from ${marketplaceOrders}
        where ${marketplaceOrders.storeId} = ${storeId}
          and ${marketplaceOrders.trackingState} = 'failed')`,
      accountsNeedingReconnect: sql<number>`(select count(*)::int from ${marketplaceAccounts}
        where ${marketplaceAccounts.storeId} = ${storeId}
          and ${marketplaceAccounts.status} = 'needs_reconnect')`,
    })
    .from(stores)
    .where(eq(stores.id, storeId));
  return {
    heldOrders: Number(row?.heldOrders ?? 0),
    failedPushes: Number(row?.failedPushes ?? 0),
    accountsNeedingReconnect: Number(row?.accountsNeedingReconnect ?? 0),
  };
}
