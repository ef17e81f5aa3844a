import { createHmac } from "node:crypto";
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { BIGCOMMERCE_SECRET_HEADER, decryptWebhookSecret, findStore } from "../../db/stores";
import type { Transaction } from "../../jobs/boss";
import { getServices } from "../services.server";
import {
  acceptWebhook,
  parseJsonObject,
  safeEqual,
  webhookAnswer,
  withWebhookCapacity,
} from "../webhooks.server";

/**
 * BigCommerce hooks registered on install (`POST /v3/hooks`): store/shipment/created|updated,
 * store/order/statusUpdated, store/app/uninstalled. BigCommerce signs nothing by default, so each
 * hook carries a per-store secret header we verify in constant time (and the standard-webhooks
 * signature when one is present). Payloads hold ids only: the job reads the shipment through the
 * connector. Deliveries are deduplicated on the payload `hash`.
 */

const CANCELLED_STATUS_ID = 5;
/** 2100-01-01T00:00:00Z in epoch seconds: a later (or negative) created_at is not a real hook's. */
const LATEST_CREATED_AT = 4_102_444_800;

const payloadSchema = z.object({
  scope: z.string().min(1),
  hash: z.string().min(1).max(200),
  producer: z.string().regex(/^stores\/[A-Za-z0-9]+$/),
  // Epoch seconds. Unbounded, a huge or very negative value makes an invalid Date, and the
  // toISOString below a 500 instead of this 400.
  created_at: z.number().int().min(0).max(LATEST_CREATED_AT).optional(),
  data: z.record(z.string(), z.unknown()).default({}),
});
const shipmentData = z.object({
  id: z.coerce.number().int().positive(),
  orderId: z.coerce.number().int().positive(),
});
const statusData = z.object({
  id: z.coerce.number().int().positive(),
  status: z.object({ new_status_id: z.number().int() }),
});

/**
 * Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature: `v1,<base64>` HMAC-SHA256 of
 * `id.timestamp.body`), keyed with the app's client secret. Only checked when BigCommerce sends it.
 */
function standardSignatureValid(request: Request, rawBody: string, secret: string): boolean {
  const id = request.headers.get("webhook-id");
  const timestamp = request.headers.get("webhook-timestamp");
  const signatures = request.headers.get("webhook-signature");
  if (!id || !timestamp || !signatures) return false;
  const age = Math.abs(Date.now() / 1000 - Number(timestamp));
  if (!Number.isFinite(age) || age > 300) return false;
  const key = secret.startsWith("whsec_") ? Buffer.from(secret.slice(6), "base64") : secret;
  const expected = createHmac("sha256", key)
    .update(`${id}.${timestamp}.${rawBody}`)
    .digest("base64");
  return signatures.split(" ").some((s) => s.startsWith("v1,") && safeEqual(s.slice(3), expected));
}

export function action({ request }: ActionFunctionArgs) {
  return withWebhookCapacity(() => handle(request));
}

async function handle(request: Request): Promise<Response> {
  const services = getServices();
  const { logger } = services;
  if (request.method !== "POST") return webhookAnswer(405, "POST only");
  const secretGiven = request.headers.get(BIGCOMMERCE_SECRET_HEADER);
  if (!secretGiven) return webhookAnswer(401, "missing webhook secret");

  const rawBody = await request.text();
  const json = parseJsonObject(rawBody);
  const parsed = json ? payloadSchema.safeParse(json) : undefined;
  if (!parsed?.success) return webhookAnswer(400, "body is not a BigCommerce webhook payload");
  const payload = parsed.data;
  const storeHash = payload.producer.slice("stores/".length);

  const store = await findStore(services.db, "bigcommerce", storeHash);
  const expected = store ? decryptWebhookSecret(services.keyring, store) : undefined;
  if (!store || !expected) {
    logger.info({ scope: payload.scope, storeHash }, "bigcommerce webhook for an unknown store");
    return webhookAnswer(200, "unknown store");
  }
  if (!safeEqual(secretGiven, expected)) {
    logger.warn({ storeId: store.id }, "bigcommerce webhook with a wrong secret refused");
    return webhookAnswer(401, "invalid webhook secret");
  }
  const clientSecret = services.apps.bigcommerce?.clientSecret;
  if (
    request.headers.has("webhook-signature") &&
    (!clientSecret || !standardSignatureValid(request, rawBody, clientSecret))
  ) {
    logger.warn({ storeId: store.id }, "bigcommerce webhook signature refused");
    return webhookAnswer(401, "invalid webhook signature");
  }

  const jobs = services.jobs;
  if (!jobs) return webhookAnswer(503, "job queue not started");
  const storeId = store.id;
  let enqueue: ((tx: Transaction) => Promise<unknown>) | undefined;
  switch (payload.scope) {
    case "store/shipment/created":
    case "store/shipment/updated": {
      const data = shipmentData.safeParse(payload.data);
      if (!data.success) return webhookAnswer(400, "shipment payload without id or orderId");
      const { id, orderId } = data.data;
      enqueue = (tx) =>
        jobs.send(tx, "fulfillment.sync", {
          storeId,
          storeOrderId: String(orderId),
          fulfillmentId: String(id),
          source: "webhook",
        });
      break;
    }
    case "store/order/statusUpdated": {
      const data = statusData.safeParse(payload.data);
      if (!data.success) return webhookAnswer(400, "order status payload is malformed");
      if (data.data.status.new_status_id !== CANCELLED_STATUS_ID) {
        return webhookAnswer(200, "status change not handled");
      }
      const orderId = String(data.data.id);
      enqueue = (tx) => jobs.send(tx, "store.order_cancelled", { storeId, storeOrderId: orderId });
      break;
    }
    case "store/app/uninstalled": {
      const triggeredAt = payload.created_at
        ? new Date(payload.created_at * 1000).toISOString()
        : undefined;
      enqueue = (tx) =>
        jobs.send(tx, "store.lifecycle", {
          storeId,
          event: "uninstalled",
          ...(triggeredAt ? { triggeredAt } : {}),
        });
      break;
    }
    default:
      logger.info({ scope: payload.scope, storeId }, "bigcommerce webhook scope not handled");
      return webhookAnswer(200, "scope not handled");
  }

  const result = await acceptWebhook(
    services,
    {
      source: "bigcommerce",
      // BigCommerce retries a delivery with the same hash and created_at; a later event on the same
      // resource (a corrected tracking number) may hash alike but is created later.
      deliveryId: `${payload.hash}:${payload.created_at ?? ""}`,
      topic: payload.scope,
      storeId,
      triggeredAt: payload.created_at ? new Date(payload.created_at * 1000) : undefined,
    },
    enqueue,
  );
  return webhookAnswer(200, result);
}

export function loader() {
  return webhookAnswer(405, "POST only");
}
