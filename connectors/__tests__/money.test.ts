import { describe, expect, it } from "vitest";
import { MoneyFormatError, money, toDecimal, toMinor } from "../money";

describe("money in minor units", () => {
  it.each([
    ["12.50", "EUR", 1250],
    ["12.5", "USD", 1250],
    ["0.1", "EUR", 10],
    ["19.99", "EUR", 1999],
    ["-3.10", "GBP", -310],
    ["1000", "JPY", 1000],
    ["1.250", "KWD", 1250],
    ["7.000", "USD", 700],
    [" 4.20 ", "EUR", 420],
  ])("GIVEN %s %s WHEN parsed THEN it is exactly %i minor units", (amount, currency, minor) => {
    expect(toMinor(amount, currency)).toBe(minor);
  });

  it("GIVEN amounts that floats get wrong WHEN summed in minor units THEN the cents are exact", () => {
    // 0.1 + 0.2 !== 0.3 in floating point; in minor units it is.
    expect(toMinor("0.1", "EUR") + toMinor("0.2", "EUR")).toBe(toMinor("0.3", "EUR"));
    expect(toMinor(19.99, "EUR") * 3).toBe(5997);
  });

  it.each([
    ["12.345", "EUR"],
    ["1.5", "JPY"],
    ["1,50", "EUR"],
    ["abc", "USD"],
    ["", "USD"],
  ])("GIVEN %j in %s WHEN parsed THEN it is refused, not rounded", (amount, currency) => {
    expect(() => toMinor(amount, currency)).toThrow(MoneyFormatError);
  });

  it("GIVEN minor units WHEN formatted THEN vendors get the decimal string", () => {
    expect(toDecimal(1250, "EUR")).toBe("12.50");
    expect(toDecimal(5, "USD")).toBe("0.05");
    expect(toDecimal(-310, "GBP")).toBe("-3.10");
    expect(toDecimal(1000, "JPY")).toBe("1000");
    expect(toDecimal(1250, "KWD")).toBe("1.250");
    expect(money("9.90", "eur")).toEqual({ amountMinor: 990, currency: "EUR" });
  });
});
