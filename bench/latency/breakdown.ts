import { sql } from "drizzle-orm";
import { type Database, rowsOf } from "../../db/client";
import { percentile } from "../webhooks/load-types";

/**
 * Where a sample's milliseconds went, from the timestamps the path leaves behind: the webhook
 * receipt (its transaction's start), the pg-boss jobs (created in the enqueuing transaction,
 * started when a worker fetched them) and the marketplace simulator's receivedAt. All on this
 * machine's clock.
 */

export interface Sample {
  marketplace: "ebay" | "amazon";
  marketplaceOrderId: string;
  fulfillmentGid: string;
  eventId: string;
  sentAt: number;
  receivedAt: number;
}

export const SEGMENTS = [
  ["webhook route until its transaction", "send → receipt"],
  ["commit, NOTIFY, worker fetch", "receipt → fulfillment.sync started"],
  ["fulfillment.sync: reads + Shopify call", "sync started → its transaction"],
  ["commit, NOTIFY, worker fetch", "sync transaction → tracking.push started"],
  ["tracking.push: reads + marketplace calls", "push started → marketplace received"],
] as const;

const epochMs = (column: ReturnType<typeof sql.raw>) =>
  sql`(extract(epoch from ${column}) * 1000)::float8`;

export interface Breakdown {
  /** Per segment, every sample's milliseconds. */
  segments: number[][];
  /** Per sample (same order as given, undefined when a timestamp is missing), its segments. */
  perSample: (number[] | undefined)[];
}

export async function breakdown(db: Database, samples: Sample[]): Promise<Breakdown> {
  const receipts = new Map(
    rowsOf<{ delivery_id: string; at: number }>(
      await db.execute(
        sql`select delivery_id, ${epochMs(sql.raw("received_at"))} as at from webhook_receipts where source = 'shopify'`,
      ),
    ).map((r) => [r.delivery_id, Number(r.at)]),
  );
  const syncJobs = new Map(
    rowsOf<{ fulfillment_id: string; started: number }>(
      await db.execute(
        sql`select data->>'fulfillmentId' as fulfillment_id, ${epochMs(sql.raw("started_on"))} as started
            from pgboss.job where name = 'fulfillment.sync' and data->>'source' = 'webhook'`,
      ),
    ).map((r) => [r.fulfillment_id, Number(r.started)]),
  );
  const pushJobs = new Map(
    rowsOf<{ marketplace_order_id: string; created: number; started: number }>(
      await db.execute(
        sql`select o.marketplace_order_id, ${epochMs(sql.raw("j.created_on"))} as created,
                   ${epochMs(sql.raw("j.started_on"))} as started
            from pgboss.job j
            join tracking_pushes p on p.id::text = j.data->>'pushId'
            join marketplace_orders o on o.id = p.order_id
            where j.name = 'tracking.push'`,
      ),
    ).map((r) => [
      r.marketplace_order_id,
      { created: Number(r.created), started: Number(r.started) },
    ]),
  );
  const segments: number[][] = SEGMENTS.map(() => []);
  const perSample = samples.map((s) => {
    const receipt = receipts.get(`fulfillments/create:${s.eventId}`);
    const syncStarted = syncJobs.get(s.fulfillmentGid);
    const push = pushJobs.get(s.marketplaceOrderId);
    if (receipt === undefined || syncStarted === undefined || !push) return undefined;
    const points = [s.sentAt, receipt, syncStarted, push.created, push.started, s.receivedAt];
    const spans = SEGMENTS.map((_, i) => points[i + 1]! - points[i]!);
    spans.forEach((ms, i) => segments[i]!.push(ms));
    return spans;
  });
  return { segments, perSample };
}

export function describe(values: number[]): string {
  if (values.length === 0) return "no samples";
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return (
    `p50 ${percentile(values, 0.5).toFixed(1).padStart(6)}  p99 ${percentile(values, 0.99).toFixed(1).padStart(7)}  ` +
    `mean ${mean.toFixed(1).padStart(6)}  max ${Math.max(...values)
      .toFixed(0)
      .padStart(5)} ms`
  );
}
