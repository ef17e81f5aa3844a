import { inArray } from "drizzle-orm";
import type { MarketplaceOrder } from "../connectors/types";
import type { KeyRing } from "./encryption";
import { CONTEXT, type Tx } from "./orders";
import { marketplaceOrders } from "./schema";

/**
 * Erases the buyer's personal data of these orders: buyer, shipping address and raw payload go;
 * the normalized snapshot keeps what the books and the tracking pushes need (lines, totals,
 * country, dates) without name, e-mail, phone or street. Idempotent. Returns how many rows changed.
 */
export async function purgeOrderPii(
  tx: Tx,
  keyring: KeyRing,
  orderIds: readonly string[],
  now: Date = new Date(),
): Promise<number> {
  if (orderIds.length === 0) return 0;
  const rows = await tx
    .select({ id: marketplaceOrders.id, snapshotEnc: marketplaceOrders.snapshotEnc })
    .from(marketplaceOrders)
    .where(inArray(marketplaceOrders.id, [...orderIds]));
  for (const row of rows) {
    await tx
      .update(marketplaceOrders)
      .set({
        buyerEnc: null,
        shipToEnc: null,
        rawEnc: null,
        buyerKey: null,
        buyerSearchKeys: [],
        snapshotEnc: row.snapshotEnc ? redactSnapshot(keyring, row.snapshotEnc) : null,
        piiPurgedAt: now,
        updatedAt: now,
      })
      .where(inArray(marketplaceOrders.id, [row.id]));
  }
  return rows.length;
}

function redactSnapshot(keyring: KeyRing, snapshotEnc: string): string {
  const order = JSON.parse(keyring.decrypt(snapshotEnc, CONTEXT.snapshot)) as MarketplaceOrder;
  const redacted: MarketplaceOrder = {
    ...order,
    buyer: {},
    shipTo: order.shipTo
      ? {
          name: undefined,
          line1: undefined,
          city: undefined,
          postalCode: undefined,
          countryCode: order.shipTo.countryCode,
        }
      : undefined,
    raw: undefined,
  };
  return keyring.encrypt(JSON.stringify(redacted), CONTEXT.snapshot);
}
