import { describe, expect, it } from "vitest";
import { DEFAULT_ACCOUNT_SETTINGS } from "../../../../db/account-settings";
import { formatReason } from "../../../../app/i18n/reasons";
import { checkCurrency } from "../currency";
import { makeFrenchOrder, makeOrder } from "./fixtures";

const settings = DEFAULT_ACCOUNT_SETTINGS;

describe("currency pre-check", () => {
  it("GIVEN a USD order and a store selling in usd and CAD WHEN checking THEN it passes (case-insensitive)", () => {
    expect(
      checkCurrency({ order: makeOrder(), settings, storeCurrencies: ["usd", "CAD"] }),
    ).toEqual({ result: "pass", reasons: [] });
  });

  it("GIVEN a EUR order and a store selling in USD and CAD only WHEN checking THEN it is held as unsupported", () => {
    const outcome = checkCurrency({
      order: makeFrenchOrder(),
      settings,
      storeCurrencies: ["USD", "CAD", "usd"],
    });
    expect(outcome).toEqual({
      result: "hold",
      reasons: [
        { code: "currency.unsupported", params: { currency: "EUR", storeCurrencies: "USD, CAD" } },
      ],
    });
    expect(formatReason("fr", outcome.reasons[0]!)).toBe(
      "La commande est en EUR, une devise dans laquelle la boutique ne vend pas (USD, CAD)",
    );
  });

  it("GIVEN currencyPolicy marketplace_currency WHEN the store does not sell in EUR THEN it passes", () => {
    expect(
      checkCurrency({
        order: makeFrenchOrder(),
        settings: { ...settings, currencyPolicy: "marketplace_currency" },
        storeCurrencies: ["USD"],
      }).result,
    ).toBe("pass");
  });
});
