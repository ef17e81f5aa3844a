import { eq, sql } from "drizzle-orm";
import { rowsOf } from "../../db/client";
import { CONTEXT } from "../../db/orders";
import { marketplaceOrders, orderLinks } from "../../db/schema";
import { cancelImportedOrder } from "../../jobs/import/cancel-order";
import { pollAccount } from "../../jobs/import/poll-account";
import { processOrder } from "../../jobs/import/process-order";
import type { ImportWorld } from "../helpers/import-world";

/**
 * What the privacy suites share: eBay orders carrying a recognisable buyer, imported through the
 * real pipeline (poll → pre-checks → store order), and raw reads of the rows they leave behind.
 */

export interface TestBuyer {
  username: string;
  fullName: string;
  addressLine1: string;
  city: string;
  postalCode: string;
  phone: string;
  email: string;
}

let sequence = 0;

/** A buyer whose every detail is unique to this test run, so finding one is never a coincidence. */
export function buyer(tag: string): TestBuyer {
  sequence += 1;
  return {
    username: `buyer_${tag}_user`,
    fullName: `Ava ${tag} Johnson`,
    addressLine1: `12 ${tag} Maple Street`,
    city: `Portland ${tag}`,
    postalCode: String(97100 + sequence),
    phone: String(5035550100 + sequence),
    email: `ava.${tag}@example.com`,
  };
}

/**
 * The strings that identify a buyer: none may survive a purge anywhere in the row or snapshot. The
 * postal code is left out (digits can occur in line ids by chance): tests check it structurally.
 */
export function piiOf(b: TestBuyer): string[] {
  return [b.username, b.fullName, b.addressLine1, b.city, b.phone, b.email];
}

export function seedBuyerOrder(
  world: ImportWorld,
  input: { seller: string; buyer: TestBuyer; sku: string; createdAt?: string },
): string {
  const b = input.buyer;
  return world.simulators.ebay.seedOrder({
    seller: input.seller,
    buyerUsername: b.username,
    lines: [{ sku: input.sku, title: "Stoneware mug", quantity: 2, unitPrice: "14.00" }],
    shipTo: {
      fullName: b.fullName,
      addressLine1: b.addressLine1,
      city: b.city,
      stateOrProvince: "OR",
      postalCode: b.postalCode,
      countryCode: "US",
      phone: b.phone,
      email: b.email,
    },
    ...(input.createdAt ? { createdAt: input.createdAt } : {}),
  });
}

/** Polls the account (when given), then runs every queued pre-check/creation and cancellation. */
export async function drainImports(world: ImportWorld, accountId?: string): Promise<void> {
  if (accountId) await pollAccount(world.deps, { accountId });
  for (;;) {
    const processing = await world.jobs.boss.fetch<{ orderId: string }>("order.process", {
      batchSize: 50,
    });
    const cancelling = await world.jobs.boss.fetch<{ orderId: string }>("order.cancel", {
      batchSize: 50,
    });
    if (processing.length === 0 && cancelling.length === 0) return;
    for (const job of processing) {
      await processOrder(world.deps, { orderId: job.data.orderId });
      await world.jobs.boss.complete("order.process", job.id);
    }
    for (const job of cancelling) {
      await cancelImportedOrder(world.deps, { orderId: job.data.orderId });
      await world.jobs.boss.complete("order.cancel", job.id);
    }
  }
}

export interface RawOrderRow {
  id: string;
  state: string;
  buyer_enc: string | null;
  ship_to_enc: string | null;
  raw_enc: string | null;
  snapshot_enc: string | null;
  buyer_key: string | null;
  pii_purged_at: Date | string | null;
  marketplace_updated_at: Date | string;
  total_minor: number | string;
}

/** The stored row as SQL sees it: no drizzle mapping in between. */
export async function rawOrder(world: ImportWorld, marketplaceOrderId: string) {
  const rows = rowsOf<RawOrderRow>(
    await world.database.db.execute(
      sql`select id, state, buyer_enc, ship_to_enc, raw_enc, snapshot_enc, buyer_key,
                 pii_purged_at, marketplace_updated_at, total_minor
          from marketplace_orders where marketplace_order_id = ${marketplaceOrderId}`,
    ),
  );
  if (rows.length !== 1) throw new Error(`expected one row for ${marketplaceOrderId}`);
  return rows[0]!;
}

/** Everything an order row can still tell about its buyer, decrypted. */
export function decryptedPii(world: ImportWorld, row: RawOrderRow): string {
  const k = world.deps.keyring;
  return [
    row.buyer_enc ? k.decrypt(row.buyer_enc, CONTEXT.buyer) : "",
    row.ship_to_enc ? k.decrypt(row.ship_to_enc, CONTEXT.shipTo) : "",
    row.raw_enc ? k.decrypt(row.raw_enc, CONTEXT.raw) : "",
    row.snapshot_enc ? k.decrypt(row.snapshot_enc, CONTEXT.snapshot) : "",
  ].join("\n");
}

export async function setShippedAt(world: ImportWorld, marketplaceOrderId: string, at: Date) {
  await world.database.db
    .update(marketplaceOrders)
    .set({ shippedAt: at })
    .where(eq(marketplaceOrders.marketplaceOrderId, marketplaceOrderId));
}

/** The store order id (Shopify GID / BigCommerce id) the import linked this order to. */
export async function storeOrderIdOf(world: ImportWorld, marketplaceOrderId: string) {
  const [link] = await world.database.db
    .select({ storeOrderId: orderLinks.storeOrderId, storeOrderName: orderLinks.storeOrderName })
    .from(orderLinks)
    .where(eq(orderLinks.marketplaceOrderId, marketplaceOrderId));
  if (!link?.storeOrderId) throw new Error(`${marketplaceOrderId} was not imported`);
  return { id: link.storeOrderId, name: link.storeOrderName };
}

export async function countRows(world: ImportWorld, query: ReturnType<typeof sql>) {
  const [row] = rowsOf<{ n: number | string }>(await world.database.db.execute(query));
  return Number(row?.n ?? 0);
}
