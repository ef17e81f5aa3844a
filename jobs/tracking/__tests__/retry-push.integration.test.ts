import { randomUUID } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  marketplaceOrders,
  orderLinks,
  type StoreRow,
  syncEvents,
  trackingPushes,
} from "../../../db/schema";
import {
  connectEbayAccount,
  type ImportWorld,
  installShopifyStore,
  seedCatalog,
  startImportWorld,
} from "../../../test/helpers/import-world";
import { NotFoundForStore, retryOrders } from "../../import/held-orders";
import { pollAccount } from "../../import/poll-account";
import { processOrder } from "../../import/process-order";
import { pushTracking } from "../push-tracking";
import { retryOrderPushes, retryPush } from "../retry-push";
import { syncFulfillment } from "../sync-fulfillment";

const SHIP_TO = {
  fullName: "Ava Johnson",
  addressLine1: "12 Maple St",
  city: "Portland",
  stateOrProvince: "OR",
  postalCode: "97201",
  countryCode: "US",
};

describe("retrying a tracking push", () => {
  let world: ImportWorld;
  let store: StoreRow;
  let accountId: string;
  const seller = "retry_push_seller";

  beforeAll(async () => {
    world = await startImportWorld();
    store = await installShopifyStore(world, { shop: "retry-push.myshopify.com" });
    seedCatalog(world, store, [{ sku: "MUG-BLUE", title: "Blue mug", price: "14.00" }]);
    accountId = await connectEbayAccount(world, store, { username: seller });
  });
  afterAll(() => world?.close());

  const merchant = () => ({ db: world.database.db, jobs: world.jobs });

  /** An eBay order imported into the Shopify store, then shipped there with this tracking. */
  async function importAndShip(tracking: { company: string; number: string }) {
    const ebayOrderId = world.simulators.ebay.seedOrder({
      seller,
      lines: [{ sku: "MUG-BLUE", title: "Blue mug", quantity: 1, unitPrice: "14.00" }],
      shipTo: SHIP_TO,
    });
    await pollAccount(world.deps, { accountId });
    await runJobs("order.process", (data: { orderId: string }) =>
      processOrder(world.deps, { orderId: data.orderId }),
    );
    const [order] = await world.database.db
      .select({ id: marketplaceOrders.id, storeOrderId: orderLinks.storeOrderId })
      .from(marketplaceOrders)
      .innerJoin(orderLinks, eq(orderLinks.orderId, marketplaceOrders.id))
      .where(eq(marketplaceOrders.marketplaceOrderId, ebayOrderId));
    const fulfillmentId = await world.simulators.shopify.createFulfillment(
      store.externalId,
      order!.storeOrderId!,
      tracking,
    );
    const sync = { storeId: store.id, storeOrderId: order!.storeOrderId!, fulfillmentId };
    return { orderId: order!.id, sync, outcome: await syncFulfillment(world.deps, sync) };
  }

  /** Runs every queued job of `name` with `handler` (what the worker would do). */
  async function runJobs<T extends object>(name: string, handler: (data: T) => Promise<unknown>) {
    const outcomes: unknown[] = [];
    for (;;) {
      const jobs = await world.jobs.boss.fetch<T>(name, { batchSize: 20 });
      if (jobs.length === 0) return outcomes;
      for (const job of jobs) {
        outcomes.push(await handler(job.data));
        await world.jobs.boss.complete(name, job.id);
      }
    }
  }

  const pushesOf = (orderId: string) =>
    world.database.db
      .select()
      .from(trackingPushes)
      .where(eq(trackingPushes.orderId, orderId))
      .orderBy(asc(trackingPushes.createdAt));

  const kindsOf = async (orderId: string) =>
    (
      await world.database.db
        .select({ kind: syncEvents.kind })
        .from(syncEvents)
        .where(eq(syncEvents.orderId, orderId))
        .orderBy(asc(syncEvents.id))
    ).map((e) => e.kind);

  it("GIVEN a push eBay refused WHEN the merchant retries it THEN it is pending with its job queued, and the next attempt reaches eBay", async () => {
    const { orderId, outcome } = await importAndShip({
      company: "UPS",
      number: "1Z999AA10123456784",
    });
    expect(outcome).toBe("queued");
    await runJobs("tracking.push", async () => undefined);
    world.simulators.ebay.server.faults.add({
      operation: "createShippingFulfillment",
      kind: "status",
      status: 400,
      body: { errors: [{ errorId: 32100, message: "Invalid shipping carrier" }] },
    });
    const [push] = await pushesOf(orderId);
    expect(await pushTracking(world.deps, { pushId: push!.id })).toBe("failed");
    const [failedOrder] = await world.database.db
      .select({ trackingState: marketplaceOrders.trackingState })
      .from(marketplaceOrders)
      .where(eq(marketplaceOrders.id, orderId));
    expect(failedOrder!.trackingState).toBe("failed");

    expect(await retryPush(merchant(), { storeId: store.id, pushId: push!.id })).toBe("queued");

    const [pending] = await pushesOf(orderId);
    expect(pending).toMatchObject({ state: "pending", lastError: null });
    expect(await kindsOf(orderId)).toContain("push.retried");
    const outcomes = await runJobs("tracking.push", (data: { pushId: string }) =>
      pushTracking(world.deps, { pushId: data.pushId }),
    );
    expect(outcomes).toEqual(["confirmed"]);
    expect((await pushesOf(orderId))[0]!.state).toBe("confirmed");
  });

  it("GIVEN another store's merchant, or another order's page WHEN they retry this push THEN nothing is found and nothing changes", async () => {
    const { orderId } = await importAndShip({ company: "UPS", number: "1Z999AA10123456785" });
    await runJobs("tracking.push", async () => undefined);
    const other = await installShopifyStore(world, { shop: "retry-push-other.myshopify.com" });
    const [push] = await pushesOf(orderId);

    await expect(retryPush(merchant(), { storeId: other.id, pushId: push!.id })).rejects.toThrow(
      NotFoundForStore,
    );
    // Named from another order's page of the right store: not that order's push either.
    await expect(
      retryPush(merchant(), { storeId: store.id, pushId: push!.id, orderId: randomUUID() }),
    ).rejects.toThrow(NotFoundForStore);
    expect((await pushesOf(orderId))[0]!.state).toBe("pending");
  });

  it("GIVEN a push in flight WHEN the merchant retries it THEN nothing is done", async () => {
    const { orderId } = await importAndShip({ company: "UPS", number: "1Z999AA10123456786" });
    await runJobs("tracking.push", async () => undefined);
    const [push] = await pushesOf(orderId);

    expect(await retryPush(merchant(), { storeId: store.id, pushId: push!.id })).toBe(
      "not_retryable",
    );
    expect(await runJobs("tracking.push", async () => undefined)).toHaveLength(0);
  });

  it("GIVEN a push held for a missing carrier WHEN the merchant adds the carrier in the store (same tracking number) and retries THEN the fulfillment is read again and the push is sent with that carrier", async () => {
    const { orderId, sync, outcome } = await importAndShip({
      company: "",
      number: "1Z999AA10123456787",
    });
    expect(outcome).toBe("held");
    const [held] = await pushesOf(orderId);
    expect(held!.lastError).toEqual({ code: "push.carrier_missing" });

    // Still no carrier in the store: re-reading it holds the push again, with the same reason.
    expect(await retryPush(merchant(), { storeId: store.id, pushId: held!.id })).toBe("resynced");
    expect(
      await runJobs("fulfillment.sync", (data: typeof sync) => syncFulfillment(world.deps, data)),
    ).toEqual(["held"]);
    const [heldAgain] = await pushesOf(orderId);
    expect(heldAgain).toMatchObject({
      state: "held",
      lastError: { code: "push.carrier_missing" },
    });

    // The store's update keeps the number, so its own sync has nothing new to push.
    await world.simulators.shopify.updateTracking(store.externalId, sync.fulfillmentId, {
      company: "UPS",
    });
    expect(await syncFulfillment(world.deps, sync)).toBe("unchanged");

    expect(await retryPush(merchant(), { storeId: store.id, pushId: heldAgain!.id })).toBe(
      "resynced",
    );
    expect(
      await runJobs("fulfillment.sync", (data: typeof sync) => syncFulfillment(world.deps, data)),
    ).toEqual(["queued"]);
    const pushes = await pushesOf(orderId);
    expect(pushes).toHaveLength(1);
    expect(pushes[0]).toMatchObject({
      state: "pending",
      carrierCode: "UPS",
      trackingNumber: "1Z999AA10123456787",
    });
    expect(
      await runJobs("tracking.push", (data: { pushId: string }) =>
        pushTracking(world.deps, { pushId: data.pushId }),
      ),
    ).toEqual(["confirmed"]);
    const kinds = await kindsOf(orderId);
    expect(kinds.filter((k) => k === "push.resync")).toHaveLength(2);
    expect(kinds.at(-1)).toBe("push.confirmed");
  });

  it("GIVEN a shipped order whose push eBay refused and one whose push landed WHEN the merchant bulk-retries both THEN only the failed push is queued again, once, and then lands", async () => {
    const failed = await importAndShip({ company: "UPS", number: "1Z999AA10123456788" });
    const landed = await importAndShip({ company: "UPS", number: "1Z999AA10123456789" });
    await runJobs("tracking.push", async () => undefined);
    const [failedPush] = await pushesOf(failed.orderId);
    const [landedPush] = await pushesOf(landed.orderId);
    expect(await pushTracking(world.deps, { pushId: landedPush!.id })).toBe("confirmed");
    world.simulators.ebay.server.faults.add({
      operation: "createShippingFulfillment",
      kind: "status",
      status: 400,
      body: { errors: [{ errorId: 32100, message: "Invalid shipping carrier" }] },
    });
    expect(await pushTracking(world.deps, { pushId: failedPush!.id })).toBe("failed");
    const selected = { storeId: store.id, orderIds: [failed.orderId, landed.orderId] };

    // Another store's merchant naming these orders reaches none of their pushes.
    const other = await installShopifyStore(world, { shop: "retry-push-bulk.myshopify.com" });
    expect(await retryOrderPushes(merchant(), { ...selected, storeId: other.id })).toEqual({
      queued: 0,
      resynced: 0,
      orders: 0,
    });
    expect((await pushesOf(failed.orderId))[0]!.state).toBe("failed");

    // Imported orders are not re-checked: only their tracking is retried.
    expect(await retryOrders(merchant(), selected)).toBe(0);
    expect(await retryOrderPushes(merchant(), selected)).toEqual({
      queued: 1,
      resynced: 0,
      orders: 1,
    });
    expect((await pushesOf(failed.orderId))[0]).toMatchObject({
      state: "pending",
      lastError: null,
    });
    expect((await pushesOf(landed.orderId))[0]).toMatchObject({ state: "confirmed" });
    expect((await kindsOf(failed.orderId)).filter((k) => k === "push.retried")).toHaveLength(1);
    expect(await kindsOf(landed.orderId)).not.toContain("push.retried");
    const [order] = await world.database.db
      .select({ trackingState: marketplaceOrders.trackingState })
      .from(marketplaceOrders)
      .where(eq(marketplaceOrders.id, failed.orderId));
    expect(order!.trackingState).toBe("pending");

    // Pressed again before the job ran: the push is on its way, nothing is queued twice.
    expect(await retryOrderPushes(merchant(), selected)).toEqual({
      queued: 0,
      resynced: 0,
      orders: 0,
    });
    const outcomes = await runJobs("tracking.push", (data: { pushId: string }) =>
      pushTracking(world.deps, { pushId: data.pushId }),
    );
    expect(outcomes).toEqual(["confirmed"]);
    const ebayOrderId = await world.database.db
      .select({ id: marketplaceOrders.marketplaceOrderId })
      .from(marketplaceOrders)
      .where(eq(marketplaceOrders.id, failed.orderId));
    expect(world.simulators.ebay.fulfillments(ebayOrderId[0]!.id)).toHaveLength(1);
  });

  it("GIVEN a shipped order whose push is held for a missing carrier WHEN the merchant bulk-retries it THEN its fulfillment is read again from the store, as from the order page", async () => {
    const { orderId, sync, outcome } = await importAndShip({
      company: "",
      number: "1Z999AA10123456791",
    });
    expect(outcome).toBe("held");
    const selected = { storeId: store.id, orderIds: [orderId] };

    expect(await retryOrderPushes(merchant(), selected)).toEqual({
      queued: 0,
      resynced: 1,
      orders: 1,
    });
    expect(await pushesOf(orderId)).toEqual([]);
    expect(await kindsOf(orderId)).toContain("push.resync");
    // Still no carrier in the store: the shipment read again is held again, with its reason.
    const reads: (typeof sync)[] = [];
    expect(
      await runJobs("fulfillment.sync", (data: typeof sync) => {
        reads.push(data);
        return syncFulfillment(world.deps, data);
      }),
    ).toEqual(["held"]);
    expect(reads).toEqual([expect.objectContaining(sync)]);
  });
});
