import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { StoreRow } from "../../db/schema";
import type { Worker } from "../../jobs/worker";
import { databaseMode } from "../helpers/database";
import {
  connectAmazonAccount,
  connectEbayAccount,
  installShopifyStore,
  seedCatalog,
} from "../helpers/import-world";
import {
  expireActiveJobs,
  importAmazonOrder,
  importEbayOrder,
  makeRetriesDueNow,
  pushesOf,
  shipOnShopify,
  startTrackingWorld,
  timelineOf,
  type TrackingWorld,
  until,
  untilPushes,
} from "../helpers/tracking-world";
import { startWorkerProcess, type WorkerProcess } from "../helpers/worker-process";
import type { SimulatorServer } from "../simulators/shared/server";

/**
 * The window between the marketplace accepting a confirmation and Marketsync recording it. Neither
 * marketplace takes an idempotency key (eBay adds a package per call; Amazon refuses a second
 * confirmation of the same package), so the only thing that keeps a retry from sending twice is
 * reading the marketplace first and adopting what is already there.
 */

interface MarketplaceCase {
  marketplace: "ebay" | "amazon";
  /** The confirmation call, held by the simulator: it runs for real and its answer never comes. */
  fault: { operation: string };
  server(t: TrackingWorld): SimulatorServer;
  /** Imports one order: our id, the marketplace's, and a count of its confirmations there. */
  importOrder(
    t: TrackingWorld,
  ): Promise<{ orderId: string; marketplaceOrderId: string; confirmations: () => number }>;
}

function cases(accounts: { ebay: () => string; amazon: () => string }): MarketplaceCase[] {
  return [
    {
      marketplace: "ebay",
      fault: { operation: "createShippingFulfillment" },
      server: (t) => t.world.simulators.ebay.server,
      importOrder: async (t) => {
        const { ebayOrderId, orderId } = await importEbayOrder(t, {
          accountId: accounts.ebay(),
          seller: "crash_seller",
        });
        return {
          orderId,
          marketplaceOrderId: ebayOrderId,
          confirmations: () => t.world.simulators.ebay.fulfillments(ebayOrderId).length,
        };
      },
    },
    {
      marketplace: "amazon",
      fault: { operation: "confirmShipment" },
      server: (t) => t.world.simulators.amazon.server,
      importOrder: async (t) => {
        const { amazonOrderId, orderId } = await importAmazonOrder(t, {
          accountId: accounts.amazon(),
        });
        return {
          orderId,
          marketplaceOrderId: amazonOrderId,
          confirmations: () =>
            t.world.simulators.amazon.shipmentConfirmations(amazonOrderId).length,
        };
      },
    },
  ];
}

