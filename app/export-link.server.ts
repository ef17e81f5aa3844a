import { z } from "zod";
import type { KeyRing } from "../db/encryption";
import { LOCALES, type Locale } from "./i18n/locales";
import { readSignedToken, signToken, tokenNonce } from "./signed-token.server";

/**
 * The token of a download link to the orders CSV (`/exports/orders.csv?t=…`). Inside the Shopify
 * admin every /app request needs the App Bridge session token in a header, which a browser
 * download cannot send; so an authenticated request mints this link and the browser fetches it
 * itself, streaming the file to disk instead of holding it in the tab.
 *
 * The link is the credential: it names the store, the list's filter and the language, and is
 * signed the way OAuth states are (an HMAC under the key ring's blind-index key, with a context of
 * its own), so no new secret is configured and a key rotation keeps links issued just before it
 * valid. It expires within a minute: long enough for the browser to follow it, too short to be
 * worth sharing. It is never logged.
 */

/** The browser follows the link as soon as it has it; a minute covers a slow round trip. */
export const EXPORT_LINK_TTL_MS = 60_000;

const CONTEXT = "orders.export-link.v1";

/** A filter query is a handful of short parameters; the bound keeps URLs within what proxies pass. */
const MAX_QUERY_LENGTH = 4_000;

const payloadSchema = z.object({
  /** Store id. */
  s: z.uuid(),
  /** The list's query string (filter and search), as the export reads it. */
  q: z.string().max(MAX_QUERY_LENGTH),
  /** Language of headers, labels and number format. */
  l: z.enum(LOCALES),
  /** Expiry, in epoch milliseconds. */
  x: z.number().int().positive(),
  /** Makes two links of the same request different. */
  n: z.string().min(8).max(64),
});

export interface ExportLink {
  storeId: string;
  query: string;
  locale: Locale;
  expiresAt: Date;
}

export type ExportLinkProblem = "malformed" | "bad_signature" | "expired";

export type VerifiedExportLink =
  { ok: true; link: ExportLink } | { ok: false; problem: ExportLinkProblem; locale?: Locale };

export function signExportLink(
  keyring: KeyRing,
  input: Omit<ExportLink, "expiresAt">,
  now = new Date(),
): string {
  const payload: z.input<typeof payloadSchema> = {
    s: input.storeId,
    q: input.query,
    l: input.locale,
    x: now.getTime() + EXPORT_LINK_TTL_MS,
    n: tokenNonce(),
  };
  return signToken(keyring, CONTEXT, payloadSchema, payload);
}

/**
 * Checks the signature (under the signature's own key id only, in constant time), then the expiry.
 * An expired link still says its language, so the answer can be in the merchant's.
 */
export function verifyExportLink(
  keyring: KeyRing,
  token: string | null | undefined,
  now = new Date(),
): VerifiedExportLink {
  const read = readSignedToken(keyring, CONTEXT, payloadSchema, token, MAX_QUERY_LENGTH * 2);
  if (!read.ok) return read;
  const payload = read.payload;
  if (payload.x <= now.getTime()) return { ok: false, problem: "expired", locale: payload.l };
  return {
    ok: true,
    link: {
      storeId: payload.s,
      query: payload.q,
      locale: payload.l,
      expiresAt: new Date(payload.x),
    },
  };
}
