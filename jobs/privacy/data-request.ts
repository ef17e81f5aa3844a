import { and, asc, eq, inArray, isNotNull } from "drizzle-orm";
import type { Address, Buyer } from "../../connectors/types";
import type { Database } from "../../db/client";
import type { KeyRing } from "../../db/encryption";
import { CONTEXT, type Tx } from "../../db/orders";
import {
  dataRequests,
  marketplaceOrderLines,
  marketplaceOrders,
  orderLinks,
} from "../../db/schema";

/**
 * customers/data_request: everything we hold about the customer's orders, decrypted, kept
 * encrypted until the merchant downloads it and hands it over (Shopify leaves that to the merchant).
 */

export const EXPORT_CONTEXT = "data_requests.export";

export interface ExportedOrder {
  marketplace: string;
  marketplaceOrderId: string;
  storeOrderId: string;
  storeOrderName: string | null;
  createdAt: string;
  updatedAt: string;
  shippedAt: string | null;
  /** Set when the buyer's details were already erased: buyer and address are then null. */
  piiPurgedAt: string | null;
  buyer: Buyer | null;
  shipTo: Address | null;
  lines: {
    sku: string | null;
    title: string;
    quantity: number;
    unitPriceMinor: number;
    taxMinor: number;
    discountMinor: number;
  }[];
  totals: {
    currency: string;
    subtotalMinor: number;
    shippingMinor: number;
    taxMinor: number;
    discountMinor: number;
    totalMinor: number;
  };
}

export interface DataRequestExport {
  requestRef: string;
  generatedAt: string;
  /** Store order ids the request named that we hold nothing for. */
  notFound: string[];
  orders: ExportedOrder[];
}

/**
 * Builds and stores the export. A redelivered request rewrites the same row with what we hold now,
 * so the merchant always downloads one, current, export per request.
 */
export async function exportCustomerData(
  deps: { db: Database; keyring: KeyRing },
  input: { storeId: string; requestRef: string; storeOrderIds: readonly string[]; now: Date },
): Promise<{ orderCount: number }> {
  const orders = await collectOrders(deps.db, deps.keyring, input.storeId, input.storeOrderIds);
  const found = new Set(orders.map((o) => o.storeOrderId));
  const exported: DataRequestExport = {
    requestRef: input.requestRef,
    generatedAt: input.now.toISOString(),
    notFound: input.storeOrderIds.filter((id) => !found.has(id)),
    orders,
  };
  const values = {
    exportEnc: deps.keyring.encrypt(JSON.stringify(exported), EXPORT_CONTEXT),
    orderCount: orders.length,
    completedAt: input.now,
  };
  await deps.db
    .insert(dataRequests)
    .values({ storeId: input.storeId, requestRef: input.requestRef, ...values })
    .onConflictDoUpdate({ target: [dataRequests.storeId, dataRequests.requestRef], set: values });
  return { orderCount: orders.length };
}

export type DataRequestDownload =
  | { status: "ready"; completedAt: Date; export: DataRequestExport }
  /** The customer's data was redacted since: the export went with it. */
  | { status: "erased"; completedAt: Date | null };

/** The export of one request of this store, decrypted for the merchant's download page. */
export async function readDataRequestExport(
  deps: { db: Database; keyring: KeyRing },
  storeId: string,
  requestRef: string,
): Promise<DataRequestDownload | undefined> {
  const [row] = await deps.db
    .select()
    .from(dataRequests)
    .where(and(eq(dataRequests.storeId, storeId), eq(dataRequests.requestRef, requestRef)));
  if (!row) return undefined;
  if (!row.exportEnc) return { status: "erased", completedAt: row.completedAt };
  const exported = JSON.parse(
    deps.keyring.decrypt(row.exportEnc, EXPORT_CONTEXT),
  ) as DataRequestExport;
  return { status: "ready", completedAt: row.completedAt ?? row.createdAt, export: exported };
}

/**
 * Exports are copies of buyer data: when a customer is redacted, every export of the store that
 * holds one of their orders is erased too. Returns how many were.
 */
export async function eraseExportsOfOrders(
  tx: Tx,
  keyring: KeyRing,
  storeId: string,
  storeOrderIds: readonly string[],
): Promise<number> {
  if (storeOrderIds.length === 0) return 0;
  const redacted = new Set(storeOrderIds);
  const rows = await tx
    .select({ id: dataRequests.id, exportEnc: dataRequests.exportEnc })
    .from(dataRequests)
    .where(and(eq(dataRequests.storeId, storeId), isNotNull(dataRequests.exportEnc)));
  const erase = rows
    .filter((row) => {
      const exported = JSON.parse(keyring.decrypt(row.exportEnc!, EXPORT_CONTEXT)) as {
        orders: { storeOrderId: string }[];
      };
      return exported.orders.some((o) => redacted.has(o.storeOrderId));
    })
    .map((row) => row.id);
  if (erase.length > 0) {
    await tx.update(dataRequests).set({ exportEnc: null }).where(inArray(dataRequests.id, erase));
  }
  return erase.length;
}

async function collectOrders(
  db: Database,
  keyring: KeyRing,
  storeId: string,
  storeOrderIds: readonly string[],
): Promise<ExportedOrder[]> {
  if (storeOrderIds.length === 0) return [];
  const rows = await db
    .select({
      order: marketplaceOrders,
      storeOrderId: orderLinks.storeOrderId,
      storeOrderName: orderLinks.storeOrderName,
    })
    .from(orderLinks)
    .innerJoin(marketplaceOrders, eq(marketplaceOrders.id, orderLinks.orderId))
    .where(
      and(eq(orderLinks.storeId, storeId), inArray(orderLinks.storeOrderId, [...storeOrderIds])),
    )
    .orderBy(asc(marketplaceOrders.marketplaceCreatedAt));
  if (rows.length === 0) return [];
  const lines = await db
    .select()
    .from(marketplaceOrderLines)
    .where(
      inArray(
        marketplaceOrderLines.orderId,
        rows.map((r) => r.order.id),
      ),
    )
    .orderBy(asc(marketplaceOrderLines.lineId));
  return rows.map(({ order, storeOrderId, storeOrderName }) => ({
    marketplace: order.marketplace,
    marketplaceOrderId: order.marketplaceOrderId,
    storeOrderId: storeOrderId!,
    storeOrderName,
    createdAt: order.marketplaceCreatedAt.toISOString(),
    updatedAt: order.marketplaceUpdatedAt.toISOString(),
    shippedAt: order.shippedAt?.toISOString() ?? null,
    piiPurgedAt: order.piiPurgedAt?.toISOString() ?? null,
    buyer: order.buyerEnc
      ? (JSON.parse(keyring.decrypt(order.buyerEnc, CONTEXT.buyer)) as Buyer)
      : null,
    shipTo: order.shipToEnc
      ? (JSON.parse(keyring.decrypt(order.shipToEnc, CONTEXT.shipTo)) as Address)
      : null,
    lines: lines
      .filter((line) => line.orderId === order.id)
      .map((line) => ({
        sku: line.sku,
        title: line.title,
        quantity: line.quantity,
        unitPriceMinor: line.unitPriceMinor,
        taxMinor: line.taxMinor,
        discountMinor: line.discountMinor,
      })),
    totals: {
      currency: order.currency,
      subtotalMinor: order.subtotalMinor,
      shippingMinor: order.shippingMinor,
      taxMinor: order.taxMinor,
      discountMinor: order.discountMinor,
      totalMinor: order.totalMinor,
    },
  }));
}
