import { createHash, createPublicKey, type KeyObject, verify } from "node:crypto";
import eBayApi from "ebay-api";
import { type ConnectorError, Transient } from "../errors";
import type { ConnectorLogger } from "../types";
import { createRequest } from "./client";
import { mapEbayError } from "./errors";

/**
 * eBay push notifications (Notification platform: MARKETPLACE_ACCOUNT_DELETION and later topics).
 *
 * eBay signs each notification with ECDSA and sends `X-EBAY-SIGNATURE`: base64 of JSON
 * `{alg:"ecdsa", kid, signature, digest:"SHA1"}`. The public key of `kid` comes from the Notification
 * API (`GET /commerce/notification/v1/public_key/{kid}`, application token from the client
 * credentials grant); eBay asks that it be cached (about an hour) rather than fetched per
 * notification — its daily quota is 10,000 calls and the client credentials grant's 1,000.
 */

export const EBAY_SIGNATURE_HEADER = "x-ebay-signature";
/** The scope application tokens for the Notification API carry. */
export const EBAY_PUBLIC_SCOPE = "https://api.ebay.com/oauth/api_scope";

/** Key ids are UUIDs in practice; anything outside this never reaches eBay's URL. */
const KID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
/** A P-256 DER signature is at most 72 bytes; a P-521 one 139. More is not a signature. */
const MAX_SIGNATURE_BASE64 = 256;
const HASHES: Record<string, string> = { SHA1: "sha1", SHA256: "sha256" };

export interface EbaySignature {
  alg: string;
  kid: string;
  /** Base64 DER ECDSA signature. */
  signature: string;
  digest: string;
}

/** The decoded `X-EBAY-SIGNATURE`, or undefined when it is absent or not eBay's shape. */
export function decodeEbaySignature(header: string | null | undefined): EbaySignature | undefined {
  const value = header?.trim();
  if (!value || value.length > 2048 || !BASE64.test(value)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, "base64").toString("utf8"));
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== "object") return undefined;
  const { alg, kid, signature, digest } = parsed as Record<string, unknown>;
  if (typeof alg !== "string" || typeof digest !== "string") return undefined;
  if (typeof kid !== "string" || !KID_PATTERN.test(kid)) return undefined;
  if (typeof signature !== "string" || signature.length > MAX_SIGNATURE_BASE64) return undefined;
  if (!BASE64.test(signature)) return undefined;
  return { alg, kid, signature, digest };
}