describe("a tracking push whose confirmation landed but was never recorded", () => {
  let t: TrackingWorld;
  let store: StoreRow;
  let ebayAccount: string;
  let amazonAccount: string;
  const processes: WorkerProcess[] = [];
  const inProcess: Worker[] = [];

  beforeAll(async () => {
    t = await startTrackingWorld();
    store = await installShopifyStore(t.world, { shop: "crash-shop.myshopify.com" });
    seedCatalog(t.world, store, [{ sku: "MUG-BLUE", title: "Blue mug", price: "14.00" }]);
    ebayAccount = await connectEbayAccount(t.world, store, { username: "crash_seller" });
    amazonAccount = await connectAmazonAccount(t.world, store, {});
    await t.subscribeWebhooks(store);
  });
  afterEach(async () => {
    for (const w of processes.splice(0)) await w.kill();
    for (const w of inProcess.splice(0)) await w.stop();
    t.world.simulators.ebay.server.faults.clear();
    t.world.simulators.amazon.server.faults.clear();
  });
  afterAll(() => t?.close());

  const marketplaces = cases({ ebay: () => ebayAccount, amazon: () => amazonAccount });

  describe.skipIf(databaseMode() !== "postgres")(
    "the worker process is SIGKILLed (needs Postgres: worker processes share one database; skipped on PGlite, whose database lives inside the test process)",
    () => {
      for (const c of marketplaces) {
        it(`GIVEN ${c.marketplace} accepted the confirmation but its answer never reached the worker WHEN the worker is SIGKILLed and a fresh worker takes the expired job THEN ${c.marketplace} holds exactly one confirmation, the push is confirmed and the timeline says push.adopted`, async () => {
          const { orderId, marketplaceOrderId, confirmations } = await c.importOrder(t);
          c.server(t).injectFault({ ...c.fault, kind: "hold_response", times: 1 });

          const first = await startWorkerProcess(t.world.childEnv(), {
            name: `${c.marketplace}-first`,
          });
          processes.push(first);
          await shipOnShopify(t, store, marketplaceOrderId, {
            company: "UPS",
            number: "1Z999AA10123456784",
          });

          // The marketplace has it; we only know we were sending. The crash lands here.
          await until(
            "the marketplace to hold the confirmation",
            () => confirmations() === 1,
            45_000,
          );
          const [sending] = await pushesOf(t, orderId);
          expect(sending).toMatchObject({ state: "sending", attempts: 1 });

          await first.kill();
          expect(first.child.signalCode).toBe("SIGKILL");
          // The killed worker's job is still `active`: expiry fails it into a retry, and its
          // backoff is skipped (it stands in for the wait, nothing else).
          expect(await expireActiveJobs(t, "tracking.push")).toHaveLength(1);
          await makeRetriesDueNow(t, "tracking.push");

          const second = await startWorkerProcess(t.world.childEnv(), {
            name: `${c.marketplace}-second`,
          });
          processes.push(second);
          const [push] = await untilPushes(t, orderId, "confirmed", { timeoutMs: 45_000 }).catch(
            (error: Error) => {
              throw new Error(`${error.message}\nfresh worker printed:\n${second.output()}`);
            },
          );

          expect(confirmations()).toBe(1);
          expect(push).toMatchObject({ attempts: 2, trackingNumber: "1Z999AA10123456784" });
          const kinds = (await timelineOf(t, orderId)).map((e) => e.kind);
          expect(kinds).toContain("push.adopted");
          expect(kinds).not.toContain("push.sent");
          expect(kinds.filter((k) => k === "push.confirmed")).toHaveLength(1);
        }, 120_000);
      }
    },
  );

  it("GIVEN eBay accepted the confirmation and the worker waits on an answer that never comes WHEN its job expires and is retried while that call is still open THEN the retry adopts eBay's fulfillment, and the stale attempt's late timeout does not undo the confirmed push", async () => {
    const [ebay] = marketplaces;
    const { orderId, marketplaceOrderId, confirmations } = await ebay!.importOrder(t);
    // No delay: the connector's own request timeout (15 s) ends the stale call.
    t.world.simulators.ebay.server.injectFault({
      operation: "createShippingFulfillment",
      kind: "hold_response",
      times: 1,
    });
    inProcess.push(await t.startWorker());
    await shipOnShopify(t, store, marketplaceOrderId, { company: "USPS", number: "LX123456789US" });
    await until("eBay to hold the fulfillment", () => confirmations() === 1);

    // The claim lapses while the handler still runs (pg-boss: "keeps running its handler").
    expect(await expireActiveJobs(t, "tracking.push")).toHaveLength(1);
    await makeRetriesDueNow(t, "tracking.push");
    await untilPushes(t, orderId, "confirmed");
    // The first attempt's createShippingFulfillment is still out, in the account's eBay queue.
    const ebayCalls = t.world.deps.queues.queue("ebay", ebayAccount, "shippingFulfillment");
    expect(ebayCalls.pending).toBe(1);

    // Its request timeout (15 s) ends it; whatever it then writes must leave the push confirmed.
    await until("the stale call to time out", () => ebayCalls.pending === 0, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const [push] = await pushesOf(t, orderId);
    expect(push).toMatchObject({ state: "confirmed", lastError: null });
    expect(confirmations()).toBe(1);
    const kinds = (await timelineOf(t, orderId)).map((e) => e.kind);
    expect(kinds).toContain("push.adopted");
    expect(kinds).not.toContain("push.failed");
    // The stale attempt's timeout is no attempt of the push any more: not on its timeline either.
    expect(kinds).not.toContain("push.attempt_failed");
  }, 60_000);
});
