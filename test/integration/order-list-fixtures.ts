import { eq, sql } from "drizzle-orm";
import type { MarketplaceOrder } from "../../connectors/types";
import { money } from "../../connectors/money";
import type { Database } from "../../db/client";
import type { KeyRing } from "../../db/encryption";
import { upsertMarketplaceOrder } from "../../db/orders";
import {
  marketplaceAccounts,
  marketplaceOrders,
  orderLinks,
  type MarketplaceOrderRow,
  type StoreRow,
} from "../../db/schema";
import { upsertInstalledStore } from "../../db/stores";

export interface OrderSpec {
  key: string;
  account: "ebay" | "amazon";
  state: MarketplaceOrderRow["state"];
  tracking?: MarketplaceOrderRow["trackingState"];
  /** ISO instant, microseconds allowed (written by SQL, as Postgres keeps them). */
  createdAt: string;
  buyer?: { name?: string; email?: string };
  storeOrderName?: string;
  totalMinor?: number;
}

export interface SeededStore {
  store: StoreRow;
  accounts: Record<"ebay" | "amazon", { id: string; displayName: string }>;
  /** Order id by spec key. */
  ids: Record<string, string>;
}

function marketplaceOrder(spec: OrderSpec, marketplace: "ebay" | "amazon"): MarketplaceOrder {
  const currency = marketplace === "ebay" ? "USD" : "EUR";
  const total = money((spec.totalMinor ?? 2599) / 100, currency);
  const zero = money(0, currency);
  return {
    marketplace,
    id: spec.key as MarketplaceOrder["id"],
    status: "ready",
    rawStatus: "PAID",
    createdAt: new Date(spec.createdAt),
    updatedAt: new Date(spec.createdAt),
    marketplaceId: marketplace === "ebay" ? "EBAY_US" : "A13V1IB3VIYZZH",
    currency,
    fulfilledByMarketplace: false,
    taxCollectedByMarketplace: false,
    pricesIncludeTax: marketplace === "amazon",
    buyerCancellationRequested: false,
    buyer: spec.buyer ?? {},
    shipTo: undefined,
    lines: [],
    totals: { subtotal: total, shipping: zero, tax: zero, discount: zero, total },
    raw: {},
  };
}

/**
 * A store with an eBay and an Amazon account and these orders, written through the import's own
 * upsert (so buyer details are encrypted and indexed as in production), then moved to their state.
 */
export async function seedStoreOrders(
  db: Database,
  keyring: KeyRing,
  domain: string,
  specs: OrderSpec[],
): Promise<SeededStore> {
  const store = await upsertInstalledStore(
    { db, keyring },
    { platform: "shopify", externalId: domain, accessToken: "t", scopes: "" },
  );
  return { store, ...(await seedAccountsAndOrders(db, keyring, store, specs)) };
}

/**
 * An eBay and an Amazon account of an existing store, and these orders. Apart from the store row,
 * so a test can seed a database still at an older migration (whose `stores` lacks newer columns).
 */
