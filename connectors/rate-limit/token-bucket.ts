/**
 * A token bucket that waits instead of failing: `take(cost)` resolves when the tokens are there.
 * Mirrors the vendors' own buckets (rate per second, burst capacity) so we stay just under them,
 * and can be re-synced from what a vendor reports (remaining tokens, new rate, a forced pause).
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class TokenBucket {
  private tokens: number;
  private last: number;
  private blockedUntil = 0;

  constructor(
    private ratePerSecond: number,
    private capacity: number,
    private readonly clock: Clock = systemClock,
    initialTokens: number = capacity,
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError("rate must be positive");
    if (!(capacity > 0)) throw new RangeError("capacity must be positive");
    this.tokens = Math.min(initialTokens, capacity);
    this.last = clock.now();
  }

  get rate(): number {
    return this.ratePerSecond;
  }

  get size(): number {
    return this.capacity;
  }

  available(): number {
    this.refill();
    return this.tokens;
  }

  /** Waits until `cost` tokens (at most the capacity) can be taken, then takes them. */
  async take(cost = 1): Promise<void> {
    const need = Math.min(cost, this.capacity);
    for (;;) {
      this.refill();
      const now = this.clock.now();
      if (now < this.blockedUntil) {
        await this.clock.sleep(this.blockedUntil - now);
        continue;
      }
      if (this.tokens >= need) {
        this.tokens -= need;
        return;
      }
      const waitMs = Math.ceil(((need - this.tokens) / this.ratePerSecond) * 1000);
      await this.clock.sleep(Math.max(1, waitMs));
    }
  }

  /**
   * Nothing is taken before `ms` from now. The bucket empties now (the vendor says ours is) and
   * refills meanwhile, as the vendor's does, so the first call after the pause is not held twice.
   */
  block(ms: number): void {
    this.refill();
    this.blockedUntil = Math.max(this.blockedUntil, this.clock.now() + ms);
    this.tokens = 0;
  }

  /** Adopts what the vendor reports about its bucket (capacity, rate, and a lower token count). */
  sync(state: { available?: number; capacity?: number; ratePerSecond?: number }): void {
    this.refill();
    if (state.capacity !== undefined && state.capacity > 0) this.capacity = state.capacity;
    if (state.ratePerSecond !== undefined && state.ratePerSecond > 0) {
      this.ratePerSecond = state.ratePerSecond;
    }
    // Only ever lowers our count: a report may be older than calls answered since (responses
    // overtake each other), and refilling raises it anyway. It may go below zero: calls already
    // sent are a debt the vendor's bucket has yet to see.
    if (state.available !== undefined) this.tokens = Math.min(this.tokens, state.available);
  }

  private refill(): void {
    const now = this.clock.now();
    if (now <= this.last) return;
    this.tokens = Math.min(
      this.capacity,
      this.tokens + ((now - this.last) / 1000) * this.ratePerSecond,
    );
    this.last = now;
  }
}
