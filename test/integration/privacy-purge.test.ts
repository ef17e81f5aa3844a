import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MarketplaceOrder } from "../../connectors/types";
import { CONTEXT } from "../../db/orders";
import { purgeShippedOrdersPii } from "../../jobs/privacy/purge";
import {
  connectEbayAccount,
  type ImportWorld,
  installShopifyStore,
  seedCatalog,
  startImportWorld,
} from "../helpers/import-world";
import {
  buyer,
  decryptedPii,
  drainImports,
  piiOf,
  rawOrder,
  type RawOrderRow,
  seedBuyerOrder,
  setShippedAt,
} from "./privacy-fixtures";

const DAY = 86_400_000;

describe("30-day buyer PII purge", () => {
  let world: ImportWorld;
  beforeAll(async () => {
    world = await startImportWorld();
  });
  afterAll(() => world?.close());

  async function storeWithAccount(tag: string) {
    const store = await installShopifyStore(world, { shop: `purge-${tag}.myshopify.com` });
    seedCatalog(world, store, [{ sku: `MUG-${tag}`, title: "Stoneware mug", price: "14.00" }]);
    const seller = `purge_seller_${tag}`;
    const accountId = await connectEbayAccount(world, store, { username: seller });
    return { store, seller, accountId, sku: `MUG-${tag}` };
  }

  function expectPurged(row: RawOrderRow, pii: string[]) {
    expect(row.buyer_enc).toBeNull();
    expect(row.ship_to_enc).toBeNull();
    expect(row.raw_enc).toBeNull();
    expect(row.buyer_key).toBeNull();
    expect(row.pii_purged_at).not.toBeNull();
    const plain = decryptedPii(world, row);
    for (const value of pii) expect(plain).not.toContain(value);
    const snapshot = JSON.parse(
      world.deps.keyring.decrypt(row.snapshot_enc!, CONTEXT.snapshot),
    ) as MarketplaceOrder;
    expect(snapshot.buyer).toEqual({});
    expect(snapshot.shipTo).toEqual({ countryCode: "US" });
    // What the books and the tracking pushes need stays.
    expect(snapshot.lines).toHaveLength(1);
    expect(snapshot.totals.total.amountMinor).toBe(2800);
  }

  it("GIVEN imported orders shipped 31 and 29 days ago WHEN the purge runs THEN only the 31-day ones lose buyer, address and raw payload, read raw", async () => {
    const { seller, accountId, sku } = await storeWithAccount("a");
    const oldBuyers = [buyer("old1"), buyer("old2"), buyer("old3")];
    const recentBuyer = buyer("recent");
    const oldOrders = oldBuyers.map((b) => seedBuyerOrder(world, { seller, buyer: b, sku }));
    const recentOrder = seedBuyerOrder(world, { seller, buyer: recentBuyer, sku });
    await drainImports(world, accountId);
    const now = new Date();
    for (const id of oldOrders) await setShippedAt(world, id, new Date(now.getTime() - 31 * DAY));
    await setShippedAt(world, recentOrder, new Date(now.getTime() - 29 * DAY));
    const logged: unknown[] = [];
    const logger = { ...world.deps.logger, info: (...args: unknown[]) => logged.push(args) };

    const result = await purgeShippedOrdersPii({ ...world.deps, logger }, { now, batchSize: 2 });

    expect(result).toEqual({ shipped: 3, cancelled: 0 });
    for (const [i, id] of oldOrders.entries()) {
      const row = await rawOrder(world, id);
      expect(row.state).toBe("imported");
      expect(Number(row.total_minor)).toBe(2800);
      expectPurged(row, piiOf(oldBuyers[i]!));
    }
    const recent = await rawOrder(world, recentOrder);
    expect(recent.pii_purged_at).toBeNull();
    const recentPlain = decryptedPii(world, recent);
    for (const value of piiOf(recentBuyer)) expect(recentPlain).toContain(value);
    // Counts only in the log, never who.
    expect(JSON.stringify(logged)).toContain('"shipped":3');
    for (const value of oldBuyers.flatMap(piiOf))
      expect(JSON.stringify(logged)).not.toContain(value);

    expect(await purgeShippedOrdersPii(world.deps, { now })).toEqual({ shipped: 0, cancelled: 0 });
  });

  it("GIVEN a purged order WHEN the marketplace changes it and the account is polled again THEN the new copy is stored without bringing the PII back", async () => {
    const { seller, accountId, sku } = await storeWithAccount("b");
    const b = buyer("repoll");
    const orderId = seedBuyerOrder(world, { seller, buyer: b, sku });
    await drainImports(world, accountId);
    const now = new Date();
    await setShippedAt(world, orderId, new Date(now.getTime() - 40 * DAY));
    await purgeShippedOrdersPii(world.deps, { now });
    const purged = await rawOrder(world, orderId);
    expectPurged(purged, piiOf(b));

    world.simulators.ebay.touch(orderId);
    await drainImports(world, accountId);

    const after = await rawOrder(world, orderId);
    expect(new Date(after.marketplace_updated_at).getTime()).toBeGreaterThan(
      new Date(purged.marketplace_updated_at).getTime(),
    );
    expectPurged(after, piiOf(b));
    expect(after.state).toBe("imported");
  });

  it("GIVEN orders cancelled before and after import WHEN the purge runs 29 then 31 days after their cancellation THEN only the second run erases their PII", async () => {
    const { seller, accountId, sku } = await storeWithAccount("c");
    const beforeImport = buyer("cancel1");
    const afterImport = buyer("cancel2");
    const neverImported = seedBuyerOrder(world, { seller, buyer: beforeImport, sku });
    world.simulators.ebay.cancelOrder(neverImported);
    const imported = seedBuyerOrder(world, { seller, buyer: afterImport, sku });
    await drainImports(world, accountId);
    world.simulators.ebay.cancelOrder(imported);
    await drainImports(world, accountId);
    expect((await rawOrder(world, neverImported)).state).toBe("skipped");
    expect((await rawOrder(world, imported)).state).toBe("cancelled");

    const cancelledAt = new Date((await rawOrder(world, imported)).marketplace_updated_at);
    const early = await purgeShippedOrdersPii(world.deps, {
      now: new Date(cancelledAt.getTime() + 29 * DAY),
    });
    expect((await rawOrder(world, neverImported)).pii_purged_at).toBeNull();
    expect((await rawOrder(world, imported)).pii_purged_at).toBeNull();
    expect(early.cancelled).toBe(0);

    const late = await purgeShippedOrdersPii(world.deps, {
      now: new Date(cancelledAt.getTime() + 31 * DAY),
    });
    expect(late.cancelled).toBe(2);
    expectPurged(await rawOrder(world, neverImported), piiOf(beforeImport));
    expectPurged(await rawOrder(world, imported), piiOf(afterImport));
  });
});
