import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RateLimited, Rejected } from "../../errors";
import { OperationQueue } from "../operation-queue";
import { RateLimitRegistry } from "../registry";
import { TokenBucket } from "../token-bucket";

const LIMIT = { rate: 2, burst: 3, concurrency: 2, source: "test" };
const throttled = () =>
  new RateLimited({ platform: "amazon", operation: "x", message: "429", retryAfterMs: 1_000 });

describe("rate-limited queues", () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it("GIVEN a bucket of 3 at 2/s WHEN 5 calls are made THEN 3 go at once and the rest at the rate", async () => {
    const bucket = new TokenBucket(2, 3);
    const times: number[] = [];
    const all = Promise.all(
      Array.from({ length: 5 }, () => bucket.take().then(() => times.push(Date.now()))),
    );
    await vi.advanceTimersByTimeAsync(2_000);
    await all;
    expect(times.slice(0, 3)).toEqual([0, 0, 0]);
    expect(times[3]).toBeGreaterThanOrEqual(500);
    expect(times[4]).toBeGreaterThanOrEqual(1_000);
    expect(times[4]).toBeLessThanOrEqual(1_010);
  });

  it("GIVEN the vendor answers 429 once WHEN the call runs THEN the queue waits the retry-after plus jitter and succeeds", async () => {
    const queue = new OperationQueue("amazon:a:getOrder", LIMIT, {
      safety: 1,
      random: () => 0.5,
      maxJitterMs: 200,
    });
    let calls = 0;
    const callTimes: number[] = [];
    const result = queue.run(async () => {
      callTimes.push(Date.now());
      calls++;
      if (calls === 1) throw throttled();
      return "ok";
    });
    await vi.advanceTimersByTimeAsync(1_200);
    await expect(result).resolves.toBe("ok");
    expect(callTimes[1]! - callTimes[0]!).toBeGreaterThanOrEqual(1_100);
    expect(queue.stats).toEqual({ completed: 1, consumed: 2, rateLimited: 1, retried: 1 });
  });

  it("GIVEN a 429 storm WHEN a call keeps being throttled THEN it gives up after the retry cap instead of looping", async () => {
    const queue = new OperationQueue("ebay:a:getOrders", LIMIT, {
      maxRateLimitRetries: 3,
      maxJitterMs: 0,
    });
    let calls = 0;
    const result = queue.run(async () => {
      calls++;
      throw throttled();
    });
    const assertion = expect(result).rejects.toBeInstanceOf(RateLimited);
    await vi.advanceTimersByTimeAsync(10_000);
    await assertion;
    expect(calls).toBe(4);
  });

  it("GIVEN a permanent rejection WHEN the call fails THEN it is not retried", async () => {
    const queue = new OperationQueue("shopify:a:graphql", LIMIT);
    let calls = 0;
    const result = queue.run(async () => {
      calls++;
      throw new Rejected({ platform: "shopify", operation: "orderCreate", message: "bad" });
    });
    await expect(result).rejects.toBeInstanceOf(Rejected);
    expect(calls).toBe(1);
  });

  it("GIVEN the vendor says its window is empty WHEN observed THEN calls wait for the reset", async () => {
    const queue = new OperationQueue("bigcommerce:a:api", LIMIT, { safety: 1 });
    queue.observe({ available: 0, resetInMs: 3_000 });
    let at = -1;
    const done = queue.run(async () => {
      at = Date.now();
    });
    await vi.advanceTimersByTimeAsync(3_100);
    await done;
    expect(at).toBeGreaterThanOrEqual(3_000);
  });

  it("GIVEN two accounts WHEN one is throttled and saturated THEN the other is not slowed", async () => {
    const registry = new RateLimitRegistry({ scale: 1 });
    const busy = registry.queue("amazon", "seller-a", "confirmShipment");
    const idle = registry.queue("amazon", "seller-b", "confirmShipment");
    expect(busy).not.toBe(idle);
    expect(registry.queue("amazon", "seller-a", "confirmShipment")).toBe(busy);
    busy.pause(60_000);
    void busy.run(async () => "late");
    let finishedAt = -1;
    await idle.run(async () => {
      finishedAt = Date.now();
    });
    expect(finishedAt).toBe(0);
  });

  it("GIVEN a report older than what we already counted WHEN observed THEN it never raises our count", () => {
    const bucket = new TokenBucket(1, 10);
    bucket.sync({ available: 2 });
    bucket.sync({ available: 8 });
    expect(bucket.available()).toBe(2);
  });

  it("GIVEN calls still in flight WHEN the vendor reports its bucket THEN their cost counts as a debt", async () => {
    const queue = new OperationQueue(
      "shopify:a:graphql",
      { rate: 10, burst: 100, concurrency: 4, source: "t" },
      {
        safety: 1,
        reserve: 0,
      },
    );
    let release: (() => void) | undefined;
    const slow = queue.run(() => new Promise<void>((r) => (release = r)), { cost: 30 });
    while (!release) await vi.advanceTimersByTimeAsync(0);
    // The vendor answered another call: 50 left on its side, our 30 not yet counted there.
    queue.observe({ available: 50 });
    let startedAt = -1;
    const next = queue.run(
      async () => {
        startedAt = Date.now();
      },
      { cost: 30 },
    );
    await vi.advanceTimersByTimeAsync(1_100);
    await next;
    // 50 − 30 in flight = 20 available; 30 needed → 1 s at 10/s.
    expect(startedAt).toBeGreaterThanOrEqual(1_000);
    release();
    await slow;
  });
});
