import { randomBytes, timingSafeEqual } from "node:crypto";
import type { z } from "zod";
import type { KeyRing } from "../db/encryption";

/**
 * Small signed tokens that travel outside the admin (OAuth states, download links): a JSON payload
 * in base64url, then an HMAC under the key ring's blind-index key with a context of the token's
 * own. No new secret has to be configured, and a key rotation keeps tokens signed just before it
 * valid. Payloads are readable by whoever holds the token: never put a secret in one.
 */

/** Makes two tokens of the same request different. */
export function tokenNonce(): string {
  return randomBytes(12).toString("base64url");
}

export function signToken<S extends z.ZodType>(
  keyring: KeyRing,
  context: string,
  schema: S,
  payload: z.input<S>,
): string {
  const body = Buffer.from(JSON.stringify(schema.parse(payload)), "utf8");
  return `${body.toString("base64url")}.${keyring.blindIndex(body.toString("hex"), context)}`;
}

export type ReadToken<T> =
  { ok: true; payload: T } | { ok: false; problem: "malformed" | "bad_signature" };

/**
 * The payload of a token signed under `context`, checked against `schema`. Only the signature's
 * own key id is tried, and compared in constant time; expiry and meaning are the caller's.
 */
export function readSignedToken<S extends z.ZodType>(
  keyring: KeyRing,
  context: string,
  schema: S,
  token: string | null | undefined,
  maxLength: number,
): ReadToken<z.output<S>> {
  if (!token || token.length > maxLength) return { ok: false, problem: "malformed" };
  const dot = token.indexOf(".");
  if (dot <= 0) return { ok: false, problem: "malformed" };
  const encoded = token.slice(0, dot);
  const signature = token.slice(dot + 1);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return { ok: false, problem: "malformed" };
  const body = Buffer.from(encoded, "base64url");
  // Re-encoding must give the same text: no second spelling of one payload passes.
  if (body.toString("base64url") !== encoded) return { ok: false, problem: "malformed" };
  const expected = keyring
    .blindIndexes(body.toString("hex"), context)
    .find((candidate) => candidate.split(":")[0] === signature.split(":")[0]);
  if (!expected || !sameText(expected, signature)) return { ok: false, problem: "bad_signature" };
  try {
    return { ok: true, payload: schema.parse(JSON.parse(body.toString("utf8"))) };
  } catch {
    return { ok: false, problem: "malformed" };
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}
