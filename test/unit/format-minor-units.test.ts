import { describe, expect, it } from "vitest";
import { formatMinorUnits } from "../../app/i18n/format-minor-units";
import { MoneyFormatError, toDecimal } from "../../connectors/money";

const NBSP = "\u00a0";
const NNBSP = "\u202f";

describe("formatMinorUnits", () => {
  it("GIVEN two-decimal currencies WHEN formatted THEN each language shows the amount with its symbol", () => {
    expect(formatMinorUnits("en", 2240, "USD")).toBe("$22.40");
    expect(formatMinorUnits("fr", 2240, "USD")).toBe(`22,40${NBSP}$US`);
    expect(formatMinorUnits("en", 2240, "EUR")).toBe("€22.40");
    expect(formatMinorUnits("fr", 2240, "EUR")).toBe(`22,40${NBSP}€`);
  });

  it("GIVEN a currency stored without decimals (JPY) WHEN formatted THEN the minor units are the whole amount", () => {
    expect(formatMinorUnits("en", 1234, "JPY")).toBe("¥1,234");
    expect(formatMinorUnits("fr", 1234, "JPY")).toBe(`1${NNBSP}234${NBSP}JPY`);
  });

  it("GIVEN HUF, stored with 2 decimals though Intl shows none WHEN formatted THEN it is scaled by the stored exponent, not 100× too much", () => {
    expect(formatMinorUnits("en", 123450, "HUF")).toBe(`HUF${NBSP}1,234.50`);
    expect(formatMinorUnits("fr", 123450, "HUF")).toBe(`1${NNBSP}234,50${NBSP}HUF`);
  });

  it("GIVEN IQD, stored with 3 decimals though Intl shows none WHEN formatted THEN it is scaled by 1000", () => {
    expect(formatMinorUnits("en", 1234, "IQD")).toBe(`IQD${NBSP}1.234`);
    expect(formatMinorUnits("fr", 1234, "IQD")).toBe(`1,234${NBSP}IQD`);
  });

  it("GIVEN currencies whose stored and Intl decimals differ or agree WHEN formatted THEN the page shows the same digits as the CSV export", () => {
    const amounts = [0, 5, 99, 100, 123456, -250];
    for (const currency of [
      "USD",
      "EUR",
      "JPY",
      "KRW",
      "HUF",
      "COP",
      "IDR",
      "PKR",
      "AFN",
      "IQD",
      "KWD",
    ]) {
      for (const amount of amounts) {
        const shown = formatMinorUnits("en", amount, currency).replace(/,/g, "");
        expect(shown, `${amount} ${currency}`).toContain(toDecimal(Math.abs(amount), currency));
      }
    }
  });

  it("GIVEN a negative amount (a discount) WHEN formatted THEN the sign is kept", () => {
    expect(formatMinorUnits("en", -500, "USD")).toBe("-$5.00");
    expect(formatMinorUnits("fr", -500, "EUR")).toBe(`-5,00${NBSP}€`);
  });

  it("GIVEN the largest amount the money type holds exactly WHEN formatted THEN every digit is exact", () => {
    expect(formatMinorUnits("en", Number.MAX_SAFE_INTEGER, "USD")).toBe("$90,071,992,547,409.91");
    expect(formatMinorUnits("fr", Number.MAX_SAFE_INTEGER, "EUR")).toBe(
      `90${NNBSP}071${NNBSP}992${NNBSP}547${NNBSP}409,91${NBSP}€`,
    );
  });

  it("GIVEN an amount beyond 2^53 minor units, which the money type cannot hold exactly WHEN formatted THEN it is refused rather than shown rounded", () => {
    expect(() => formatMinorUnits("en", 2 ** 53 + 2, "USD")).toThrow(MoneyFormatError);
    expect(() => formatMinorUnits("en", 12.5, "USD")).toThrow(MoneyFormatError);
  });

  it("GIVEN a currency code Intl refuses WHEN formatted THEN the exact amount and the code are shown", () => {
    expect(formatMinorUnits("fr", 1234, "EURO")).toBe("12.34 EURO");
  });
});