export async function seedAccountsAndOrders(
  db: Database,
  keyring: KeyRing,
  store: Pick<StoreRow, "id" | "externalId">,
  specs: OrderSpec[],
): Promise<Omit<SeededStore, "store">> {
  const domain = store.externalId;
  const accounts = {} as SeededStore["accounts"];
  for (const platform of ["ebay", "amazon"] as const) {
    const displayName = `${platform === "ebay" ? "eBay US" : "Amazon FR"} ${domain}`;
    const [row] = await db
      .insert(marketplaceAccounts)
      .values({
        storeId: store.id,
        platform,
        sellerId: `${platform}-${domain}`,
        displayName,
        region: platform === "ebay" ? "EBAY_US" : "eu",
      })
      .returning({ id: marketplaceAccounts.id });
    accounts[platform] = { id: row!.id, displayName };
  }
  const ids: Record<string, string> = {};
  for (const spec of specs) {
    const accountId = accounts[spec.account].id;
    const { id } = await upsertMarketplaceOrder(db, keyring, {
      accountId,
      storeId: store.id,
      order: marketplaceOrder(spec, spec.account),
    });
    ids[spec.key] = id;
    await db
      .update(marketplaceOrders)
      .set({
        state: spec.state,
        trackingState: spec.tracking ?? "none",
        marketplaceCreatedAt: sql`${spec.createdAt}::timestamptz`,
      })
      .where(eq(marketplaceOrders.id, id));
    if (spec.storeOrderName) {
      await db.insert(orderLinks).values({
        orderId: id,
        accountId,
        storeId: store.id,
        marketplaceOrderId: spec.key,
        state: "created",
        storeOrderId: `gid://shopify/Order/${spec.storeOrderName.slice(1)}`,
        storeOrderName: spec.storeOrderName,
      });
    }
  }
  return { accounts, ids };
}

/** Store A: one order per state the merchant filters by, buyers, and five orders in one instant. */
export const STORE_A_ORDERS: OrderSpec[] = [
  {
    key: "A-IMPORTED",
    account: "ebay",
    state: "imported",
    createdAt: "2026-11-01T09:00:00Z",
    buyer: { name: "Élodie  Martin", email: "Elodie.Martin@example.fr" },
    storeOrderName: "#1001",
  },
  {
    key: "A-CONFIRMED",
    account: "amazon",
    state: "imported",
    tracking: "confirmed",
    createdAt: "2026-11-02T09:00:00Z",
    storeOrderName: "#1002",
  },
  {
    key: "A-SENT",
    account: "ebay",
    state: "imported",
    tracking: "sent",
    createdAt: "2026-11-03T09:00:00Z",
    storeOrderName: "#1003",
  },
  {
    key: "A-PENDING",
    account: "amazon",
    state: "imported",
    tracking: "pending",
    createdAt: "2026-11-04T09:00:00Z",
    storeOrderName: "#1004",
  },
  {
    key: "A-PUSH-FAILED",
    account: "ebay",
    state: "imported",
    tracking: "failed",
    createdAt: "2026-11-05T09:00:00Z",
    storeOrderName: "#1005",
  },
  {
    key: "A-HELD",
    account: "ebay",
    state: "held",
    createdAt: "2026-11-06T09:00:00Z",
    buyer: { name: "John Smith", email: "john@example.com" },
  },
  { key: "A-SKIPPED", account: "amazon", state: "skipped", createdAt: "2026-11-07T09:00:00Z" },
  { key: "A-FAILED", account: "ebay", state: "failed", createdAt: "2026-11-08T09:00:00Z" },
  { key: "A-CANCELLED", account: "amazon", state: "cancelled", createdAt: "2026-11-09T09:00:00Z" },
  { key: "A-WAITING", account: "ebay", state: "waiting", createdAt: "2026-11-10T09:00:00Z" },
  ...["1", "2", "3", "4", "5"].map((n): OrderSpec => ({
    key: `A-TIE-${n}`,
    account: "amazon",
    state: "held",
    // Same microsecond, and within one millisecond of the next: what a ms-precision cursor breaks.
    createdAt: "2026-11-15T12:00:00.123456Z",
  })),
  { key: "A-TIE-NEXT", account: "ebay", state: "held", createdAt: "2026-11-15T12:00:00.123789Z" },
];

/** Store B: the same buyer, order number and an order id that store A also has. */
export const STORE_B_ORDERS: OrderSpec[] = [
  {
    key: "B-1",
    account: "ebay",
    state: "imported",
    createdAt: "2026-11-20T09:00:00Z",
    buyer: { name: "Élodie Martin", email: "elodie.martin@example.fr" },
    storeOrderName: "#1001",
  },
  { key: "A-HELD", account: "ebay", state: "held", createdAt: "2026-11-21T09:00:00Z" },
];
