import type { Platform } from "../errors";
import { type OperationGroup, type OperationLimit, PUBLISHED_LIMITS } from "./limits";
import { OperationQueue, type OperationQueueOptions } from "./operation-queue";

/**
 * Hands out one queue per (platform, account, operation group), created on first use, so two
 * accounts never slow each other and one account's operations share its vendor budget.
 */
export class RateLimitRegistry {
  private readonly queues = new Map<string, OperationQueue>();

  constructor(private readonly options: OperationQueueOptions = {}) {}

  queue<P extends Platform>(
    platform: P,
    accountKey: string,
    group: OperationGroup<P>,
  ): OperationQueue {
    const key = `${platform}:${accountKey}:${group}`;
    let queue = this.queues.get(key);
    if (!queue) {
      const limits: Record<string, OperationLimit | undefined> = PUBLISHED_LIMITS[platform];
      const limit = limits[group];
      if (!limit) throw new Error(`no published limit for ${platform} ${group}`);
      queue = new OperationQueue(key, limit, this.options);
      this.queues.set(key, queue);
    }
    return queue;
  }

  all(): OperationQueue[] {
    return [...this.queues.values()];
  }
}
