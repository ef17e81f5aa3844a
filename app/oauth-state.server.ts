import { z } from "zod";
import type { KeyRing } from "../db/encryption";
import { readSignedToken, signToken, tokenNonce } from "./signed-token.server";

/**
 * The OAuth `state` of a marketplace consent: which store asked, for which platform (and which
 * account, for a reconnect; which marketplaces, for Amazon), until when. It travels through eBay or
 * Seller Central and comes back on the callback, so it is signed: an HMAC under a key the key ring
 * derives (its blind-index key, with a context of its own), so no new secret has to be configured
 * and a key rotation keeps states issued just before it valid.
 *
 * Signing does not say who holds the state: the callback hands it to an admin request of the
 * store it names (see `verifyOAuthState`'s `storeId`), so a state issued to another store is
 * refused even when its signature is good.
 */

/** Long enough to sign in to eBay or Seller Central and consent; short enough not to linger. */
export const OAUTH_STATE_TTL_MS = 15 * 60_000;

const CONTEXT = "oauth.state.v1";

const payloadSchema = z.object({
  /** Platform the consent is for. */
  p: z.enum(["ebay", "amazon"]),
  /** Store id. */
  s: z.uuid(),
  /** Account id being reconnected. */
  a: z.uuid().optional(),
  /** Amazon: the region and marketplace ids chosen. */
  r: z.enum(["na", "eu", "fe"]).optional(),
  m: z
    .array(z.string().regex(/^[A-Z0-9]{8,20}$/))
    .max(30)
    .optional(),
  /** Expiry, in epoch milliseconds. */
  x: z.number().int().positive(),
  /** Makes two states of the same request different. */
  n: z.string().min(8).max(64),
});

export interface OAuthState {
  platform: "ebay" | "amazon";
  storeId: string;
  reconnectAccountId?: string | undefined;
  region?: "na" | "eu" | "fe" | undefined;
  marketplaceIds?: string[] | undefined;
  expiresAt: Date;
}

export type OAuthStateProblem = "malformed" | "bad_signature" | "expired" | "wrong_platform";

export type VerifiedOAuthState =
  { ok: true; state: OAuthState } | { ok: false; problem: OAuthStateProblem | "other_store" };

export function signOAuthState(
  keyring: KeyRing,
  input: Omit<OAuthState, "expiresAt">,
  now = new Date(),
): string {
  const payload: z.input<typeof payloadSchema> = {
    p: input.platform,
    s: input.storeId,
    ...(input.reconnectAccountId ? { a: input.reconnectAccountId } : {}),
    ...(input.region ? { r: input.region } : {}),
    ...(input.marketplaceIds?.length ? { m: input.marketplaceIds } : {}),
    x: now.getTime() + OAUTH_STATE_TTL_MS,
    n: tokenNonce(),
  };
  return signToken(keyring, CONTEXT, payloadSchema, payload);
}

/**
 * Checks signature, expiry, platform and — when `storeId` is given — that the state was issued to
 * that store. Only the signature's own key id is tried, and compared in constant time.
 */
export function verifyOAuthState(
  keyring: KeyRing,
  token: string | null | undefined,
  expect: { platform: "ebay" | "amazon"; storeId?: string | undefined; now?: Date | undefined },
): VerifiedOAuthState {
  const read = readSignedToken(keyring, CONTEXT, payloadSchema, token, 2_000);
  if (!read.ok) return read;
  const payload = read.payload;
  if (payload.x <= (expect.now ?? new Date()).getTime()) return { ok: false, problem: "expired" };
  if (payload.p !== expect.platform) return { ok: false, problem: "wrong_platform" };
  if (expect.storeId !== undefined && payload.s !== expect.storeId) {
    return { ok: false, problem: "other_store" };
  }
  return {
    ok: true,
    state: {
      platform: payload.p,
      storeId: payload.s,
      reconnectAccountId: payload.a,
      region: payload.r,
      marketplaceIds: payload.m,
      expiresAt: new Date(payload.x),
    },
  };
}
