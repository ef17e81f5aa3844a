import { eq, sql } from "drizzle-orm";
import type { StoreOrderRef } from "../connectors/types";
import type { Tx } from "./orders";
import { type OrderLinkRow, orderLinks } from "./schema";

export async function findLink(db: Tx, orderId: string): Promise<OrderLinkRow | undefined> {
  const [link] = await db.select().from(orderLinks).where(eq(orderLinks.orderId, orderId));
  return link;
}

/**
 * Records the intent to create the store order, before the store is called. The unique key on
 * (account, marketplace order id) makes a second intent for the same order the same row.
 */
export async function recordCreationIntent(
  tx: Tx,
  input: { orderId: string; accountId: string; storeId: string; marketplaceOrderId: string },
): Promise<OrderLinkRow> {
  const [link] = await tx
    .insert(orderLinks)
    .values({ ...input, state: "creating", attempts: 1 })
    .onConflictDoUpdate({
      target: [orderLinks.accountId, orderLinks.marketplaceOrderId],
      set: { state: "creating", attempts: sql`${orderLinks.attempts} + 1`, updatedAt: new Date() },
    })
    .returning();
  return link!;
}

export async function markLinkCreated(tx: Tx, linkId: string, ref: StoreOrderRef): Promise<void> {
  await tx
    .update(orderLinks)
    .set({
      state: "created",
      storeOrderId: ref.id,
      storeOrderName: ref.name,
      updatedAt: new Date(),
    })
    .where(eq(orderLinks.id, linkId));
}

export async function markLinkFailed(tx: Tx, linkId: string): Promise<void> {
  await tx
    .update(orderLinks)
    .set({ state: "failed", updatedAt: new Date() })
    .where(eq(orderLinks.id, linkId));
}

/** Links a store order found by its marketplace reference (an earlier attempt that got through). */
export async function recordAdoptedLink(
  tx: Tx,
  input: {
    orderId: string;
    accountId: string;
    storeId: string;
    marketplaceOrderId: string;
    ref: StoreOrderRef;
  },
): Promise<void> {
  const values = {
    state: "created" as const,
    storeOrderId: input.ref.id,
    storeOrderName: input.ref.name,
  };
  await tx
    .insert(orderLinks)
    .values({
      orderId: input.orderId,
      accountId: input.accountId,
      storeId: input.storeId,
      marketplaceOrderId: input.marketplaceOrderId,
      ...values,
    })
    .onConflictDoUpdate({
      target: [orderLinks.accountId, orderLinks.marketplaceOrderId],
      set: { ...values, updatedAt: new Date() },
    });
}
