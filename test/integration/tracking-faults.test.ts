import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../db/client";
import type { StoreRow } from "../../db/schema";
import { JOBS } from "../../jobs/registry";
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
  pushesOf,
  shipOnShopify,
  startTrackingWorld,
  timelineOf,
  type TrackingWorld,
  until,
  untilPushes,
} from "../helpers/tracking-world";
import { EBAY_SYSTEM_ERROR_BODY, TOO_MANY_REQUESTS_BODY } from "../simulators/ebay";

const PUSH_QUEUE = JOBS["tracking.push"].queue;
const OUTAGE_SECONDS = 10 * 60;

/**
 * The shortest wait before each retry of a queue, as pg-boss computes it with retryBackoff (its
 * failJobs statement): after the attempt with retry_count r the job waits
 * min(retryDelayMax, max(retryDelay, 1) × 2^r × (1 + random())) seconds. Index r = that wait.
 */
function shortestBackoffs(queue: {
  retryLimit: number;
  retryDelay: number;
  retryDelayMax: number;
}): number[] {
  return Array.from({ length: queue.retryLimit }, (_, r) =>
    Math.min(queue.retryDelayMax, (Math.max(queue.retryDelay, 1) * 2 ** Math.min(16, r + 1)) / 2),
  );
}

/**
 * A 429 is retried inside the call by the account's queue (OperationQueue: 5 more tries after
 * the vendor's wait) before the job sees it; so one push attempt makes at most this many calls.
 */
const MAX_CALLS_PER_ATTEMPT = 6;

