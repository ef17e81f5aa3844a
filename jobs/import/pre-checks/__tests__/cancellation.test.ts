import { describe, expect, it } from "vitest";
import { formatReason } from "../../../../app/i18n/reasons";
import { checkCancellation } from "../cancellation";
import { makeOrder } from "./fixtures";

describe("cancellation pre-check", () => {
  it("GIVEN an order neither cancelled nor with a cancellation request WHEN checking THEN it passes", () => {
    expect(checkCancellation({ order: makeOrder() })).toEqual({ result: "pass", reasons: [] });
  });

  it("GIVEN a cancelled order WHEN checking THEN it is skipped as cancelled", () => {
    const outcome = checkCancellation({
      order: makeOrder({ status: "cancelled", buyerCancellationRequested: true }),
    });
    expect(outcome).toEqual({ result: "skip", reasons: [{ code: "order.cancelled" }] });
    expect(formatReason("en", outcome.reasons[0]!)).toBe("Cancelled on the marketplace");
  });

  it("GIVEN a pending buyer cancellation request WHEN checking THEN the order is held for the merchant to answer it", () => {
    const outcome = checkCancellation({ order: makeOrder({ buyerCancellationRequested: true }) });
    expect(outcome).toEqual({
      result: "hold",
      reasons: [{ code: "order.cancellation_requested" }],
    });
    expect(formatReason("en", outcome.reasons[0]!)).toContain("accept or decline the request");
  });
});
