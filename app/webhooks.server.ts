import { timingSafeEqual, createHmac } from "node:crypto";
import { ApiVersion, LogSeverity, shopifyApi, type WebhookValidation } from "@shopify/shopify-api";
import { json } from "@remix-run/node";
import type { Transaction } from "../jobs/boss";
import { and, eq, sql } from "drizzle-orm";
import { rowsOf } from "../db/client";
import { stores, webhookReceipts } from "../db/schema";
import { type JobName, WAKE_CHANNEL } from "../jobs/registry";
import type { Services } from "./services.server";

/**
 * What every webhook route shares: verify, record the receipt and enqueue in one transaction, then
 * answer. Routes stay thin (Shopify app template): the work happens in jobs, so a busy worker never
 * slows an answer down and a redelivery never does the work twice.
 */

export type WebhookSource = (typeof webhookReceipts.$inferInsert)["source"];

export interface Receipt {
  source: WebhookSource;
  /** Shopify `topic:X-Shopify-Event-Id`, BigCommerce payload hash, eBay notification id. */
  deliveryId: string;
  topic: string;
  storeId: string | null;
  webhookId?: string | undefined;
  triggeredAt?: Date | undefined;
}

/**
 * Records the receipt and, when it is the first delivery, runs `enqueue` in the same transaction:
 * either both exist afterwards or neither. A concurrent duplicate waits on the unique index and
 * then finds the row, so five simultaneous deliveries enqueue once.
 */
export async function acceptWebhook(
  services: Pick<Services, "db">,
  receipt: Receipt,
  enqueue: (tx: Transaction) => Promise<unknown>,
): Promise<"accepted" | "duplicate"> {
  return services.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(webhookReceipts)
      .values({
        source: receipt.source,
        deliveryId: receipt.deliveryId,
        topic: receipt.topic,
        storeId: receipt.storeId,
        webhookId: receipt.webhookId ?? null,
        triggeredAt: receipt.triggeredAt ?? null,
      })
      .onConflictDoNothing({ target: [webhookReceipts.source, webhookReceipts.deliveryId] })
      .returning({ id: webhookReceipts.id });
    if (!row) return "duplicate";
    await enqueue(tx);
    return "accepted";
  });
}

/**
 * `acceptWebhook` for a delivery whose store is known only by its platform id (the Shopify shop
 * domain): finding the store, recording the receipt and waking the workers are one statement, then
 * `enqueue` runs in the same transaction with the store's id. It is the hot path of every
 * fulfillment webhook, so it spends as few round trips as it can (BEGIN, this insert, the job's
 * insert, COMMIT); the NOTIFY is delivered only if the transaction commits.
 */
export async function acceptStoreWebhook(
  services: Pick<Services, "db">,
  receipt: Omit<Receipt, "storeId"> & {
    store: { platform: "shopify" | "bigcommerce"; externalId: string };
    /** Queue whose workers should start at once (its job is enqueued with `wake: false`). */
    wake?: JobName | undefined;
  },
  enqueue: (tx: Transaction, storeId: string) => Promise<unknown>,
): Promise<"accepted" | "duplicate" | "unknown_store"> {
  return services.db.transaction(async (tx) => {
    const notify = receipt.wake ? sql`, pg_notify(${WAKE_CHANNEL}, ${receipt.wake})` : sql``;
    const [row] = rowsOf<{ id: string; store_id: string }>(
      await tx.execute(sql`
        insert into webhook_receipts (source, delivery_id, topic, store_id, webhook_id, triggered_at)
        select ${receipt.source}, ${receipt.deliveryId}, ${receipt.topic}, s.id,
               ${receipt.webhookId ?? null}, ${receipt.triggeredAt?.toISOString() ?? null}::timestamptz
        from stores s
        where s.platform = ${receipt.store.platform} and s.external_id = ${receipt.store.externalId}
        on conflict (source, delivery_id) do nothing
        returning id, store_id${notify}`),
    );
    if (row) {
      await enqueue(tx, row.store_id);
      return "accepted";
    }
    const [store] = await tx
      .select({ id: stores.id })
      .from(stores)
      .where(
        and(
          eq(stores.platform, receipt.store.platform),
          eq(stores.externalId, receipt.store.externalId),
        ),
      );
    return store ? "duplicate" : "unknown_store";
  });
}

