import { describe, expect, it } from "vitest";
import {
  AuthRevoked,
  isNetworkError,
  parseRetryAfter,
  RateLimited,
  Rejected,
  Transient,
} from "../errors";

describe("connector errors", () => {
  it("GIVEN each kind WHEN asked whether to retry THEN only rate limits and transient faults retry", () => {
    const base = { platform: "ebay" as const, operation: "getOrders", message: "x" };
    expect(new RateLimited({ ...base, retryAfterMs: 1000 }).retryable).toBe(true);
    expect(new Transient(base).retryable).toBe(true);
    expect(new Rejected(base).retryable).toBe(false);
    expect(new AuthRevoked(base).retryable).toBe(false);
  });

  it("GIVEN a rejection WHEN shown to the merchant THEN it carries the platform's own message", () => {
    const error = new Rejected({
      platform: "amazon",
      operation: "confirmShipment",
      message: "400 InvalidInput",
      vendorMessage: "Tracking number is invalid",
    });
    expect(error.merchant).toEqual({
      code: "connector.rejected",
      params: { platform: "amazon", message: "Tracking number is invalid" },
    });
    expect(error.toLog()).toMatchObject({ kind: "rejected", operation: "confirmShipment" });
  });

  it("GIVEN Retry-After in seconds or as a date WHEN parsed THEN it becomes milliseconds", () => {
    expect(parseRetryAfter("2")).toBe(2000);
    expect(parseRetryAfter("0.5")).toBe(500);
    const now = Date.parse("2026-11-23T10:00:00Z");
    expect(parseRetryAfter("Mon, 23 Nov 2026 10:00:03 GMT", now)).toBe(3000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
  });

  it("GIVEN resets, refusals and timeouts, wrapped or not WHEN classified THEN they are network errors", () => {
    expect(isNetworkError(Object.assign(new Error("x"), { code: "ECONNRESET" }))).toBe(true);
    expect(isNetworkError(new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } }))).toBe(
      true,
    );
    expect(isNetworkError(new DOMException("timed out", "TimeoutError"))).toBe(true);
    expect(isNetworkError(new Error("400 Bad Request"))).toBe(false);
  });
});