describe("tracking pushes through marketplace outages and throttling", () => {
  let t: TrackingWorld;
  let store: StoreRow;
  let ebayAccount: string;
  let amazonAccount: string;
  const ebaySeller = "faults_seller";

  beforeAll(async () => {
    t = await startTrackingWorld();
    store = await installShopifyStore(t.world, { shop: "faults-shop.myshopify.com" });
    seedCatalog(t.world, store, [{ sku: "MUG-BLUE", title: "Blue mug", price: "14.00" }]);
    ebayAccount = await connectEbayAccount(t.world, store, { username: ebaySeller });
    amazonAccount = await connectAmazonAccount(t.world, store, {});
    await t.subscribeWebhooks(store);
    await t.startWorker();
  });
  afterEach(() => {
    t.world.simulators.ebay.server.faults.clear();
    t.world.simulators.amazon.server.faults.clear();
    t.world.simulators.amazon.setQuirks({ dropCarrierOnConfirm: false });
  });
  afterAll(() => t?.close());

  /** `count` eBay orders imported one after the other (each import polls the account). */
  async function importEbayOrders(count: number) {
    const orders: Awaited<ReturnType<typeof importEbayOrder>>[] = [];
    for (let i = 0; i < count; i++) {
      orders.push(await importEbayOrder(t, { accountId: ebayAccount, seller: ebaySeller }));
    }
    return orders;
  }

  /**
   * The backoff of each push job (from the start of its failed attempt to when it is due again),
   * once every one has failed attempt `attempts`.
   */
  async function backoffsOnceAllFailed(
    jobIds: string[],
    attempts: number,
  ): Promise<Map<string, number>> {
    return until(`every push job to fail attempt ${attempts}`, async () => {
      const rows = rowsOf<{ id: string; state: string; retry_count: number; wait: number }>(
        await t.world.database.db.execute(
          sql`select id, state, retry_count,
                extract(epoch from start_after - started_on)::float8 as wait
              from pgboss.job where name = 'tracking.push'`,
        ),
      ).filter((r) => jobIds.includes(r.id));
      const failedAgain = rows.filter(
        (r) => r.state === "retry" && Number(r.retry_count) === attempts - 1,
      );
      return failedAgain.length === jobIds.length
        ? new Map(failedAgain.map((r) => [r.id, Number(r.wait)]))
        : false;
    });
  }

  it("GIVEN the tracking.push queue policy WHEN its backoff is added up as pg-boss schedules it THEN even the shortest schedule outlasts a 10-minute outage before the retry limit", () => {
    const total = shortestBackoffs(PUSH_QUEUE).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(OUTAGE_SECONDS);
  });

  it("GIVEN eBay and Amazon answer 500 to every confirmation for 10 simulated minutes WHEN the outage ends THEN every push lands, with one fulfillment each on the marketplace", async () => {
    const ebayOrders = await importEbayOrders(3);
    const amazonOrders = [
      await importAmazonOrder(t, { accountId: amazonAccount }),
      await importAmazonOrder(t, { accountId: amazonAccount }),
    ];
    t.world.simulators.ebay.server.injectFault({
      operation: "createShippingFulfillment",
      kind: "status",
      status: 500,
      body: EBAY_SYSTEM_ERROR_BODY,
      times: 0,
    });
    t.world.simulators.amazon.injectFault({
      operation: "confirmShipment",
      kind: "status",
      status: 500,
      body: { errors: [{ code: "InternalFailure", message: "We encountered an internal error." }] },
      times: 0,
    });

    let n = 0;
    for (const o of ebayOrders) {
      await shipOnShopify(t, store, o.ebayOrderId, {
        company: "USPS",
        number: `LX10000000${n++}US`,
      });
    }
    for (const o of amazonOrders) {
      await shipOnShopify(t, store, o.amazonOrderId, {
        company: "UPS",
        number: `1Z999AA1012345678${n++}`,
      });
    }
    const orderIds = [...ebayOrders, ...amazonOrders].map((o) => o.orderId);
    const pushIds = (
      await until("five pushes", async () => {
        const all = (await Promise.all(orderIds.map((id) => pushesOf(t, id)))).flat();
        return all.length === 5 ? all : false;
      })
    ).map((p) => p.id);
    const jobIds = await until("five push jobs", async () => {
      const jobs = (await jobsNamed(t, "tracking.push")).filter((j) =>
        pushIds.includes(j.data.pushId as string),
      );
      return jobs.length === 5 ? jobs.map((j) => j.id) : false;
    });

    // Fail, and skip each backoff pg-boss chose, until every job has waited out 10 minutes.
    const expected = shortestBackoffs(PUSH_QUEUE);
    const outage = new Map(jobIds.map((id) => [id, 0]));
    let attempts = 0;
    while (Math.min(...outage.values()) < OUTAGE_SECONDS) {
      attempts += 1;
      expect(attempts, "the retry limit came before 10 minutes of outage").toBeLessThanOrEqual(
        PUSH_QUEUE.retryLimit,
      );
      const waits = await backoffsOnceAllFailed(jobIds, attempts);
      for (const wait of waits.values()) {
        // Real backoff, never a hot loop: at least the shortest wait pg-boss has for this retry.
        expect(wait).toBeGreaterThanOrEqual(expected[attempts - 1]!);
      }
      const pushes = (await Promise.all(orderIds.map((id) => pushesOf(t, id)))).flat();
      for (const push of pushes) {
        expect(push).toMatchObject({ state: "retrying", attempts });
        expect(push.lastError).toMatchObject({ code: "connector.transient" });
      }
      for (const [id, wait] of waits) outage.set(id, outage.get(id)! + wait);
      if (Math.min(...outage.values()) < OUTAGE_SECONDS)
        await makeRetriesDueNow(t, "tracking.push");
    }
    expect(t.world.simulators.ebay.fulfillments()).toHaveLength(0);
    expect(t.world.simulators.amazon.shipmentConfirmations()).toHaveLength(0);

    // The marketplaces are back; the backoff the jobs are waiting out elapses.
    t.world.simulators.ebay.server.faults.clear();
    t.world.simulators.amazon.server.faults.clear();
    expect(await makeRetriesDueNow(t, "tracking.push")).toBe(5);
    for (const orderId of orderIds) {
      const [push] = await untilPushes(t, orderId, "confirmed");
      expect(push!.attempts).toBe(attempts + 1);
      expect((await timelineOf(t, orderId)).map((e) => e.kind)).toContain("push.confirmed");
    }
    for (const o of ebayOrders) {
      expect(t.world.simulators.ebay.fulfillments(o.ebayOrderId)).toHaveLength(1);
    }
    for (const o of amazonOrders) {
      expect(t.world.simulators.amazon.shipmentConfirmations(o.amazonOrderId)).toHaveLength(1);
    }
  });

  it("GIVEN eBay answers 429 to the next 15 confirmations of three pushes WHEN the throttling passes THEN every push lands once and nothing was sent after its success", async () => {
    const orders = await importEbayOrders(3);
    const server = t.world.simulators.ebay.server;
    const before = server.exchangesFor("createShippingFulfillment").length;
    // eBay documents no Retry-After for its quotas (the connector then waits 60 s per 429); the
    // header here only keeps the storm short, the retry path is the same.
    server.injectFault({
      operation: "createShippingFulfillment",
      kind: "status",
      status: 429,
      body: TOO_MANY_REQUESTS_BODY,
      headers: { "retry-after": "0" },
      times: 15,
    });
    let n = 0;
    for (const o of orders) {
      await shipOnShopify(t, store, o.ebayOrderId, {
        company: "FedEx",
        number: `77000000000${n++}`,
      });
    }

    // Each job that ran out of in-call retries waits out its backoff; skip it until all land.
    await until(
      "every push confirmed",
      async () => {
        await makeRetriesDueNow(t, "tracking.push");
        const pushes = (await Promise.all(orders.map((o) => pushesOf(t, o.orderId)))).flat();
        return pushes.length === 3 && pushes.every((p) => p.state === "confirmed");
      },
      30_000,
    );
    for (const o of orders) {
      expect(t.world.simulators.ebay.fulfillments(o.ebayOrderId)).toHaveLength(1);
    }
    // 15 refused + 3 accepted: no call was made for a push after it had landed.
    expect(server.exchangesFor("createShippingFulfillment").length - before).toBe(15 + 3);
    for (const job of await jobsNamed(t, "tracking.push")) {
      expect(job.retryCount).toBeLessThanOrEqual(PUSH_QUEUE.retryLimit);
    }
  });

  it("GIVEN Amazon throttles more confirmShipment calls than one attempt makes WHEN a push is sent THEN its job retries and it lands with one confirmation after the throttling", async () => {
    const { amazonOrderId, orderId } = await importAmazonOrder(t, { accountId: amazonAccount });
    const amazon = t.world.simulators.amazon;
    const before = amazon.requestCount("confirmShipment");
    // More than the first attempt's in-call retries absorb: the job itself has to come back.
    const throttled = MAX_CALLS_PER_ATTEMPT + 2;
    amazon.throttle("confirmShipment", throttled);
    await shipOnShopify(t, store, amazonOrderId, { company: "UPS", number: "1Z999AA10123456799" });

    const [retrying] = await untilPushes(t, orderId, "retrying");
    expect(retrying!.lastError).toMatchObject({ code: "connector.rateLimited" });
    await makeRetriesDueNow(t, "tracking.push");
    await untilPushes(t, orderId, "confirmed");
    expect(amazon.shipmentConfirmations(amazonOrderId)).toHaveLength(1);
    // Every throttled call, then the one that landed: nothing was sent after it.
    expect(amazon.requestCount("confirmShipment") - before).toBe(throttled + 1);
  });

  it("GIVEN Amazon throttles confirmShipment without end WHEN the push keeps being retried THEN it stops at the queue's retry limit: failed with push.gave_up, its job dead-lettered, and no call after that", async () => {
    const { amazonOrderId, orderId } = await importAmazonOrder(t, { accountId: amazonAccount });
    const amazon = t.world.simulators.amazon;
    const before = amazon.requestCount("confirmShipment");
    amazon.throttle("confirmShipment", 0);
    await shipOnShopify(t, store, amazonOrderId, { company: "UPS", number: "1Z999AA10123456800" });
    const [push] = await until("the push", async () => {
      const pushes = await pushesOf(t, orderId);
      return pushes.length === 1 ? pushes : false;
    });

    const [failed] = await until(
      "the push to give up",
      async () => {
        const jobs = (await jobsNamed(t, "tracking.push")).filter(
          (j) => j.data.pushId === push!.id,
        );
        for (const job of jobs) expect(job.retryCount).toBeLessThanOrEqual(PUSH_QUEUE.retryLimit);
        await makeRetriesDueNow(t, "tracking.push");
        const pushes = await pushesOf(t, orderId);
        return pushes[0]?.state === "failed" ? pushes : false;
      },
      45_000,
    );
    const runs = PUSH_QUEUE.retryLimit + 1;
    expect(failed).toMatchObject({
      attempts: runs,
      lastError: { code: "push.gave_up", params: { attempts: runs } },
    });
    // The push is marked failed by our handler, just before pg-boss fails its job and files the
    // dead letter: wait for pg-boss to settle the job.
    const job = await until("pg-boss to fail the push's job", async () => {
      const [settled] = (await jobsNamed(t, "tracking.push")).filter(
        (j) => j.data.pushId === push!.id,
      );
      return settled?.state === "failed" ? settled : false;
    });
    expect(job).toMatchObject({ state: "failed", retryCount: PUSH_QUEUE.retryLimit });
    const deadLetters = await until("the dead letter", async () => {
      const letters = (await jobsNamed(t, "dead-letter")).filter((j) => j.data.pushId === push!.id);
      return letters.length > 0 ? letters : false;
    });
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]!.sourceName).toBe("tracking.push");

    const calls = amazon.requestCount("confirmShipment") - before;
    expect(calls).toBeGreaterThanOrEqual(runs);
    expect(calls).toBeLessThanOrEqual(runs * MAX_CALLS_PER_ATTEMPT);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(amazon.requestCount("confirmShipment") - before).toBe(calls);
    expect(amazon.shipmentConfirmations(amazonOrderId)).toHaveLength(0);
    const timeline = await timelineOf(t, orderId);
    expect(timeline.map((e) => e.kind)).toContain("push.failed");
    // Every attempt is on the timeline with Amazon's answer; giving up keeps the last one.
    const throttledAnswer = {
      reason: { code: "push.answer.rate_limited", params: { platform: "amazon" } },
      status: 429,
    };
    const attempts = timeline.filter((e) => e.kind === "push.attempt_failed");
    expect(attempts.map((e) => e.params)).toEqual(
      Array.from({ length: runs }, (_, i) =>
        expect.objectContaining({
          pushId: push!.id,
          attempt: i + 1,
          retrying: i + 1 < runs,
          ...throttledAnswer,
        }),
      ),
    );
    expect(timeline.find((e) => e.kind === "push.failed")!.params).toEqual({
      reason: { code: "push.gave_up", params: { attempts: runs } },
      lastAnswer: throttledAnswer.reason,
    });
  }, 60_000);

  it("GIVEN Amazon accepts a confirmation but drops its carrier WHEN the push is read back THEN it fails with push.carrier_dropped, once, without a second confirmation", async () => {
    const { amazonOrderId, orderId } = await importAmazonOrder(t, { accountId: amazonAccount });
    const amazon = t.world.simulators.amazon;
    amazon.setQuirks({ dropCarrierOnConfirm: true });
    const before = amazon.requestCount("confirmShipment");
    await shipOnShopify(t, store, amazonOrderId, { company: "UPS", number: "1Z999AA10123456801" });

    const [push] = await untilPushes(t, orderId, "failed");
    expect(push!.lastError).toEqual({ code: "push.carrier_dropped", params: { carrier: "UPS" } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(amazon.requestCount("confirmShipment") - before).toBe(1);
    expect(amazon.shipmentConfirmations(amazonOrderId)).toHaveLength(1);
    const kinds = (await timelineOf(t, orderId)).map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(["push.sent", "push.failed"]));
    expect(kinds).not.toContain("push.confirmed");
    const jobs = (await jobsNamed(t, "tracking.push")).filter((j) => j.data.pushId === push!.id);
    expect(jobs.map((j) => j.state)).toEqual(["completed"]);
    const [order] = rowsOf<{ tracking_state: string }>(
      await t.world.database.db.execute(
        sql`select tracking_state from marketplace_orders where id = ${orderId}`,
      ),
    );
    expect(order!.tracking_state).toBe("failed");
  });
});
