import { PUBLISHED_LIMITS } from "../../connectors/rate-limit/limits";
import type { Platform } from "../../connectors/errors";

/**
 * One rate-limited operation driven through its connector against its simulator: a backlog of
 * `calls` requests fired at once, paced by the connector's queue.
 */
export interface BenchCase {
  name: string;
  platform: Platform;
  /** Queue group in PUBLISHED_LIMITS. */
  group: string;
  scale: number;
  calls: number;
  /** Vendor units each call costs (Shopify query cost; 1 elsewhere). */
  costPerCall?: number;
  setup(scale: number): Promise<BenchRun>;
}

export interface BenchRun {
  call(index: number): Promise<unknown>;
  /** 429 / THROTTLED answers the simulator sent for this operation. */
  throttled(): number;
  stop(): Promise<void>;
}

export interface CaseResult {
  name: string;
  calls: number;
  elapsedMs: number;
  boundMs: number;
  achievedPerSecond: number;
  configuredPerSecond: number;
  ratio: number;
  throttled: number;
}

/**
 * Runs a case. The fastest the limits allow is: the burst at once, then the rest at the published
 * rate × scale; `ratio` = that bound ÷ the elapsed time (1.0 = exactly at the limit).
 */
export async function runCase(benchCase: BenchCase): Promise<CaseResult> {
  const limits: Record<string, { rate: number; burst: number } | undefined> =
    PUBLISHED_LIMITS[benchCase.platform];
  const limit = limits[benchCase.group];
  if (!limit) throw new Error(`no limit for ${benchCase.platform} ${benchCase.group}`);
  const cost = benchCase.costPerCall ?? 1;
  const rate = limit.rate * benchCase.scale;
  const run = await benchCase.setup(benchCase.scale);
  try {
    const started = performance.now();
    await Promise.all(Array.from({ length: benchCase.calls }, (_, i) => run.call(i)));
    const elapsedMs = performance.now() - started;
    const boundMs = (Math.max(0, benchCase.calls * cost - limit.burst) / rate) * 1000;
    const sustainedCalls = Math.max(0, benchCase.calls - limit.burst / cost);
    return {
      name: benchCase.name,
      calls: benchCase.calls,
      elapsedMs,
      boundMs,
      achievedPerSecond: (sustainedCalls * cost) / (elapsedMs / 1000),
      configuredPerSecond: rate,
      ratio: boundMs / elapsedMs,
      throttled: run.throttled(),
    };
  } finally {
    await run.stop();
  }
}
