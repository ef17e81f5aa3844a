import { describe, expect, it } from "vitest";
import { EBAY_SIM_CARRIER_CODES } from "../../../test/simulators/ebay";
import {
  DEFAULT_CARRIERS,
  findCarrier,
  mapCarrier,
  normalizeCarrierName,
  OTHER_CARRIER_CODE,
} from "../carriers";

/**
 * The expected codes, written out independently of the table: changing a code in the table
 * without changing it here fails, and so does adding or removing a carrier.
 * [store name, Amazon carrierCode, eBay shippingCarrierCode ("Other" = not in eBay's list)]
 */
const EXPECTED: readonly [string, string, string][] = [
  ["USPS", "USPS", "USPS"],
  ["UPS", "UPS", "UPS"],
  ["FedEx", "FedEx", "FedEx"],
  ["Canada Post", "Canada Post", "CanadaPost"],
  ["DHL", "DHL", "DHL"],
  ["DHL Express", "DHL Express", "DHL"],
  ["DHL eCommerce", "DHL eCommerce", "DHLGlobalMail"],
  ["DHL Paket", "DHL", "DHL"],
  ["Royal Mail", "Royal Mail", "RoyalMail"],
  ["Parcelforce", "Parcelforce", "Parcelforce"],
  ["Evri", "Evri", "Hermes"],
  ["Yodel", "Yodel", "Yodel"],
  ["La Poste", "La Poste", "LaPoste"],
  ["Colissimo", "Colissimo", "Colissimo"],
  ["Chronopost", "Chronopost", "Chronopost"],
  ["Mondial Relay", "Mondial Relay", "MondialRelay"],
  ["Colis Privé", "Colis Prive", "Other"],
  ["DPD", "DPD", "DPD"],
  ["GLS", "GLS", "GLS"],
  ["Hermes", "Hermes Logistik Gruppe", "Hermes"],
  ["Deutsche Post", "Deutsche Post", "DeutschePost"],
  ["PostNL", "PostNL", "PostNL"],
  ["Poste Italiane", "Poste Italiane", "PosteItaliane"],
  ["Correos", "Correos", "Correos"],
  ["TNT", "TNT", "TNT"],
  ["Australia Post", "Australia Post", "AustraliaPost"],
  ["Japan Post", "Japan Post", "JapanPost"],
];

/** BigCommerce shipping providers / tracking carriers → the table carrier they mean. */
const BIGCOMMERCE: readonly [string, string][] = [
  ["usps", "USPS"],
  ["endicia", "USPS"],
  ["ups", "UPS"],
  ["upsready", "UPS"],
  ["upsonline", "UPS"],
  ["fedex", "FedEx"],
  ["royalmail", "Royal Mail"],
  ["auspost", "Australia Post"],
  ["canadapost", "Canada Post"],
  ["dhl", "DHL"],
  ["colissimo", "Colissimo"],
];

describe("default carrier table", () => {
  it("GIVEN the expectation list WHEN compared with the table THEN they name the same carriers", () => {
    expect(DEFAULT_CARRIERS.map((c) => c.name).sort()).toEqual(EXPECTED.map(([n]) => n).sort());
  });

  it.each(EXPECTED)(
    "GIVEN the store carrier %s WHEN mapped for Amazon THEN carrierCode is %s from the table",
    (name, amazon) => {
      const mapped = mapCarrier({ marketplace: "amazon", storeCarrier: name });
      expect(mapped.carrierCode).toBe(amazon);
      expect(mapped.source).toBe("default");
      if (amazon === "Other") expect(mapped.carrierName).toBe(name);
      else expect(mapped.carrierName).toBeUndefined();
    },
  );

  it.each(EXPECTED.map(([name, , ebay]) => ({ name, ebay })))(
    "GIVEN the store carrier $name WHEN mapped for eBay THEN shippingCarrierCode is $ebay from the table",
    ({ name, ebay }) => {
      const mapped = mapCarrier({ marketplace: "ebay", storeCarrier: name });
      expect(mapped.carrierCode).toBe(ebay);
      expect(mapped.source).toBe("default");
      if (ebay === "Other") expect(mapped.carrierName).toBe(name);
      else expect(mapped.carrierName).toBeUndefined();
    },
  );

  it("GIVEN every entry WHEN its name and aliases are looked up THEN each finds that entry", () => {
    for (const entry of DEFAULT_CARRIERS) {
      for (const spelling of [entry.name, ...entry.aliases]) {
        expect(findCarrier(spelling), spelling).toBe(entry);
      }
    }
  });

  it("GIVEN every entry WHEN inspected THEN it documents its source and codes are trimmed, non-blank", () => {
    for (const entry of DEFAULT_CARRIERS) {
      expect(entry.source.length, entry.name).toBeGreaterThan(5);
      for (const code of [entry.amazon, entry.ebay]) {
        if (code === undefined) continue;
        expect(code, entry.name).toBe(code.trim());
        expect(code, entry.name).not.toBe("");
      }
    }
  });

  it("GIVEN the eBay codes of the table WHEN checked against the eBay simulator THEN the ones it knows are accepted and the rest are listed", () => {
    const notSimulated = [
      ...new Set(DEFAULT_CARRIERS.map((c) => c.ebay ?? OTHER_CARRIER_CODE)),
    ].filter((code) => !EBAY_SIM_CARRIER_CODES.has(code.toLowerCase()));
    // The simulator holds a sample of eBay's list; these real codes are outside it. (It spells
    // Poste Italiane with a space; eBay's code is PosteItaliane.)
    expect(notSimulated.sort()).toEqual([
      "DHLGlobalMail",
      "JapanPost",
      "MondialRelay",
      "PosteItaliane",
      "Yodel",
    ]);
  });

  it.each(BIGCOMMERCE)(
    "GIVEN the BigCommerce provider %s WHEN looked up THEN it is %s",
    (provider, name) => {
      expect(findCarrier(provider)?.name).toBe(name);
    },
  );
});

