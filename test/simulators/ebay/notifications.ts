import {
  createHash,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  randomUUID,
  sign,
} from "node:crypto";

/**
 * eBay's side of the Notification platform, as the simulator plays it: the ECDSA keys eBay signs
 * push notifications with (served by `getPublicKey`), MARKETPLACE_ACCOUNT_DELETION notifications
 * signed the way eBay signs them, and the endpoint-validation challenge.
 *
 * What eBay documents (Notification API overview, marketplace account deletion guide and its
 * AsyncAPI contract), and what is reproduced here:
 * - the body is compact JSON `{metadata:{topic,schemaVersion,deprecated}, notification:{…}}`;
 * - `X-EBAY-SIGNATURE` is base64 of JSON `{alg:"ecdsa", kid, signature, digest:"SHA1"}`, where
 *   `signature` is the base64 DER ECDSA signature of the body's bytes with SHA-1;
 * - `getPublicKey` answers `{algorithm:"ECDSA", digest:"SHA1", key}` with the PEM on one line
 *   (`-----BEGIN PUBLIC KEY-----MFkw…-----END PUBLIC KEY-----`, no line breaks);
 * - the challenge is `GET <endpoint>?challenge_code=…`, answered with
 *   `{challengeResponse: hex(sha256(challengeCode + verificationToken + endpoint))}`;
 * - a delivery that is not answered 2xx is retried with the same notificationId and a higher
 *   publishAttemptCount.
 */

export const NOTIFICATION_BASE = "/commerce/notification/v1";
export const ACCOUNT_DELETION_TOPIC = "MARKETPLACE_ACCOUNT_DELETION";

/** Notification API errors (getPublicKey's x-response-codes). */
export const INVALID_KEY_ID_BODY = {
  errors: [
    {
      errorId: 195001,
      domain: "API_NOTIFICATION",
      category: "REQUEST",
      message: "The specified key id is invalid.",
    },
  ],
};

export interface EbayPublicKeyAnswer {
  algorithm: "ECDSA";
  digest: "SHA1";
  key: string;
}

export interface AccountDeletionInput {
  username: string;
  /** eBay's immutable user id; random when omitted. */
  userId?: string | undefined;
  eiasToken?: string | undefined;
  /** Reuse one to play a redelivery of the same notification. */
  notificationId?: string | undefined;
  publishAttemptCount?: number | undefined;
  eventDate?: string | undefined;
}

export interface SignedNotification {
  notificationId: string;
  rawBody: string;
  /** `content-type` and `x-ebay-signature`, as eBay sends them. */
  headers: Record<string, string>;
}

export interface DeliveryResult {
  status: number;
  body: string;
  notificationId: string;
}

export interface ChallengeResult {
  status: number;
  challengeCode: string;
  body: unknown;
  /** What eBay expects for that endpoint and token. */
  expected: string;
  /** The endpoint answered 200 with the expected challengeResponse. */
  valid: boolean;
}

interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** The hex SHA-256 eBay expects back from the endpoint-validation GET. */
export function expectedChallengeResponse(
  challengeCode: string,
  verificationToken: string,
  endpoint: string,
): string {
  return createHash("sha256")
    .update(challengeCode)
    .update(verificationToken)
    .update(endpoint)
    .digest("hex");
}

/** eBay's one-line PEM (what getPublicKey returns), from an EC public key. */
function oneLinePem(publicKey: KeyObject): string {
  const der = publicKey.export({ format: "der", type: "spki" }).toString("base64");
  return `-----BEGIN PUBLIC KEY-----${der}-----END PUBLIC KEY-----`;
}

export class NotificationSigner {
  private readonly keys = new Map<string, SigningKey>();
  private active = "";

  constructor() {
    this.rotate();
  }

  /** The key id new notifications are signed with. */
  get activeKid(): string {
    return this.active;
  }

  /**
   * A new P-256 key pair (the curve of eBay's published keys) becomes the signing key; earlier key
   * ids stay retrievable, as eBay keeps old keys valid while notifications signed with them are
   * still being retried.
   */
  rotate(): string {
    const kid = randomUUID();
    this.keys.set(kid, generateKeyPairSync("ec", { namedCurve: "prime256v1" }));
    this.active = kid;
    return kid;
  }

  publicKey(kid: string): EbayPublicKeyAnswer | undefined {
    const key = this.keys.get(kid);
    return key ? { algorithm: "ECDSA", digest: "SHA1", key: oneLinePem(key.publicKey) } : undefined;
  }

  /** The `X-EBAY-SIGNATURE` value for these exact body bytes. */
  signatureHeader(rawBody: string, kid: string = this.active): string {
    const key = this.keys.get(kid);
    if (!key) throw new Error(`no signing key ${kid}`);
    const signature = sign("sha1", Buffer.from(rawBody, "utf8"), {
      key: key.privateKey,
      dsaEncoding: "der",
    }).toString("base64");
    const header = { alg: "ecdsa", kid, signature, digest: "SHA1" };
    return Buffer.from(JSON.stringify(header), "utf8").toString("base64");
  }

  accountDeletion(input: AccountDeletionInput): SignedNotification {
    const notificationId = input.notificationId ?? `${randomUUID()}_${randomUUID()}`;
    const eventDate = input.eventDate ?? new Date().toISOString();
    const body = {
      metadata: { topic: ACCOUNT_DELETION_TOPIC, schemaVersion: "1.0", deprecated: false },
      notification: {
        notificationId,
        eventDate,
        publishDate: new Date().toISOString(),
        publishAttemptCount: input.publishAttemptCount ?? 1,
        data: {
          username: input.username,
          userId: input.userId ?? randomBytes(8).toString("base64url"),
          eiasToken: input.eiasToken ?? randomBytes(36).toString("base64"),
        },
      },
    };
    const rawBody = JSON.stringify(body);
    return {
      notificationId,
      rawBody,
      headers: {
        "content-type": "application/json",
        "x-ebay-signature": this.signatureHeader(rawBody),
      },
    };
  }
}

/** POSTs a notification to an endpoint exactly as built (tests may alter body or headers first). */
export async function deliverNotification(
  url: string,
  notification: SignedNotification,
): Promise<DeliveryResult> {
  const response = await fetch(url, {
    method: "POST",
    headers: notification.headers,
    body: notification.rawBody,
    redirect: "manual",
    signal: AbortSignal.timeout(10_000),
  });
  return {
    status: response.status,
    body: await response.text(),
    notificationId: notification.notificationId,
  };
}

/** eBay's endpoint validation: a GET with a fresh challenge code, checked against the formula. */
export async function sendChallenge(
  endpoint: string,
  verificationToken: string,
): Promise<ChallengeResult> {
  const challengeCode = randomBytes(32).toString("hex");
  const url = new URL(endpoint);
  url.searchParams.set("challenge_code", challengeCode);
  const response = await fetch(url, {
    headers: { accept: "application/json" },
    redirect: "manual",
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text, and not valid
  }
  const expected = expectedChallengeResponse(challengeCode, verificationToken, endpoint);
  const valid =
    response.status === 200 &&
    typeof body === "object" &&
    body !== null &&
    (body as { challengeResponse?: unknown }).challengeResponse === expected;
  return { status: response.status, challengeCode, body, expected, valid };
}