/**
 * Webhook requests being answered by this process. Past the limit the route answers 503 at once
 * (the platform retries later) instead of queueing requests until they outlive Shopify's 5 s.
 */
const MAX_WEBHOOKS_IN_FLIGHT = 128;
let webhooksInFlight = 0;

export async function withWebhookCapacity(handle: () => Promise<Response>): Promise<Response> {
  if (webhooksInFlight >= MAX_WEBHOOKS_IN_FLIGHT) {
    return json(
      { status: 503, message: "busy, retry later" },
      { status: 503, headers: { "Retry-After": "5", "Cache-Control": "no-store" } },
    );
  }
  webhooksInFlight += 1;
  try {
    return await handle();
  } finally {
    webhooksInFlight -= 1;
  }
}

/** Plain-text answers: platforms read the status only, and nothing internal leaks. */
export function webhookAnswer(status: number, message: string) {
  return json({ status, message }, { status, headers: { "Cache-Control": "no-store" } });
}

const validators = new Map<string, ReturnType<typeof shopifyApi>>();

/**
 * Shopify's own HMAC check (`webhooks.validate`) on the raw body: base64 HMAC-SHA256 with the app
 * secret, compared in constant time, plus the required headers. A validator per secret (the demo's
 * simulated app and a real one never share a process, but tests run several).
 */
export async function validateShopifyWebhook(
  apiKey: string,
  apiSecret: string,
  request: Request,
  rawBody: string,
): Promise<WebhookValidation> {
  let api = validators.get(apiSecret);
  if (!api) {
    api = shopifyApi({
      apiKey,
      apiSecretKey: apiSecret,
      apiVersion: ApiVersion.July26,
      hostName: "marketsync.invalid",
      isEmbeddedApp: true,
      logger: { level: LogSeverity.Error, log: () => undefined },
    });
    validators.set(apiSecret, api);
  }
  const headers: Record<string, string> = {};
  request.headers.forEach((value, key) => {
    headers[key] = value;
  });
  // Which runtime adapter the library uses is process-wide state (shopify-app-remix installs the
  // web one, our connectors the node one): give it a request both can read.
  Object.defineProperty(headers, "entries", {
    value: () => Object.entries(headers)[Symbol.iterator](),
    enumerable: false,
  });
  return api.webhooks.validate({
    rawBody,
    rawRequest: { method: request.method, url: request.url, headers } as never,
  });
}

/** Constant-time string comparison that does not leak the expected length through early exits. */
export function safeEqual(given: string, expected: string): boolean {
  const a = createHmac("sha256", "marketsync-compare").update(given).digest();
  const b = createHmac("sha256", "marketsync-compare").update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

/** Parses a JSON object body; undefined when it is not one. */
export function parseJsonObject(rawBody: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(rawBody);
    return value && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The years a platform's date can plausibly have. JavaScript also reads years such as +275760 or
 * -000001, which Postgres and the job payloads' ISO 8601 refuse (a 500 instead of an answer).
 */
const EARLIEST_DATE = Date.UTC(2000, 0, 1);
const LATEST_DATE = Date.UTC(2100, 0, 1);

/**
 * A date a platform sent in a webhook (a header or a payload field), as ISO 8601, or undefined when
 * it is unreadable or outside 2000–2099. Undefined rather than the receipt time: the receipt already
 * records when it arrived, and an uninstall without a trigger time is applied, as one triggered now
 * would be.
 */
export function platformDateIso(value: string | undefined): string | undefined {
  const time = value ? Date.parse(value) : Number.NaN;
  return time >= EARLIEST_DATE && time < LATEST_DATE ? new Date(time).toISOString() : undefined;
}