/** eBay's endpoint validation: hex SHA-256 of challengeCode + verificationToken + endpoint URL. */
export function ebayChallengeResponse(
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

export interface EbayPublicKey {
  /** `ECDSA`. */
  algorithm: string;
  /** `SHA1`. */
  digest: string;
  key: KeyObject;
}

/**
 * getPublicKey's answer → a key object. eBay returns the PEM on one line (`-----BEGIN PUBLIC
 * KEY-----MFkw…-----END PUBLIC KEY-----`), which PEM parsers refuse: the base64 between the markers
 * is read as the DER SubjectPublicKeyInfo it is.
 */
export function parseEbayPublicKey(answer: unknown): EbayPublicKey {
  const { algorithm, digest, key } = (answer ?? {}) as Record<string, unknown>;
  const der =
    typeof key === "string"
      ? /-----BEGIN PUBLIC KEY-----([\sA-Za-z0-9+/=]+)-----END PUBLIC KEY-----/.exec(key)?.[1]
      : undefined;
  if (typeof algorithm !== "string" || typeof digest !== "string" || !der) {
    throw new Transient({
      platform: "ebay",
      operation: "getPublicKey",
      message: "eBay answered getPublicKey without a readable algorithm, digest and key",
    });
  }
  try {
    const keyObject = createPublicKey({
      key: Buffer.from(der.replace(/\s+/g, ""), "base64"),
      format: "der",
      type: "spki",
    });
    return { algorithm, digest, key: keyObject };
  } catch (error) {
    throw new Transient({
      platform: "ebay",
      operation: "getPublicKey",
      message: `eBay's public key could not be read: ${(error as Error).message}`,
      cause: error,
    });
  }
}

export type VerifyOutcome =
  | { valid: true; kid: string }
  | {
      valid: false;
      reason: "missing" | "malformed" | "unsupported_algorithm" | "unknown_key" | "mismatch";
    };

/** Where verification finds keys: `EbayNotificationKeys`, or a fixed set in tests. */
export interface PublicKeySource {
  /** The key, or undefined when eBay says there is no such key id. Throws ConnectorError otherwise. */
  get(kid: string): Promise<EbayPublicKey | undefined>;
}

/**
 * Checks `X-EBAY-SIGNATURE` against the body's bytes. A key that cannot be fetched (eBay down,
 * throttled, our app credentials refused) throws the ConnectorError: that is not the sender's fault,
 * and the caller should answer so that eBay retries.
 *
 * The signature is over the body as eBay serialized it, compact JSON; eBay's own SDKs verify the
 * re-serialized parsed body instead, so a body that arrives re-formatted in transit is also checked
 * in that form. Either way only eBay's private key can produce a match.
 */
export async function verifyEbayNotification(
  keys: PublicKeySource,
  rawBody: Uint8Array,
  header: string | null | undefined,
): Promise<VerifyOutcome> {
  if (!header?.trim()) return { valid: false, reason: "missing" };
  const signature = decodeEbaySignature(header);
  if (!signature) return { valid: false, reason: "malformed" };
  if (signature.alg.toLowerCase() !== "ecdsa") {
    return { valid: false, reason: "unsupported_algorithm" };
  }
  const publicKey = await keys.get(signature.kid);
  if (!publicKey) return { valid: false, reason: "unknown_key" };
  const hash = HASHES[publicKey.digest.toUpperCase()];
  if (
    publicKey.algorithm.toUpperCase() !== "ECDSA" ||
    !hash ||
    signature.digest.toUpperCase() !== publicKey.digest.toUpperCase()
  ) {
    return { valid: false, reason: "unsupported_algorithm" };
  }
  const der = Buffer.from(signature.signature, "base64");
  const matches = (data: Uint8Array) => {
    try {
      return verify(hash, data, { key: publicKey.key, dsaEncoding: "der" }, der);
    } catch {
      return false; // not a DER signature at all
    }
  };
  if (matches(rawBody)) return { valid: true, kid: signature.kid };
  const compact = recompact(rawBody);
  if (compact && matches(compact)) return { valid: true, kid: signature.kid };
  return { valid: false, reason: "mismatch" };
}

/** The body re-serialized compactly, when that differs from what arrived. */
function recompact(rawBody: Uint8Array): Buffer | undefined {
  const text = Buffer.from(rawBody).toString("utf8");
  try {
    const compact = Buffer.from(JSON.stringify(JSON.parse(text)), "utf8");
    return compact.equals(Buffer.from(rawBody)) ? undefined : compact;
  } catch {
    return undefined;
  }
}

export interface EbayNotificationKeysOptions {
  /** Upstream override (config `EBAY_ENDPOINT`): token and Notification API calls go there. */
  endpoint?: string | undefined;
  sandbox?: boolean | undefined;
  /** Application keyset: App ID (client id) and Cert ID (client secret). */
  credentials: { appId: string; certId: string };
  /** How long a key is trusted before it is fetched again (default one hour, eBay's advice). */
  ttlMs?: number | undefined;
  /** Most keys kept (least recently used go first; default 50). */
  maxKeys?: number | undefined;
  /** How long eBay's "no such key" is believed before asking again (default 10 minutes). */
  unknownKeyTtlMs?: number | undefined;
  /** Most unknown key ids remembered (the oldest go first; default 1,000). */
  maxUnknownKeys?: number | undefined;
  timeoutMs?: number | undefined;
  /** Mint a new application token this long before it expires (default 60 s). */
  refreshSkewMs?: number | undefined;
  logger?: ConnectorLogger | undefined;
  now?: (() => number) | undefined;
}

interface CachedKey {
  key: EbayPublicKey;
  expiresAt: number;
}

/**
 * eBay's notification public keys by key id, through the `ebay-api` library
 * (`commerce.notification.getPublicKey` with an application token), cached with a TTL and a size
 * bound. Concurrent requests for one key id share one fetch; the application token is minted once
 * and reused until shortly before it expires, or minted again once when eBay refuses it.
 *
 * Key ids eBay does not know are remembered too, for a shorter time and in a bounded map: the
 * header is read before anything is verified, so without that anyone could replay one made-up key
 * id and spend a Notification API call (of our daily quota) on each request.
 */
export class EbayNotificationKeys implements PublicKeySource {
  private readonly api: eBayApi;
  private readonly cache = new Map<string, CachedKey>();
  /** Key id → when eBay's "not found" stops being believed. Insertion order is age order. */
  private readonly unknown = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<EbayPublicKey | undefined>>();
  private readonly now: () => number;
  private tokenExpiresAt = 0;
  private minting: Promise<void> | undefined;

  constructor(private readonly options: EbayNotificationKeysOptions) {
    this.now = options.now ?? Date.now;
    this.api = new eBayApi(
      {
        appId: options.credentials.appId,
        certId: options.credentials.certId,
        sandbox: options.sandbox ?? false,
        // Token lifetime is ours (the library keeps an application token forever once minted).
        autoRefreshToken: false,
        scope: [EBAY_PUBLIC_SCOPE],
      },
      createRequest(options.endpoint, options.timeoutMs ?? 10_000),
    );
  }

  async get(kid: string): Promise<EbayPublicKey | undefined> {
    const hit = this.cache.get(kid);
    if (hit && hit.expiresAt > this.now()) {
      // Least recently used is evicted first: a hit moves to the back.
      this.cache.delete(kid);
      this.cache.set(kid, hit);
      return hit.key;
    }
    const unknownUntil = this.unknown.get(kid);
    if (unknownUntil !== undefined) {
      if (unknownUntil > this.now()) return undefined;
      this.unknown.delete(kid);
    }
    let pending = this.inFlight.get(kid);
    if (!pending) {
      pending = this.fetch(kid).finally(() => this.inFlight.delete(kid));
      this.inFlight.set(kid, pending);
    }
    return pending;
  }

  private async fetch(kid: string): Promise<EbayPublicKey | undefined> {
    let answer: unknown;
    try {
      answer = await this.withApplicationToken(() =>
        this.api.commerce.notification.getPublicKey(kid),
      );
    } catch (error) {
      if ((error as ConnectorError).kind === "not_found") {
        this.rememberUnknown(kid);
        return undefined;
      }
      throw error;
    }
    const key = parseEbayPublicKey(answer);
    this.cache.delete(kid);
    this.cache.set(kid, { key, expiresAt: this.now() + (this.options.ttlMs ?? 3_600_000) });
    const max = Math.max(1, this.options.maxKeys ?? 50);
    while (this.cache.size > max) this.cache.delete(this.cache.keys().next().value!);
    this.options.logger?.debug({ platform: "ebay", kid }, "eBay notification key fetched");
    return key;
  }

  private rememberUnknown(kid: string): void {
    this.unknown.delete(kid);
    this.unknown.set(kid, this.now() + (this.options.unknownKeyTtlMs ?? 600_000));
    const max = Math.max(1, this.options.maxUnknownKeys ?? 1_000);
    while (this.unknown.size > max) this.unknown.delete(this.unknown.keys().next().value!);
  }

  private async withApplicationToken<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      await this.ensureToken(attempt > 0);
      try {
        return await call();
      } catch (error) {
        const mapped = mapEbayError(error, "getPublicKey");
        if (mapped.kind === "auth_expired" && attempt === 0) continue;
        throw mapped;
      }
    }
  }

  /** Single-flight: notifications arriving together mint one token. */
  private ensureToken(force: boolean): Promise<void> {
    const skew = this.options.refreshSkewMs ?? 60_000;
    if (!force && this.now() + skew < this.tokenExpiresAt) return Promise.resolve();
    this.minting ??= this.mint().finally(() => {
      this.minting = undefined;
    });
    return this.minting;
  }

  private async mint(): Promise<void> {
    this.api.OAuth2.setClientToken(undefined);
    try {
      const token = await this.api.OAuth2.obtainApplicationAccessToken();
      this.tokenExpiresAt = this.now() + Number(token.expires_in ?? 0) * 1000;
    } catch (error) {
      this.tokenExpiresAt = 0;
      throw mapEbayError(error, "getApplicationToken");
    }
  }
}
