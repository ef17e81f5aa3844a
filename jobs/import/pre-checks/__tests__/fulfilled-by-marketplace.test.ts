import { describe, expect, it } from "vitest";
import { DEFAULT_ACCOUNT_SETTINGS } from "../../../../db/account-settings";
import { formatReason } from "../../../../app/i18n/reasons";
import { checkFulfilledByMarketplace } from "../fulfilled-by-marketplace";
import { makeFrenchOrder, makeOrder } from "./fixtures";

const settings = DEFAULT_ACCOUNT_SETTINGS;
const fba = makeFrenchOrder({ fulfilledByMarketplace: true, status: "shipped" });

describe("fulfilled-by-marketplace pre-check", () => {
  it("GIVEN an order the merchant ships WHEN checking THEN it passes and is not already fulfilled", () => {
    expect(checkFulfilledByMarketplace({ order: makeOrder(), settings })).toEqual({
      result: "pass",
      reasons: [],
      alreadyFulfilled: false,
    });
  });

  it("GIVEN an FBA order and default settings WHEN checking THEN it is skipped as marketplace-fulfilled", () => {
    const outcome = checkFulfilledByMarketplace({ order: fba, settings });
    expect(outcome).toEqual({
      result: "skip",
      reasons: [{ code: "order.marketplace_fulfilled" }],
      alreadyFulfilled: false,
    });
    expect(formatReason("fr", outcome.reasons[0]!)).toMatch(/^Expédiée par la place de marché/);
  });

  it("GIVEN an FBA order and import_as_fulfilled WHEN checking THEN it passes and is created already fulfilled", () => {
    const outcome = checkFulfilledByMarketplace({
      order: fba,
      settings: { ...settings, marketplaceFulfilled: "import_as_fulfilled" },
    });
    expect(outcome).toEqual({ result: "pass", reasons: [], alreadyFulfilled: true });
  });
});
