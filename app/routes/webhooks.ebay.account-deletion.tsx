import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import {
  EBAY_SIGNATURE_HEADER,
  ebayChallengeResponse,
  EbayNotificationKeys,
  verifyEbayNotification,
} from "../../connectors/ebay/notifications";
import { isConnectorError } from "../../connectors/errors";
import { EBAY_USER_INDEX } from "../../db/orders";
import { getServices, type Services } from "../services.server";
import { acceptWebhook, parseJsonObject, platformDateIso, webhookAnswer } from "../webhooks.server";

/**
 * eBay Marketplace Account Deletion (mandatory for every eBay application that stores eBay data).
 *
 * GET `?challenge_code=` is eBay's endpoint validation: answer the hex SHA-256 of challengeCode +
 * verification token + this endpoint's URL, as entered in the developer portal.
 * POST is a notification: verify `X-EBAY-SIGNATURE` → record the receipt and enqueue
 * `ebay.account_deletion` in one transaction → 200. The job holds keyed hashes of the user's
 * username and user id, never the ids: the notification's personal data is not stored anywhere.
 * When eBay's key cannot be fetched the answer is 503, so eBay delivers again later.
 */

const PATH = "/webhooks/ebay/account-deletion";
const TOPIC = "MARKETPLACE_ACCOUNT_DELETION";
/** An account-deletion notification is well under 1 KB. */
const MAX_BODY_BYTES = 64 * 1024;

const notificationSchema = z.object({
  metadata: z.object({ topic: z.string().min(1) }),
  notification: z.object({
    notificationId: z.string().min(1).max(200),
    eventDate: z.string().optional(),
    data: z.unknown(),
  }),
});
// eBay is replacing usernames with immutable user ids for some applications: either one suffices.
const deletionData = z
  .object({
    username: z.string().trim().min(1).max(200).optional(),
    userId: z.string().trim().min(1).max(200).optional(),
  })
  .refine((d) => d.username !== undefined || d.userId !== undefined);

/** One key cache per process services (tests start several apps, each with its own). */
const keySources = new WeakMap<Services, EbayNotificationKeys>();

function notificationKeys(
  services: Services,
  app: { appId: string; certId: string },
): EbayNotificationKeys {
  let keys = keySources.get(services);
  if (!keys) {
    keys = new EbayNotificationKeys({
      endpoint: services.endpoints.ebay,
      credentials: app,
      logger: services.logger,
    });
    keySources.set(services, keys);
  }
  return keys;
}

function eventDateOf(value: string | undefined): Date | undefined {
  const iso = platformDateIso(value);
  return iso ? new Date(iso) : undefined;
}

export function loader({ request }: LoaderFunctionArgs) {
  const services = getServices();
  const token = services.ebayVerificationToken;
  if (!token || !services.publicUrl) {
    return webhookAnswer(503, "eBay account deletion endpoint is not configured");
  }
  const challengeCode = new URL(request.url).searchParams.get("challenge_code");
  if (!challengeCode || challengeCode.length > 1024) {
    return webhookAnswer(400, "challenge_code is required");
  }
  // The URL eBay was given, not the one this request reached us by (proxies rewrite hosts).
  const endpoint = `${services.publicUrl.replace(/\/+$/, "")}${PATH}`;
  return json(
    { challengeResponse: ebayChallengeResponse(challengeCode, token, endpoint) },
    { headers: { "Cache-Control": "no-store" } },
  );
}

export async function action({ request }: ActionFunctionArgs) {
  const services = getServices();
  const { logger, keyring } = services;
  if (request.method !== "POST") return webhookAnswer(405, "POST only");
  const jobs = services.jobs;
  if (!jobs) return webhookAnswer(503, "job queue not started");
  const app = services.apps.ebay;
  if (!app) return webhookAnswer(503, "eBay is not configured");

  const rawBody = new Uint8Array(await request.arrayBuffer());
  if (rawBody.byteLength > MAX_BODY_BYTES) return webhookAnswer(413, "body too large");
  let outcome;
  try {
    outcome = await verifyEbayNotification(
      notificationKeys(services, app),
      rawBody,
      request.headers.get(EBAY_SIGNATURE_HEADER),
    );
  } catch (error) {
    logger.warn(
      isConnectorError(error) ? error.toLog() : { err: error },
      "eBay notification key unavailable: answered 503 so that eBay delivers again",
    );
    return webhookAnswer(503, "signature cannot be checked now");
  }
  if (!outcome.valid) {
    logger.warn({ reason: outcome.reason }, "eBay notification refused");
    return webhookAnswer(401, "invalid eBay signature");
  }

  const body = parseJsonObject(Buffer.from(rawBody).toString("utf8"));
  const parsed = body ? notificationSchema.safeParse(body) : undefined;
  if (!parsed?.success) return webhookAnswer(400, "body is not an eBay notification");
  const { metadata, notification } = parsed.data;
  if (metadata.topic !== TOPIC) {
    logger.info({ topic: metadata.topic }, "eBay notification topic not handled");
    return webhookAnswer(200, "topic not handled");
  }
  const data = deletionData.safeParse(notification.data);
  if (!data.success) return webhookAnswer(400, "account deletion without username or userId");

  const userKeys = [
    ...new Set(
      [data.data.username, data.data.userId]
        .filter((id): id is string => id !== undefined)
        .flatMap((id) => keyring.blindIndexes(id, EBAY_USER_INDEX)),
    ),
  ];
  const notificationId = notification.notificationId;
  const result = await acceptWebhook(
    services,
    {
      source: "ebay",
      deliveryId: notificationId,
      topic: TOPIC,
      storeId: null,
      triggeredAt: eventDateOf(notification.eventDate),
    },
    (tx) => jobs.send(tx, "ebay.account_deletion", { notificationId, userKeys }),
  );
  logger.info({ notificationId, kid: outcome.kid, result }, "eBay account deletion received");
  return webhookAnswer(200, result);
}
