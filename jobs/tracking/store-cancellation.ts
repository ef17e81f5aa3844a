import { and, eq } from "drizzle-orm";
import { parseAccountSettings } from "../../db/account-settings";
import { recordEvent, setOrderState } from "../../db/orders";
import { marketplaceAccounts, marketplaceOrders, orderLinks, shipments } from "../../db/schema";
import type { ImportDeps } from "../import/poll-account";

export type StoreCancellationOutcome =
  | "not_ours"
  /** We cancelled it ourselves (the marketplace order was cancelled first). */
  | "already_cancelled"
  | "recorded"
  | "after_shipment";

/**
 * The merchant cancelled an imported order in the store. The marketplace order is left alone:
 * neither eBay's Sell Fulfillment API nor Amazon's Orders API has a cancel operation Marketsync can
 * call (eBay cancels through its Post-Order API, Amazon through an order-acknowledgement feed), so
 * when the account asks for marketplace cancellation the timeline tells the merchant to do it
 * there, rather than pretending it happened.
 */
export async function handleStoreCancellation(
  deps: ImportDeps,
  input: { storeId: string; storeOrderId: string },
): Promise<StoreCancellationOutcome> {
  const [row] = await deps.db
    .select({ order: marketplaceOrders, account: marketplaceAccounts, link: orderLinks })
    .from(orderLinks)
    .innerJoin(marketplaceOrders, eq(marketplaceOrders.id, orderLinks.orderId))
    .innerJoin(marketplaceAccounts, eq(marketplaceAccounts.id, orderLinks.accountId))
    .where(
      and(eq(orderLinks.storeId, input.storeId), eq(orderLinks.storeOrderId, input.storeOrderId)),
    )
    .limit(1);
  if (!row) return "not_ours";
  const { order, account, link } = row;
  if (order.state === "cancelled") return "already_cancelled";

  const shipped = await deps.db
    .select({ id: shipments.id })
    .from(shipments)
    .where(eq(shipments.orderId, order.id))
    .limit(1);
  const settings = parseAccountSettings(account.settings);
  return deps.db.transaction(async (tx) => {
    if (
      shipped.length > 0 ||
      order.trackingState === "sent" ||
      order.trackingState === "confirmed"
    ) {
      await recordEvent(tx, {
        orderId: order.id,
        storeId: order.storeId,
        kind: "store.cancelled_after_shipment",
        params: { storeOrderName: link.storeOrderName },
      });
      return "after_shipment";
    }
    await setOrderState(tx, order.id, "cancelled");
    await recordEvent(tx, {
      orderId: order.id,
      storeId: order.storeId,
      kind: "store.cancelled",
      params: {
        storeOrderName: link.storeOrderName,
        marketplace: order.marketplace,
        // The merchant asked for the marketplace order to be cancelled too: it must be done there.
        cancelOnMarketplace: settings.cancelOnMarketplace ? "manual_required" : "not_requested",
      },
    });
    return "recorded";
  });
}
