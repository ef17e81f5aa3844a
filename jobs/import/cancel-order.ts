import { eq } from "drizzle-orm";
import { parseAccountSettings } from "../../db/account-settings";
import { findLink } from "../../db/links";
import { loadOrderSnapshot, recordEvent, setOrderState } from "../../db/orders";
import { marketplaceAccounts, stores } from "../../db/schema";
import type { StoreOrderId } from "../../connectors/types";
import { storeConnectorFor } from "./connectors";
import type { ImportDeps } from "./poll-account";

/**
 * A marketplace order cancelled before it shipped cancels its store order (no refund to the buyer:
 * the marketplace refunds; stock back when the account says so). After shipment there is nothing
 * to undo in the store: the timeline records it.
 */
export async function cancelImportedOrder(
  deps: ImportDeps,
  input: { orderId: string },
): Promise<"cancelled" | "already_shipped" | "not_imported"> {
  const snapshot = await loadOrderSnapshot(deps.db, deps.keyring, input.orderId);
  if (!snapshot || snapshot.row.state !== "imported") return "not_imported";
  const link = await findLink(deps.db, input.orderId);
  if (!link || link.state !== "created" || !link.storeOrderId) return "not_imported";
  const [account] = await deps.db
    .select()
    .from(marketplaceAccounts)
    .where(eq(marketplaceAccounts.id, snapshot.row.accountId));
  const [store] = await deps.db.select().from(stores).where(eq(stores.id, snapshot.row.storeId));
  if (!account || !store) return "not_imported";

  const connector = storeConnectorFor(deps, store);
  const storeOrderId = link.storeOrderId as StoreOrderId;
  const fulfillments = await connector.listFulfillments(storeOrderId);
  const shipped =
    fulfillments.some((f) => f.status === "success") ||
    snapshot.order.lines.some((l) => l.quantityShipped > 0);
  if (shipped) {
    await recordEvent(deps.db, {
      orderId: input.orderId,
      storeId: store.id,
      kind: "order.cancelled_after_shipment",
      params: { storeOrderName: link.storeOrderName },
    });
    return "already_shipped";
  }
  const settings = parseAccountSettings(account.settings);
  await connector.cancelOrder(storeOrderId, {
    restock: settings.restockOnCancel,
    reason: `Cancelled on ${snapshot.order.marketplace} (${snapshot.order.id})`,
  });
  await deps.db.transaction(async (tx) => {
    await setOrderState(tx, input.orderId, "cancelled");
    await recordEvent(tx, {
      orderId: input.orderId,
      storeId: store.id,
      kind: "order.cancelled",
      params: { storeOrderName: link.storeOrderName, restocked: settings.restockOnCancel },
    });
  });
  return "cancelled";
}
