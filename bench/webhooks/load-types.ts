/** What `bench/webhooks.ts` tells its load generator, and what each step reports back. */
export interface LoadConfig {
  label: string;
  url: string;
  shop: string;
  secret: string;
  /** Offered requests per second, one step each. */
  rates: number[];
  stepSeconds: number;
  /** Not reported as a step: JIT, connection pools and caches warm up first. */
  warmup: { rate: number; seconds: number };
  pauseMs: number;
  timeoutMs: number;
  maxSockets: number;
  /** First fulfillment number, so two runs never send the same ids. */
  seqStart: number;
  /** Append every request's [ms after the step began, latency ms, status] here, one step a line. */
  timelineFile?: string | undefined;
}

export interface StepResult {
  target: string;
  warmup: boolean;
  rate: number;
  seconds: number;
  sent: number;
  /** 200 answers saying `accepted` (the app recorded the receipt and enqueued its job). */
  accepted: number;
  /** `accepted` ÷ the step's time: its length, or until its last answer when it ran over. */
  acceptedPerSecond: number;
  elapsedS: number;
  /** From each request's scheduled send time; a timeout or a network error counts as timeoutMs. */
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  timeouts: number;
  /** Network errors and timeouts, by code. */
  errors: Record<string, number>;
  /** Answers other than an accepting 200, by status. */
  otherStatuses: Record<string, number>;
  /** How late the generator itself sent (its own event loop): large values void the step. */
  sendLagP99Ms: number;
  /** Filled in by the bench: CPU seconds the server process and its Postgres backends used. */
  cpu?: { server: number; postgres: number; machineBusy: number };
}

/** Printed as a step begins, so the bench can read CPU counters around it. */
export interface StepMark {
  mark: "start";
  rate: number;
}

/** Nearest-rank percentile (q in 0..1). */
export function percentile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
