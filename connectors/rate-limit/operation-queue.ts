import PQueue from "p-queue";
import { RateLimited } from "../errors";
import type { OperationLimit } from "./limits";
import { type Clock, systemClock, TokenBucket } from "./token-bucket";

export interface OperationQueueOptions {
  /** Multiplies the published rate: tests and benchmarks run simulators at ×100 or more. */
  scale?: number;
  /** Stay this fraction under the vendor's rate, so clock drift never trips its bucket. */
  safety?: number;
  /**
   * Tokens (vendor units) we leave in the vendor's bucket. Our bucket paces at send time, the
   * vendor's at arrival; a request that travels faster than the one before it arrives early, and
   * this reserve is what it finds there instead of a 429.
   */
  reserve?: number;
  /** How many times a call answered with a 429 is tried again before the error is thrown. */
  maxRateLimitRetries?: number;
  /** Upper bound of the random delay added to every vendor-requested pause. */
  maxJitterMs?: number;
  clock?: Clock;
  random?: () => number;
}

export interface QueueStats {
  completed: number;
  /** Vendor units spent by completed and failed calls (requests, or Shopify cost points). */
  consumed: number;
  rateLimited: number;
  retried: number;
}

/** What a response said about the vendor's bucket, for `observe`. */
export interface LimitObservation {
  /** Requests (or points) per second the vendor says apply now (Amazon x-amzn-RateLimit-Limit). */
  ratePerSecond?: number | undefined;
  /** Tokens left in the vendor's bucket (Shopify currentlyAvailable, BigCommerce requests left). */
  available?: number | undefined;
  capacity?: number | undefined;
  /** The vendor's window resets in this many ms (BigCommerce X-Rate-Limit-Time-Reset-Ms). */
  resetInMs?: number | undefined;
}

/**
 * One queue per (platform, account, operation group): p-queue keeps order and bounds the calls in
 * flight; a token bucket paces them to the vendor's limit; a 429 pauses this queue alone for the
 * time the vendor asked plus jitter, then the call is retried a bounded number of times.
 */
export class OperationQueue {
  private readonly queue: PQueue;
  private readonly bucket: TokenBucket;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly maxRetries: number;
  private readonly maxJitterMs: number;
  private readonly safety: number;
  private readonly reserve: number;
  /** Cost of the calls sent and not yet answered: the vendor's figures do not include them yet. */
  private inFlightCost = 0;
  readonly stats: QueueStats = { completed: 0, consumed: 0, rateLimited: 0, retried: 0 };

  constructor(
    readonly key: string,
    readonly limit: OperationLimit,
    options: OperationQueueOptions = {},
  ) {
    const scale = options.scale ?? 1;
    this.safety = options.safety ?? 0.99;
    this.reserve = Math.min(
      options.reserve ?? Math.max(1, Math.ceil(limit.burst * 0.02)),
      limit.burst / 2,
    );
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.maxRetries = options.maxRateLimitRetries ?? 5;
    this.maxJitterMs = options.maxJitterMs ?? 250;
    this.queue = new PQueue({ concurrency: limit.concurrency });
    this.bucket = new TokenBucket(
      limit.rate * scale * this.safety,
      limit.burst - this.reserve,
      this.clock,
    );
  }

  get pending(): number {
    return this.queue.size + this.queue.pending;
  }

  /** Runs `task` when the limit allows; `cost` is in the vendor's units (Shopify query cost). */
  async run<T>(task: () => Promise<T>, options: { cost?: number } = {}): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        const cost = options.cost ?? 1;
        const result = await this.queue.add(async () => {
          await this.bucket.take(cost);
          this.inFlightCost += cost;
          this.stats.consumed += cost;
          try {
            return await task();
          } finally {
            this.inFlightCost -= cost;
          }
        });
        this.stats.completed++;
        return result;
      } catch (error) {
        if (!(error instanceof RateLimited)) throw error;
        this.stats.rateLimited++;
        this.pause(error.retryAfterMs);
        if (attempt >= this.maxRetries) throw error;
        this.stats.retried++;
      }
    }
  }

  /** Stops this queue's calls for `ms` plus jitter (a 429 told us to). */
  pause(ms: number): void {
    this.bucket.block(ms + Math.floor(this.random() * this.maxJitterMs));
  }

  /**
   * Adjusts the pacing to what the vendor reported in a response. Its "available" was counted
   * before the calls still in flight reached it, so those are taken off (the reporting call
   * included, which errs on the safe side by one call).
   */
  observe(observation: LimitObservation): void {
    this.bucket.sync({
      ...(observation.ratePerSecond !== undefined
        ? { ratePerSecond: observation.ratePerSecond * this.safety }
        : {}),
      ...(observation.available !== undefined
        ? { available: observation.available - this.reserve - this.inFlightCost }
        : {}),
      ...(observation.capacity !== undefined
        ? { capacity: observation.capacity - this.reserve }
        : {}),
    });
    if (
      observation.available !== undefined &&
      observation.available <= 0 &&
      observation.resetInMs
    ) {
      this.bucket.block(observation.resetInMs);
    }
  }

  onIdle(): Promise<void> {
    return this.queue.onIdle();
  }
}
