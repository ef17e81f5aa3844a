import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import type { Transaction } from "../../jobs/boss";
import { getServices } from "../services.server";
import type { JobName } from "../../jobs/registry";
import {
  acceptStoreWebhook,
  parseJsonObject,
  platformDateIso,
  validateShopifyWebhook,
  webhookAnswer,
  withWebhookCapacity,
} from "../webhooks.server";

/**
 * Every Shopify webhook of the app (see shopify.app.toml): fulfillments/create|update,
 * orders/cancelled, app/uninstalled and the compliance topics. Verify the HMAC on the raw body →
 * record the receipt and enqueue its job in one transaction → 200. Nothing else happens here.
 */

// Shopify ids are 64-bit integers (20 digits at most): a longer one is no Shopify id, and would
// overflow the job payloads' 200-character ids as a gid.
const numericId = z.union([z.number().int().positive(), z.string().regex(/^\d{1,20}$/)]);
const fulfillmentPayload = z.object({
  id: numericId,
  order_id: numericId,
  updated_at: z.string().optional(),
});
const orderPayload = z.object({ id: numericId });
const redactPayload = z.object({ orders_to_redact: z.array(numericId).max(10_000).default([]) });
const dataRequestPayload = z.object({
  orders_requested: z.array(numericId).max(10_000).default([]),
  data_request: z.object({ id: numericId }),
});

const gid = (type: string, id: string | number) => `gid://shopify/${type}/${id}`;

export function action({ request }: ActionFunctionArgs) {
  return withWebhookCapacity(() => handle(request));
}

async function handle(request: Request): Promise<Response> {
  const services = getServices();
  const { logger } = services;
  if (request.method !== "POST") return webhookAnswer(405, "POST only");
  const app = services.apps.shopify;
  if (!app) return webhookAnswer(404, "Shopify is not configured");

  const rawBody = await request.text();
  const check = await validateShopifyWebhook(app.apiKey, app.apiSecret, request, rawBody);
  if (!check.valid) {
    logger.warn({ reason: check.reason }, "shopify webhook refused");
    return webhookAnswer(401, "invalid webhook signature");
  }
  const body = parseJsonObject(rawBody);
  if (!body) return webhookAnswer(400, "body is not a JSON object");

  // The header as sent (`fulfillments/create`); the library's `topic` is its storage spelling.
  const topic = (request.headers.get("x-shopify-topic") ?? "").trim().toLowerCase();
  let enqueue: ((tx: Transaction, storeId: string) => Promise<unknown>) | undefined;
  let wake: JobName | undefined;
  const jobs = services.jobs;
  if (!jobs) return webhookAnswer(503, "job queue not started");
  const triggeredAt = platformDateIso(check.triggeredAt);
  switch (topic) {
    case "fulfillments/create":
    case "fulfillments/update": {
      const parsed = fulfillmentPayload.safeParse(body);
      if (!parsed.success) {
        return webhookAnswer(400, "fulfillment payload needs id and order_id of at most 20 digits");
      }
      const f = parsed.data;
      const sourceUpdatedAt = platformDateIso(f.updated_at);
      wake = "fulfillment.sync";
      enqueue = (tx, storeId) =>
        jobs.send(
          tx,
          "fulfillment.sync",
          {
            storeId,
            storeOrderId: gid("Order", f.order_id),
            fulfillmentId: gid("Fulfillment", f.id),
            ...(sourceUpdatedAt ? { sourceUpdatedAt } : {}),
            source: "webhook",
          },
          { wake: false },
        );
      break;
    }
    case "orders/cancelled": {
      const parsed = orderPayload.safeParse(body);
      if (!parsed.success) {
        return webhookAnswer(400, "order payload needs an id of at most 20 digits");
      }
      const orderId = parsed.data.id;
      enqueue = (tx, storeId) =>
        jobs.send(tx, "store.order_cancelled", { storeId, storeOrderId: gid("Order", orderId) });
      break;
    }
    case "app/uninstalled": {
      enqueue = (tx, storeId) =>
        jobs.send(tx, "store.lifecycle", {
          storeId,
          event: "uninstalled",
          ...(triggeredAt ? { triggeredAt } : {}),
        });
      break;
    }
    case "shop/redact":
      enqueue = (tx, storeId) =>
        jobs.send(tx, "store.lifecycle", { storeId, event: "shop_redact" });
      break;
    case "customers/redact": {
      const parsed = redactPayload.safeParse(body);
      if (!parsed.success) {
        return webhookAnswer(
          400,
          "customers/redact payload is malformed (ids of at most 20 digits)",
        );
      }
      const storeOrderIds = parsed.data.orders_to_redact.map((id) => gid("Order", id));
      enqueue = (tx, storeId) =>
        jobs.send(tx, "store.lifecycle", { storeId, event: "customers_redact", storeOrderIds });
      break;
    }
    case "customers/data_request": {
      const parsed = dataRequestPayload.safeParse(body);
      if (!parsed.success) {
        return webhookAnswer(
          400,
          "customers/data_request payload is malformed (ids of at most 20 digits)",
        );
      }
      const storeOrderIds = parsed.data.orders_requested.map((id) => gid("Order", id));
      const requestRef = String(parsed.data.data_request.id);
      enqueue = (tx, storeId) =>
        jobs.send(tx, "store.lifecycle", {
          storeId,
          event: "data_request",
          requestRef,
          storeOrderIds,
        });
      break;
    }
    default:
      logger.info({ topic, shop: check.domain }, "shopify webhook topic not handled");
      return webhookAnswer(200, "topic not handled");
  }

  const result = await acceptStoreWebhook(
    services,
    {
      source: "shopify",
      // Shopify's retries keep the event id; a different topic on the same event is another event.
      deliveryId: `${topic}:${("eventId" in check && check.eventId) || check.webhookId}`,
      topic,
      store: { platform: "shopify", externalId: check.domain },
      webhookId: check.webhookId,
      triggeredAt: triggeredAt ? new Date(triggeredAt) : undefined,
      wake,
    },
    enqueue,
  );
  if (result === "unknown_store") {
    // Not ours (never installed, or already redacted): 200 so Shopify stops retrying.
    logger.info({ topic, shop: check.domain }, "shopify webhook for an unknown shop ignored");
    return webhookAnswer(200, "unknown shop");
  }
  logger.debug({ topic, shop: check.domain, result }, "shopify webhook");
  return webhookAnswer(200, result);
}

export function loader() {
  return webhookAnswer(405, "POST only");
}
