import { describe, expect, it } from "vitest";
import { formatReason } from "../../../../app/i18n/reasons";
import type { Address } from "../../../../connectors/types";
import { checkAddress, COUNTRIES_WITHOUT_POSTAL_CODE } from "../address";
import { makeFrenchOrder, makeOrder } from "./fixtures";

const withAddress = (shipTo: Address | undefined) => ({ order: makeOrder({ shipTo }) });
const address = (overrides: Partial<Address>): Address => ({
  name: "Jane Doe",
  line1: "1 Main Street",
  city: "Somewhere",
  postalCode: "12345",
  countryCode: "US",
  ...overrides,
});

describe("address pre-check", () => {
  it("GIVEN a complete US address and a complete French one WHEN checking THEN both pass", () => {
    expect(checkAddress({ order: makeOrder() })).toEqual({ result: "pass", reasons: [] });
    expect(checkAddress({ order: makeFrenchOrder() })).toEqual({ result: "pass", reasons: [] });
  });

  it("GIVEN a French address without postal code and a blank name WHEN checking THEN it is held listing both fields", () => {
    const order = makeFrenchOrder({
      shipTo: {
        name: "  ",
        line1: "12 rue de la Paix",
        city: "Paris",
        postalCode: undefined,
        countryCode: "FR",
      },
    });
    const outcome = checkAddress({ order });
    expect(outcome).toEqual({
      result: "hold",
      reasons: [{ code: "address.incomplete", params: { fields: "name,postalCode" } }],
    });
    expect(formatReason("en", outcome.reasons[0]!)).toBe(
      "The shipping address is missing: recipient name and postal code",
    );
    expect(formatReason("fr", outcome.reasons[0]!)).toBe(
      "Il manque dans l’adresse de livraison : nom du destinataire et code postal",
    );
  });

  it.each(["IE", "AE", "HK", "QA", "ie"])(
    "GIVEN an address in %s without postal code WHEN checking THEN it passes",
    (countryCode) => {
      expect(
        checkAddress(withAddress(address({ countryCode, postalCode: undefined }))).result,
      ).toBe("pass");
    },
  );

  it("GIVEN a US address without ZIP WHEN checking THEN the postal code is reported", () => {
    expect(checkAddress(withAddress(address({ postalCode: "" }))).reasons).toEqual([
      { code: "address.incomplete", params: { fields: "postalCode" } },
    ]);
  });

  it("GIVEN no shipping address at all WHEN checking THEN every required field is reported, postal code left undecided", () => {
    expect(checkAddress(withAddress(undefined)).reasons).toEqual([
      { code: "address.incomplete", params: { fields: "name,line1,city,countryCode" } },
    ]);
  });

  it("GIVEN a three-letter country code WHEN checking THEN the country is reported as missing", () => {
    expect(checkAddress(withAddress(address({ countryCode: "USA" }))).reasons).toEqual([
      { code: "address.incomplete", params: { fields: "countryCode" } },
    ]);
  });

  it("GIVEN the list of countries without postal codes WHEN read THEN it holds upper-case ISO codes and not FR, US or GB", () => {
    for (const code of COUNTRIES_WITHOUT_POSTAL_CODE) expect(code).toMatch(/^[A-Z]{2}$/);
    for (const code of ["FR", "US", "GB", "DE", "CA"]) {
      expect(COUNTRIES_WITHOUT_POSTAL_CODE.has(code)).toBe(false);
    }
  });
});
