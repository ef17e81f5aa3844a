import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../db/client";
import { marketplaceOrders, shipments, type StoreRow } from "../../db/schema";
import { CANCEL_CHECK_DELAY_SECONDS } from "../../jobs/tracking/store-cancellation";
import { WAKE_CHANNEL } from "../../jobs/registry";
import {
  connectAmazonAccount,
  connectEbayAccount,
  installShopifyStore,
  seedCatalog,
} from "../helpers/import-world";
import {
  importAmazonOrder,
  importEbayOrder,
  jobsNamed,
  makeRetriesDueNow,
  shipOnShopify,
  shopifyOrderGid,
  signedShopifyWebhook,
  startTrackingWorld,
  timelineOf,
  type TrackingWorld,
  until,
} from "../helpers/tracking-world";

describe("a store cancellation of an imported order, on the marketplace when the account asks", () => {
  let t: TrackingWorld;
  let store: StoreRow;
  let amazonAccount: string;
  let ebayOn: string;
  let ebayOff: string;

  beforeAll(async () => {
    t = await startTrackingWorld();
    store = await installShopifyStore(t.world, { shop: "cancel-shop.myshopify.com" });
    seedCatalog(t.world, store, [{ sku: "MUG-BLUE", title: "Blue mug", price: "14.00" }]);
    amazonAccount = await connectAmazonAccount(t.world, store, {
      settings: { cancelOnMarketplace: true },
    });
    ebayOn = await connectEbayAccount(t.world, store, {
      username: "cancelling_seller",
      settings: { cancelOnMarketplace: true },
    });
    ebayOff = await connectEbayAccount(t.world, store, { username: "keeping_seller" });
    await t.subscribeWebhooks(store);
    await t.startWorker();
  });
  afterAll(() => t?.close());

  /** The merchant cancels the Shopify order: Shopify's signed orders/cancelled reaches the app. */
  async function cancelInShopify(marketplaceOrderId: string) {
    const gid = shopifyOrderGid(t, store, marketplaceOrderId);
    const hook = signedShopifyWebhook(store.externalId, "orders/cancelled", {
      id: Number(gid.split("/").pop()),
      cancel_reason: "customer",
    });
    const res = await fetch(`${t.app.url}/webhooks/shopify`, { method: "POST", ...hook });
    expect(res.status).toBe(200);
  }

  function untilEvent(orderId: string, kind: string) {
    return until(`${kind} on order ${orderId}`, async () => {
      const timeline = await timelineOf(t, orderId);
      return timeline.find((e) => e.kind === kind);
    });
  }

  const kinds = async (orderId: string) => (await timelineOf(t, orderId)).map((e) => e.kind);

  /** Delayed runs of the job (the feed follow-up) become due now, as their delay elapsing would. */
  async function makeDelayedCancellationJobsDue(): Promise<number> {
    const moved = rowsOf<{ id: string }>(
      await t.world.database.db.execute(
        sql`update pgboss.job set start_after = now()
            where name = 'store.order_cancelled' and state = 'created' and start_after > now()
            returning id`,
      ),
    );
    await t.world.database.db.execute(
      sql`select pg_notify(${WAKE_CHANNEL}, 'store.order_cancelled')`,
    );
    return moved.length;
  }

  it("GIVEN an account that does not cancel on the marketplace WHEN the merchant cancels the store order THEN it is recorded and eBay is not called", async () => {
    const { ebayOrderId, orderId } = await importEbayOrder(t, {
      accountId: ebayOff,
      seller: "keeping_seller",
    });

    await cancelInShopify(ebayOrderId);

    const event = await untilEvent(orderId, "store.cancelled");
    expect(event.params).toMatchObject({ cancelOnMarketplace: "not_requested" });
    const [order] = await t.world.database.db
      .select({ state: marketplaceOrders.state })
      .from(marketplaceOrders)
      .where(eq(marketplaceOrders.id, orderId));
    expect(order?.state).toBe("cancelled");
    expect(t.world.simulators.ebay.sellerCancellations(ebayOrderId)).toEqual([]);
    expect(t.world.simulators.ebay.order(ebayOrderId)?.cancelStatus?.cancelState).toBe(
      "NONE_REQUESTED",
    );
    expect((await kinds(orderId)).filter((k) => k.startsWith("marketplace."))).toEqual([]);
  });

  it("GIVEN an Amazon account that cancels on the marketplace WHEN the merchant cancels an unshipped order THEN an acknowledgement feed cancels it on Amazon and the timeline says so", async () => {
    const { amazonOrderId, orderId } = await importAmazonOrder(t, { accountId: amazonAccount });
    const items = t.world.simulators.amazon.getOrder(amazonOrderId).orderItems;

    await cancelInShopify(amazonOrderId);

    const cancelled = await untilEvent(orderId, "marketplace.cancelled");
    const submitted = (await timelineOf(t, orderId)).find(
      (e) => e.kind === "marketplace.cancel_submitted",
    );
    expect(typeof submitted?.params.reference).toBe("string");
    expect(cancelled.params.reference).toBe(submitted?.params.reference);
    const onAmazon = t.world.simulators.amazon.getOrder(amazonOrderId);
    expect(onAmazon.fulfillment?.fulfillmentStatus).toBe("CANCELLED");
    expect(t.world.simulators.amazon.sellerCancellations(amazonOrderId)).toEqual([
      expect.objectContaining({
        feedId: submitted?.params.reference,
        orderItemIds: items.map((i) => i.orderItemId),
        // The buyer did not ask: a neutral reason, not one that claims a stock-out.
        cancelReason: "GeneralAdjustment",
      }),
    ]);
    const [feed] = t.world.simulators.amazon.server.exchangesFor("createFeed").slice(-1);
    expect(feed?.request.body).toMatchObject({
      feedType: "POST_ORDER_ACKNOWLEDGEMENT_DATA",
      marketplaceIds: ["ATVPDKIKX0DER"],
    });
    const [upload] = t.world.simulators.amazon.server
      .exchangesFor("s3.uploadFeedDocument")
      .slice(-1);
    expect(upload?.request.rawBody).toContain(`<AmazonOrderID>${amazonOrderId}</AmazonOrderID>`);
    expect(upload?.request.rawBody).toContain("<StatusCode>Failure</StatusCode>");
  });

  it("GIVEN Amazon processes feeds later WHEN the merchant cancels THEN the feed is recorded as submitted and a later run of the job confirms the cancellation", async () => {
    const { amazonOrderId, orderId } = await importAmazonOrder(t, { accountId: amazonAccount });
    t.world.simulators.amazon.setFeedProcessingDelay(60_000);
    try {
      await cancelInShopify(amazonOrderId);
      await untilEvent(orderId, "marketplace.cancel_submitted");
      const delayed = await until("the follow-up run to be queued", async () => {
        const jobs = await jobsNamed(t, "store.order_cancelled");
        return jobs.find((j) => j.state === "created" && j.startAfter.getTime() > Date.now());
      });
      expect(delayed.startAfter.getTime() - Date.now()).toBeGreaterThan(
        (CANCEL_CHECK_DELAY_SECONDS - 5) * 1000,
      );
      expect(await kinds(orderId)).not.toContain("marketplace.cancelled");
      expect(t.world.simulators.amazon.getOrder(amazonOrderId).fulfillment?.fulfillmentStatus).toBe(
        "UNSHIPPED",
      );

      t.world.simulators.amazon.releaseQueuedFeeds();
      expect(await makeDelayedCancellationJobsDue()).toBe(1);

      await untilEvent(orderId, "marketplace.cancelled");
      expect(t.world.simulators.amazon.getOrder(amazonOrderId).fulfillment?.fulfillmentStatus).toBe(
        "CANCELLED",
      );
      expect(
        (await kinds(orderId)).filter((k) => k === "marketplace.cancel_submitted"),
      ).toHaveLength(1);
    } finally {
      t.world.simulators.amazon.setFeedProcessingDelay(0);
    }
  });

  it("GIVEN an eBay account that cancels on the marketplace WHEN the merchant cancels an unshipped order THEN eBay accepts a seller cancellation and the order is cancelled there", async () => {
    const { ebayOrderId, orderId } = await importEbayOrder(t, {
      accountId: ebayOn,
      seller: "cancelling_seller",
    });

    await cancelInShopify(ebayOrderId);

    const cancelled = await untilEvent(orderId, "marketplace.cancelled");
    const [request] = t.world.simulators.ebay.sellerCancellations(ebayOrderId);
    expect(request).toMatchObject({
      cancelReason: "OUT_OF_STOCK_OR_CANNOT_FULFILL",
      marketplaceId: "EBAY_US",
      seller: "cancelling_seller",
    });
    expect(cancelled.params.reference).toBe(request?.cancelId);
    expect(t.world.simulators.ebay.order(ebayOrderId)?.cancelStatus?.cancelState).toBe("CANCELED");
    const [exchange] = t.world.simulators.ebay.server.exchangesFor("createCancellation");
    expect(exchange?.request.headers.authorization).toMatch(/^IAF /);
  });

  it("GIVEN the buyer asked eBay to cancel WHEN the merchant cancels the store order THEN the seller cancellation says the buyer asked", async () => {
    const { ebayOrderId, orderId } = await importEbayOrder(t, {
      accountId: ebayOn,
      seller: "cancelling_seller",
    });
    t.world.simulators.ebay.requestCancellation(ebayOrderId, "ORDER_MISTAKE");

    await cancelInShopify(ebayOrderId);

    await untilEvent(orderId, "marketplace.cancelled");
    expect(t.world.simulators.ebay.sellerCancellations(ebayOrderId)).toEqual([
      expect.objectContaining({ cancelReason: "BUYER_ASKED_CANCEL" }),
    ]);
  });

  it("GIVEN an order the merchant already shipped WHEN the store order is cancelled THEN nothing is sent to the marketplace", async () => {
    const { amazonOrderId, orderId } = await importAmazonOrder(t, { accountId: amazonAccount });
    await shipOnShopify(t, store, amazonOrderId, { company: "UPS", number: "1Z999AA10123456784" });
    await until("the shipment to be recorded", async () => {
      const rows = await t.world.database.db
        .select({ id: shipments.id })
        .from(shipments)
        .where(eq(shipments.orderId, orderId));
      return rows.length > 0;
    });
    const feedsBefore = t.world.simulators.amazon.requestCount("createFeed");

    await cancelInShopify(amazonOrderId);

    await untilEvent(orderId, "store.cancelled_after_shipment");
    // Give a wrongly queued cancellation the time to show up before looking.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(t.world.simulators.amazon.requestCount("createFeed")).toBe(feedsBefore);
    expect(t.world.simulators.amazon.sellerCancellations(amazonOrderId)).toEqual([]);
    expect((await kinds(orderId)).filter((k) => k.startsWith("marketplace."))).toEqual([]);
  });

  it("GIVEN eBay refuses the cancellation WHEN the merchant cancels THEN eBay's message is on the timeline as a reason and nothing is retried", async () => {
    const { ebayOrderId, orderId } = await importEbayOrder(t, {
      accountId: ebayOn,
      seller: "cancelling_seller",
    });
    t.world.simulators.ebay.server.injectFault({
      operation: "createCancellation",
      kind: "status",
      status: 400,
      times: 1,
      body: {
        error: [
          {
            errorId: 1617,
            domain: "cancellationErrorDomain",
            severity: "ERROR",
            category: "REQUEST",
            message: "The order is not eligible for cancellation.",
          },
        ],
      },
    });

    await cancelInShopify(ebayOrderId);

    const failed = await untilEvent(orderId, "marketplace.cancel_failed");
    expect(failed.params.reason).toEqual({
      code: "cancel.refused",
      params: { platform: "ebay", message: "The order is not eligible for cancellation." },
    });
    expect(t.world.simulators.ebay.order(ebayOrderId)?.cancelStatus?.cancelState).toBe(
      "NONE_REQUESTED",
    );
    const jobs = await jobsNamed(t, "store.order_cancelled");
    expect(jobs.filter((j) => j.state === "retry" || j.state === "failed")).toEqual([]);
  });

  it("GIVEN eBay answers that the order is not eligible WHEN the merchant cancels THEN eBay's failure reason is on the timeline", async () => {
    const { ebayOrderId, orderId } = await importEbayOrder(t, {
      accountId: ebayOn,
      seller: "cancelling_seller",
    });
    t.world.simulators.ebay.server.injectFault({
      operation: "createCancellation",
      kind: "status",
      status: 200,
      times: 1,
      body: {
        orderEligibilityResult: { eligible: false, failureReason: ["CANCEL_PERIOD_EXPIRED"] },
      },
    });

    await cancelInShopify(ebayOrderId);

    const failed = await untilEvent(orderId, "marketplace.cancel_failed");
    expect(failed.params.reason).toEqual({
      code: "cancel.refused",
      params: { platform: "ebay", message: "CANCEL_PERIOD_EXPIRED" },
    });
    expect(await kinds(orderId)).not.toContain("marketplace.cancel_submitted");
  });

  it("GIVEN the order ships on Amazon before the feed is processed WHEN the report comes back THEN Amazon's error is the reason on the timeline", async () => {
    const { amazonOrderId, orderId } = await importAmazonOrder(t, { accountId: amazonAccount });
    t.world.simulators.amazon.setFeedProcessingDelay(60_000);
    try {
      await cancelInShopify(amazonOrderId);
      await untilEvent(orderId, "marketplace.cancel_submitted");
      // The job records the submission, then reads the feed once: only after that read found it
      // pending (the follow-up is queued) may the order ship, or the feed would be processed first.
      await until("the follow-up run to be queued", async () => {
        const jobs = await jobsNamed(t, "store.order_cancelled");
        return jobs.some((j) => j.state === "created" && j.startAfter.getTime() > Date.now());
      });
      t.world.simulators.amazon.setStatus(amazonOrderId, "SHIPPED");
      t.world.simulators.amazon.releaseQueuedFeeds();
      await makeDelayedCancellationJobsDue();

      const failed = await untilEvent(orderId, "marketplace.cancel_failed");
      expect(failed.params.reason).toMatchObject({
        code: "cancel.refused",
        params: { platform: "amazon" },
      });
      expect(
        String((failed.params.reason as { params: { message: string } }).params.message),
      ).toMatch(/cannot be cancelled: its status is SHIPPED/);
    } finally {
      t.world.simulators.amazon.setFeedProcessingDelay(0);
    }
  });

  it("GIVEN Amazon answers 503 once to createFeed WHEN the merchant cancels THEN the job is retried and the order is cancelled on Amazon once", async () => {
    const { amazonOrderId, orderId } = await importAmazonOrder(t, { accountId: amazonAccount });
    t.world.simulators.amazon.injectFault({
      operation: "createFeed",
      kind: "status",
      status: 503,
      times: 1,
      body: { errors: [{ code: "ServiceUnavailable", message: "Service unavailable." }] },
    });

    await cancelInShopify(amazonOrderId);

    await until("the job to wait for its retry", async () => {
      const jobs = await jobsNamed(t, "store.order_cancelled");
      return jobs.some((j) => j.state === "retry");
    });
    expect(await kinds(orderId)).not.toContain("marketplace.cancel_submitted");
    expect(await makeRetriesDueNow(t, "store.order_cancelled")).toBe(1);

    await untilEvent(orderId, "marketplace.cancelled");
    expect(t.world.simulators.amazon.sellerCancellations(amazonOrderId)).toHaveLength(1);
  });
});
