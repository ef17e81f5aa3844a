import type { MessageKey, Translate } from "./i18n/messages";

/** What the orders list's bulk action answers. */
export type BulkResultData =
  | { intent: "skip"; count: number }
  /** `count`: orders checked again; `pushes`: what was done to their failed or held tracking. */
  | { intent: "retry"; count: number; pushes: { queued: number; resynced: number } };

/**
 * The bulk action's answer for the merchant: one sentence per thing done (orders checked again,
 * tracking sent again, held shipments read again), none when nothing could be done.
 */
export function bulkMessages(t: Translate, data: BulkResultData): string[] {
  const counted = (count: number, one: MessageKey, many: MessageKey) =>
    count === 0 ? [] : [count === 1 ? t(one) : t(many, { count })];
  if (data.intent === "skip") return counted(data.count, "orders.skippedOne", "orders.skipped");
  return [
    ...counted(data.count, "orders.retriedOne", "orders.retried"),
    ...counted(data.pushes.queued, "orders.pushesRetriedOne", "orders.pushesRetried"),
    ...counted(data.pushes.resynced, "orders.pushesResyncedOne", "orders.pushesResynced"),
  ];
}
