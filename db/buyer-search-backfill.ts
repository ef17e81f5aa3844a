import { and, asc, gt, isNull, sql } from "drizzle-orm";
import type { Logger } from "pino";
import type { Buyer } from "../connectors/types";
import type { Database } from "./client";
import { buyerSearchKeys } from "./buyer-search";
import type { KeyRing } from "./encryption";
import { CONTEXT } from "./orders";
import { marketplaceOrders } from "./schema";

export interface BuyerBackfillResult {
  indexed: number;
  /** Rows whose buyer could not be decrypted (a key missing from the ring): left for a later run. */
  failed: number;
}

/** Lower than every uuid: where the walk starts. */
const FIRST_ID = "00000000-0000-0000-0000-000000000000";

/**
 * Computes the buyer search keys of orders stored before they existed (`buyer_search_keys` NULL,
 * see migration 0006), a batch per transaction in id order. The walk moves forward past rows it
 * cannot decrypt and rows an import holds locked (that import writes their keys itself), so a run
 * always ends; whatever it left NULL the next run takes again.
 */
export async function backfillBuyerSearchKeys(
  deps: { db: Database; keyring: KeyRing; logger: Pick<Logger, "info" | "error"> },
  options: { batchSize?: number } = {},
): Promise<BuyerBackfillResult> {
  const batchSize = options.batchSize ?? 500;
  const result: BuyerBackfillResult = { indexed: 0, failed: 0 };
  let after = FIRST_ID;
  for (;;) {
    const seen = await deps.db.transaction(async (tx) => {
      // Served by marketplace_orders_buyer_unindexed_idx.
      const rows = await tx
        .select({ id: marketplaceOrders.id, buyerEnc: marketplaceOrders.buyerEnc })
        .from(marketplaceOrders)
        .where(and(isNull(marketplaceOrders.buyerSearchKeys), gt(marketplaceOrders.id, after)))
        .orderBy(asc(marketplaceOrders.id))
        .limit(batchSize)
        .for("update", { skipLocked: true });
      const updates: { id: string; keys: string[] }[] = [];
      for (const row of rows) {
        const keys = keysOf(deps.keyring, row.buyerEnc);
        if (keys) updates.push({ id: row.id, keys });
        else {
          result.failed += 1;
          // The id only: it names no one, and support can look the order up.
          deps.logger.error({ orderId: row.id }, "buyer search keys: buyer details unreadable");
        }
      }
      if (updates.length > 0) {
        await tx.execute(sql`
          update ${marketplaceOrders} set buyer_search_keys = v.keys
          from jsonb_to_recordset(${JSON.stringify(updates)}::jsonb) as v(id uuid, keys text[])
          where ${marketplaceOrders.id} = v.id`);
      }
      result.indexed += updates.length;
      return rows;
    });
    if (seen.length < batchSize) break;
    after = seen[seen.length - 1]!.id;
  }
  if (result.indexed + result.failed > 0) {
    deps.logger.info(result, "buyer search keys computed for orders stored before them");
  }
  return result;
}

/** The buyer's keys; [] when the buyer is gone (erased); null when it cannot be decrypted. */
function keysOf(keyring: KeyRing, buyerEnc: string | null): string[] | null {
  if (!buyerEnc) return [];
  try {
    return buyerSearchKeys(keyring, JSON.parse(keyring.decrypt(buyerEnc, CONTEXT.buyer)) as Buyer);
  } catch {
    return null;
  }
}
