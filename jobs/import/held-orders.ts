import { and, eq, inArray, isNull, type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { type AccountSettingsInput, accountSettingsSchema } from "../../db/account-settings";
import { recordEvent, setOrderState } from "../../db/orders";
import {
  marketplaceAccounts,
  marketplaceOrderLines,
  marketplaceOrders,
  skuMappings,
} from "../../db/schema";
import type { JobQueue } from "../boss";
import { SKIPPED_BY_MERCHANT, STORE_ACCESS_REVOKED } from "./process-order";
import { normalizeSku } from "./sku-resolution";

/**
 * What the merchant does to orders that did not import: retry, set aside, fix a SKU or a setting.
 * Every action is scoped to the merchant's store (another store's ids match nothing) and writes
 * the order's timeline; re-checks are jobs enqueued in the same transaction.
 */
export interface MerchantActionDeps {
  db: Database;
  jobs: JobQueue;
}

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

const RECHECKABLE = ["held", "waiting", "failed"] as const;

/** What a re-check needs of an order. */
const ORDER_REF = {
  id: marketplaceOrders.id,
  accountId: marketplaceOrders.accountId,
  storeId: marketplaceOrders.storeId,
};

export class NotFoundForStore extends Error {
  override name = "NotFoundForStore";
}

async function enqueueRecheck(
  deps: MerchantActionDeps,
  tx: Tx,
  orders: { id: string; accountId: string; storeId: string }[],
  cause: Record<string, unknown>,
): Promise<number> {
  for (const order of orders) {
    await recordEvent(tx, {
      orderId: order.id,
      storeId: order.storeId,
      kind: "order.recheck",
      params: cause,
    });
    await deps.jobs.send(tx, "order.process", { orderId: order.id, accountId: order.accountId });
  }
  return orders.length;
}

/** The store's orders that match `conditions`, as the re-check queues them. */
function storeOrders(tx: Tx, storeId: string, conditions: SQL[]) {
  return tx
    .select(ORDER_REF)
    .from(marketplaceOrders)
    .where(and(eq(marketplaceOrders.storeId, storeId), ...conditions));
}

/**
 * Access to the store is back (a reinstall, or the admin's token exchange after the token was
 * lost): the orders held because it was gone go through the pre-checks again.
 */
export async function recheckStoreAccessHolds(
  deps: MerchantActionDeps,
  storeId: string,
): Promise<number> {
  return deps.db.transaction(async (tx) => {
    const orders = await storeOrders(tx, storeId, [
      eq(marketplaceOrders.state, "held"),
      sql`${marketplaceOrders.holdReasons} @> ${JSON.stringify([{ code: STORE_ACCESS_REVOKED }])}::jsonb`,
    ]);
    return enqueueRecheck(deps, tx, orders, { cause: "store_access" });
  });
}

/** "Retry": held, waiting, failed or merchant-skipped orders go through the pre-checks again. */
export async function retryOrders(
  deps: MerchantActionDeps,
  input: { storeId: string; orderIds: string[] },
): Promise<number> {
  return deps.db.transaction(async (tx) => {
    const orders = await storeOrders(tx, input.storeId, [
      inArray(marketplaceOrders.id, input.orderIds),
      inArray(marketplaceOrders.state, [...RECHECKABLE, "skipped"]),
    ]);
    for (const order of orders) await setOrderState(tx, order.id, "new");
    return enqueueRecheck(deps, tx, orders, { cause: "retry" });
  });
}

/** "Skip": sets orders aside on purpose; re-polls leave them alone until the merchant retries. */
export async function skipOrders(
  deps: MerchantActionDeps,
  input: { storeId: string; orderIds: string[] },
): Promise<number> {
  return deps.db.transaction(async (tx) => {
    const orders = await tx
      .select({ id: marketplaceOrders.id, storeId: marketplaceOrders.storeId })
      .from(marketplaceOrders)
      .where(
        and(
          eq(marketplaceOrders.storeId, input.storeId),
          inArray(marketplaceOrders.id, input.orderIds),
          inArray(marketplaceOrders.state, [...RECHECKABLE, "new"]),
        ),
      );
    for (const order of orders) {
      await setOrderState(tx, order.id, "skipped", {
        holdReasons: [{ code: SKIPPED_BY_MERCHANT }],
      });
      await recordEvent(tx, { orderId: order.id, storeId: order.storeId, kind: "order.skipped" });
    }
    return orders.length;
  });
}

export interface SkuMappingInput {
  storeId: string;
  accountId: string | null;
  marketplaceSku: string;
  storeSku: string;
  variantRef?: string | undefined;
}

/**
 * Saves a SKU mapping (for one account, or all of the store's when `accountId` is null) and
 * re-checks the held orders that have a line with that marketplace SKU.
 */
export async function saveSkuMapping(
  deps: MerchantActionDeps,
  input: SkuMappingInput,
): Promise<{ rechecked: number; replaced?: string }> {
  return deps.db.transaction((tx) => saveMappingIn(deps, tx, input, new Set()));
}

/**
 * A file of mappings: every one saved, or none (one transaction, so a failure halfway leaves the
 * mappings as they were and the merchant imports the same file again). An order held for several
 * of the file's SKUs is re-checked once.
 */
export async function saveSkuMappings(
  deps: MerchantActionDeps,
  inputs: readonly SkuMappingInput[],
): Promise<{ rechecked: number }> {
  return deps.db.transaction(async (tx) => {
    const queued = new Set<string>();
    let rechecked = 0;
    for (const input of inputs) {
      rechecked += (await saveMappingIn(deps, tx, input, queued)).rechecked;
    }
    return { rechecked };
  });
}

/** `queued`: orders this transaction already re-checks, not queued again. */
async function saveMappingIn(
  deps: MerchantActionDeps,
  tx: Tx,
  input: SkuMappingInput,
  queued: Set<string>,
): Promise<{ rechecked: number; replaced?: string }> {
  const marketplaceSku = input.marketplaceSku.trim();
  const storeSku = input.storeSku.trim();
  if (!marketplaceSku || !storeSku) throw new RangeError("both SKUs are required");
  if (input.accountId) await assertAccountOfStore(tx, input.storeId, input.accountId);
  // The unique index is on an expression (store, account or none, lower(trim(sku))), which an
  // ON CONFLICT target cannot name through drizzle: look the row up the same way instead.
  const [existing] = await tx
    .select({ id: skuMappings.id, storeSku: skuMappings.storeSku })
    .from(skuMappings)
    .where(
      and(
        eq(skuMappings.storeId, input.storeId),
        input.accountId
          ? eq(skuMappings.accountId, input.accountId)
          : isNull(skuMappings.accountId),
        sql`lower(btrim(${skuMappings.marketplaceSku})) = lower(${marketplaceSku})`,
      ),
    );
  if (existing) {
    await tx
      .update(skuMappings)
      .set({ storeSku, variantRef: input.variantRef ?? null, updatedAt: new Date() })
      .where(eq(skuMappings.id, existing.id));
  } else {
    await tx.insert(skuMappings).values({
      storeId: input.storeId,
      accountId: input.accountId,
      marketplaceSku,
      storeSku,
      variantRef: input.variantRef ?? null,
    });
  }
  const orders = await tx
    .selectDistinct(ORDER_REF)
    .from(marketplaceOrders)
    .innerJoin(marketplaceOrderLines, eq(marketplaceOrderLines.orderId, marketplaceOrders.id))
    .where(
      and(
        eq(marketplaceOrders.storeId, input.storeId),
        eq(marketplaceOrders.state, "held"),
        sql`lower(btrim(${marketplaceOrderLines.sku})) = lower(${marketplaceSku})`,
        ...(input.accountId ? [eq(marketplaceOrders.accountId, input.accountId)] : []),
      ),
    );
  const fresh = orders.filter((order) => !queued.has(order.id));
  for (const order of fresh) queued.add(order.id);
  const rechecked = await enqueueRecheck(deps, tx, fresh, {
    cause: "sku_mapping",
    sku: marketplaceSku,
  });
  // The merchant is told when the SKU already pointed elsewhere: saving replaced that mapping.
  const replaced =
    existing && normalizeSku(existing.storeSku) !== normalizeSku(storeSku)
      ? existing.storeSku
      : undefined;
  return replaced ? { rechecked, replaced } : { rechecked };
}

/**
 * Validates and saves an account's settings (zod: field errors for the form), then re-checks its
 * held and waiting orders, since a policy may now let them through.
 */
export async function updateAccountSettings(
  deps: MerchantActionDeps,
  input: { storeId: string; accountId: string; settings: AccountSettingsInput },
): Promise<{ rechecked: number }> {
  const settings = accountSettingsSchema.parse(input.settings);
  return deps.db.transaction(async (tx) => {
    await assertAccountOfStore(tx, input.storeId, input.accountId);
    await tx
      .update(marketplaceAccounts)
      .set({ settings, updatedAt: new Date() })
      .where(eq(marketplaceAccounts.id, input.accountId));
    const orders = await tx
      .select(ORDER_REF)
      .from(marketplaceOrders)
      .where(
        and(
          eq(marketplaceOrders.accountId, input.accountId),
          inArray(marketplaceOrders.state, ["held", "waiting"]),
        ),
      );
    return { rechecked: await enqueueRecheck(deps, tx, orders, { cause: "settings" }) };
  });
}

async function assertAccountOfStore(tx: Tx, storeId: string, accountId: string): Promise<void> {
  const [account] = await tx
    .select({ id: marketplaceAccounts.id })
    .from(marketplaceAccounts)
    .where(and(eq(marketplaceAccounts.id, accountId), eq(marketplaceAccounts.storeId, storeId)));
  if (!account) throw new NotFoundForStore("no such account in this store");
}
