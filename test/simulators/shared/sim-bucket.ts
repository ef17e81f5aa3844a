/** The simulators' side of a rate limit: a token bucket that refuses instead of waiting. */
export class SimBucket {
  private tokens: number;
  private last = Date.now();

  constructor(
    private readonly ratePerSecond: number,
    private readonly capacity: number,
  ) {
    this.tokens = capacity;
  }

  available(): number {
    this.refill();
    return this.tokens;
  }

  /** Takes `cost` tokens, or says how long until they would be there. */
  tryTake(cost: number): { ok: true } | { ok: false; retryAfterMs: number } {
    this.refill();
    if (this.tokens >= cost) {
      this.tokens -= cost;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: this.msUntil(cost) };
  }

  /** Milliseconds until `tokens` are available. */
  msUntil(tokens: number): number {
    this.refill();
    const missing = Math.max(0, Math.min(tokens, this.capacity) - this.tokens);
    return Math.ceil((missing / this.ratePerSecond) * 1000);
  }

  private refill(): void {
    const now = Date.now();
    this.tokens = Math.min(
      this.capacity,
      this.tokens + ((now - this.last) / 1000) * this.ratePerSecond,
    );
    this.last = now;
  }
}
