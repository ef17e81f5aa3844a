import type { ReasonCode } from "../../db/schema/orders";
import { findCarrier } from "./carriers";

/**
 * Tracking numbers as merchants type them ("1Z 999 AA1 0123 4567 84", "６A１２３…", "lx-123-456-789-fr")
 * made into what eBay and Amazon accept.
 *
 * eBay (sell_fulfillment_v1 `ShippingFulfillmentDetails.trackingNumber`): "Only alphanumeric
 * characters are supported … Spaces, hyphens, and all other special characters are not supported.
 * Do not include a space in the tracking number even if a space appears … on the shipping label."
 * Amazon's ordersV0 `PackageDetail.trackingNumber` states no format. Neither spec states a length:
 * 4–40 is our own bound (40 is the usual ceiling of both platforms' tracking fields; our eBay
 * simulator accepts 6–40).
 *
 * Only the format is checked. Carrier-specific patterns (UPS `1Z…`, USPS 20–22 digits, Colissimo
 * `6A…`) give warnings, never a rejection: carriers add formats without telling anyone.
 */

export const TRACKING_MIN_LENGTH = 4;
export const TRACKING_MAX_LENGTH = 40;

export type TrackingProblem = "empty" | "too_short" | "too_long" | "invalid_characters";

export interface TrackingInvalidReason extends ReasonCode {
  code: "tracking.invalid";
  /** `tracking`: what the merchant typed (trimmed), for the message; `problem`: what to fix. */
  params: { tracking: string; problem: TrackingProblem };
}

export interface TrackingFormatWarning extends ReasonCode {
  code: "tracking.unexpected_format";
  params: { tracking: string; carrier: string; expected: string };
}

export type TrackingNumberResult =
  | { ok: true; value: string; warnings: TrackingFormatWarning[] }
  | { ok: false; reason: TrackingInvalidReason };

/**
 * Characters merchants put inside tracking numbers that carry no meaning: spaces (any, including
 * no-break and zero-width ones), dashes (any, and the minus sign pasted from spreadsheets).
 */
const SEPARATORS = /[\s\p{Pd}\u2212\u00AD\u200B-\u200D\u2060\uFEFF]+/gu;
const VALID = /^[A-Z0-9]+$/;

function invalid(tracking: string, problem: TrackingProblem): TrackingNumberResult {
  return { ok: false, reason: { code: "tracking.invalid", params: { tracking, problem } } };
}

/** UPU S10 (international postal items): two letters, 8 digits + check digit, country code. */
const S10 = /^[A-Z]{2}\d{9}[A-Z]{2}$/;

interface FormatRule {
  /** What to tell the merchant the number usually looks like. */
  expected: string;
  test: (value: string) => boolean;
}

/** Sanity checks per table carrier (by `CarrierEntry.name`); absent = no opinion. */
const FORMAT_RULES: Readonly<Record<string, FormatRule>> = {
  UPS: {
    expected: "1Z followed by 16 letters or digits",
    test: (v) => /^1Z[A-Z0-9]{16}$/.test(v),
  },
  USPS: {
    expected: "20 to 22 digits (or an international number like LX123456789US)",
    // 420 + ZIP (5 or 9 digits) is the routing prefix of the barcode, often scanned along.
    test: (v) => /^(420\d{5}(\d{4})?)?\d{20,22}$/.test(v) || S10.test(v),
  },
  Colissimo: {
    expected: "13 characters like 6A12345678901 (or an international number like LX123456789FR)",
    test: (v) => /^\d[A-Z]\d{11}$/.test(v) || S10.test(v),
  },
};

/**
 * Trim, drop spaces and dashes, NFKC (full-width digits → ASCII), upper-case, then check:
 * only A–Z and 0–9, 4 to 40 characters. With a `carrier` (store name, any spelling), a number that
 * does not look like that carrier's adds a warning; it is still accepted.
 */
export function normalizeTrackingNumber(
  raw: string | null | undefined,
  options: { carrier?: string | null | undefined } = {},
): TrackingNumberResult {
  const typed = (raw ?? "").trim();
  const value = typed.normalize("NFKC").replace(SEPARATORS, "").toUpperCase();

  if (!value) return invalid(typed, "empty");
  if (!VALID.test(value)) return invalid(typed, "invalid_characters");
  if (value.length > TRACKING_MAX_LENGTH) return invalid(typed, "too_long");
  if (value.length < TRACKING_MIN_LENGTH) return invalid(typed, "too_short");

  return { ok: true, value, warnings: formatWarnings(value, options.carrier) };
}

/** Carrier-specific format warnings for an already normalized number. */
export function formatWarnings(
  value: string,
  storeCarrier: string | null | undefined,
): TrackingFormatWarning[] {
  const entry = findCarrier(storeCarrier);
  const rule = entry ? FORMAT_RULES[entry.name] : undefined;
  if (!entry || !rule || rule.test(value)) return [];
  return [
    {
      code: "tracking.unexpected_format",
      params: { tracking: value, carrier: entry.name, expected: rule.expected },
    },
  ];
}
