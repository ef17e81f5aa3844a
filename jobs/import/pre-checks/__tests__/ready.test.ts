import { describe, expect, it } from "vitest";
import { formatReason } from "../../../../app/i18n/reasons";
import { checkReady } from "../ready";
import { makeFrenchOrder, makeOrder } from "./fixtures";

describe("ready pre-check", () => {
  it.each(["ready", "partially_shipped"] as const)(
    "GIVEN a paid order in status %s WHEN checking THEN it passes",
    (status) => {
      expect(checkReady({ order: makeOrder({ status }) })).toEqual({
        result: "pass",
        reasons: [],
      });
    },
  );

  it("GIVEN an unpaid eBay order WHEN checking THEN it waits for payment", () => {
    const outcome = checkReady({ order: makeOrder({ status: "pending", rawStatus: "PENDING" }) });
    expect(outcome).toEqual({ result: "wait", reasons: [{ code: "order.not_paid" }] });
  });

  it("GIVEN an Amazon Pending order WHEN checking THEN it waits and the merchant is told Pending can last 21 days", () => {
    const outcome = checkReady({
      order: makeFrenchOrder({ status: "pending", rawStatus: "Pending" }),
    });
    expect(outcome.result).toBe("wait");
    expect(formatReason("en", outcome.reasons[0]!)).toContain("up to 21 days");
    expect(formatReason("fr", outcome.reasons[0]!)).toContain("jusqu’à 21 jours");
  });

  it("GIVEN an order shipped outside Marketsync WHEN checking THEN it is skipped so it is not shipped twice", () => {
    const outcome = checkReady({ order: makeOrder({ status: "shipped" }) });
    expect(outcome).toEqual({ result: "skip", reasons: [{ code: "order.already_shipped" }] });
  });

  it("GIVEN a shipped marketplace-fulfilled order WHEN checking THEN it passes (the fulfilled-by-marketplace check decides)", () => {
    const order = makeOrder({ status: "shipped", fulfilledByMarketplace: true });
    expect(checkReady({ order }).result).toBe("pass");
  });
});