describe("normalizeCarrierName", () => {
  it.each([
    ["Colis Privé", "colisprive"],
    ["colis prive", "colisprive"],
    ["COLIS_PRIVE", "colisprive"],
    ["  Colis-Privé. ", "colisprive"],
    ["Ｃｏｌｉｓ　Ｐｒｉｖé", "colisprive"],
    ["DHL eCommerce", "dhlecommerce"],
    ["日本郵便", "日本郵便"],
    ["", ""],
  ])("GIVEN %j WHEN normalized THEN it is %j", (name, key) => {
    expect(normalizeCarrierName(name)).toBe(key);
  });
});

describe("mapCarrier", () => {
  it.each(["Colis Privé", "colis prive", "COLIS_PRIVE", " colis-PRIVÉ ", "Colis Prive"])(
    "GIVEN the spelling %j WHEN mapped for Amazon THEN it is Colis Prive from the table",
    (storeCarrier) => {
      expect(mapCarrier({ marketplace: "amazon", storeCarrier })).toEqual({
        carrierCode: "Colis Prive",
        source: "default",
      });
    },
  );

  it("GIVEN a known carrier without an eBay code WHEN mapped for eBay THEN Other with the carrier's proper name, from the table", () => {
    expect(mapCarrier({ marketplace: "ebay", storeCarrier: "COLIS_PRIVE" })).toEqual({
      carrierCode: "Other",
      carrierName: "Colis Privé",
      source: "default",
    });
  });

  it.each(["ROYAL MAIL", "royal-mail", "Royal_Mail", "RoyalMail", "  royal   mail  "])(
    "GIVEN the spelling %j WHEN mapped for eBay THEN RoyalMail",
    (storeCarrier) => {
      expect(mapCarrier({ marketplace: "ebay", storeCarrier }).carrierCode).toBe("RoyalMail");
    },
  );

  it("GIVEN an unknown carrier WHEN mapped for Amazon THEN Other with the store's name, reported unknown", () => {
    expect(mapCarrier({ marketplace: "amazon", storeCarrier: "  Kuehne + Nagel  " })).toEqual({
      carrierCode: "Other",
      carrierName: "Kuehne + Nagel",
      source: "unknown",
    });
  });

  it("GIVEN an unknown carrier WHEN mapped for eBay THEN eBay's Other, the name kept for the log, reported unknown", () => {
    expect(mapCarrier({ marketplace: "ebay", storeCarrier: "Colis Express" })).toEqual({
      carrierCode: "Other",
      carrierName: "Colis Express",
      source: "unknown",
    });
  });

  it.each([undefined, null, "", "   "])(
    "GIVEN no carrier (%j) WHEN mapped THEN Other without a name, reported unknown (never dropped)",
    (storeCarrier) => {
      for (const marketplace of ["amazon", "ebay"] as const) {
        expect(mapCarrier({ marketplace, storeCarrier })).toEqual({
          carrierCode: "Other",
          source: "unknown",
        });
      }
    },
  );

  it("GIVEN an account override WHEN the store carrier matches it normalized THEN the override wins over the table", () => {
    const overrides = { "dhl express": "DHLEXPRESS" };
    expect(mapCarrier({ marketplace: "ebay", storeCarrier: "DHL-Express", overrides })).toEqual({
      carrierCode: "DHLEXPRESS",
      source: "override",
    });
    expect(mapCarrier({ marketplace: "ebay", storeCarrier: "DHL eCommerce", overrides })).toEqual({
      carrierCode: "DHLGlobalMail",
      source: "default",
    });
  });

  it("GIVEN an override for an unknown carrier WHEN mapped THEN the override's code, not unknown", () => {
    const overrides = { "Colis Express": "  GLS " };
    expect(mapCarrier({ marketplace: "amazon", storeCarrier: "COLIS EXPRESS", overrides })).toEqual(
      {
        carrierCode: "GLS",
        source: "override",
      },
    );
  });

  it("GIVEN an override to Other WHEN mapped for Amazon THEN Other with the store's name", () => {
    const overrides = { ups: "other" };
    expect(mapCarrier({ marketplace: "amazon", storeCarrier: "UPS", overrides })).toEqual({
      carrierCode: "Other",
      carrierName: "UPS",
      source: "override",
    });
  });

  it("GIVEN a blank override value WHEN mapped THEN it is ignored and the table answers", () => {
    expect(
      mapCarrier({ marketplace: "amazon", storeCarrier: "UPS", overrides: { ups: "  " } }),
    ).toEqual({ carrierCode: "UPS", source: "default" });
  });

  it("GIVEN two override keys that normalize alike WHEN mapped THEN the literal spelling wins", () => {
    const overrides = { "DHL-Express": "A", "dhl express": "B" };
    expect(
      mapCarrier({ marketplace: "ebay", storeCarrier: "DHL Express", overrides }).carrierCode,
    ).toBe("B");
    expect(
      mapCarrier({ marketplace: "ebay", storeCarrier: "dhl_express", overrides }).carrierCode,
    ).toBe("A");
  });
});
