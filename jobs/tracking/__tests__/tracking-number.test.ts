import { describe, expect, it } from "vitest";
import {
  normalizeTrackingNumber,
  TRACKING_MAX_LENGTH,
  TRACKING_MIN_LENGTH,
  type TrackingProblem,
} from "../tracking-number";

const ok = (raw: string | null | undefined, carrier?: string) => {
  const result = normalizeTrackingNumber(raw, { carrier });
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.reason)}`);
  return result;
};

describe("normalizeTrackingNumber", () => {
  it.each([
    ["1Z999AA10123456784", "1Z999AA10123456784"],
    ["  1z999aa10123456784\n", "1Z999AA10123456784"],
    ["1Z 999 AA1 0123 4567 84", "1Z999AA10123456784"],
    ["6A-123-456-789-01", "6A12345678901"],
    ["LX 123 456 789 FR", "LX123456789FR"],
    ["9400\u00a01000\u00a00000\u00a00000\u00a00000\u00a000", "9400100000000000000000"],
    ["１Ｚ９９９ＡＡ１０１２３４５６７８４", "1Z999AA10123456784"],
    ["６Ａ１２３４５６７８９０１", "6A12345678901"],
    ["6A\u2013123\u2014456\u2212789", "6A123456789"],
    ["6A\u200B12345678901", "6A12345678901"],
    ["6A\u300012345678901", "6A12345678901"],
    ["ABCD", "ABCD"],
  ])("GIVEN %j WHEN normalized THEN it is %s", (raw, value) => {
    expect(ok(raw).value).toBe(value);
  });

  it.each<[string | null | undefined, TrackingProblem]>([
    ["", "empty"],
    ["   ", "empty"],
    [" - - ", "empty"],
    [null, "empty"],
    [undefined, "empty"],
    ["ABC", "too_short"],
    ["A".repeat(TRACKING_MAX_LENGTH + 1), "too_long"],
    ["1Z999/AA1", "invalid_characters"],
    ["1Z999.AA1.0123", "invalid_characters"],
    ["colis#123456", "invalid_characters"],
    ["ÉÀ12345678", "invalid_characters"],
    ["追跡12345678", "invalid_characters"],
    ["https://track.example/1Z999AA10123456784", "invalid_characters"],
  ])("GIVEN %j WHEN normalized THEN it is rejected as %s", (raw, problem) => {
    const result = normalizeTrackingNumber(raw);
    expect(result).toEqual({
      ok: false,
      reason: { code: "tracking.invalid", params: { tracking: (raw ?? "").trim(), problem } },
    });
  });

  it("GIVEN exactly the length bounds WHEN normalized THEN both ends are accepted", () => {
    expect(ok("9".repeat(TRACKING_MIN_LENGTH)).value).toHaveLength(TRACKING_MIN_LENGTH);
    expect(ok("9".repeat(TRACKING_MAX_LENGTH)).value).toHaveLength(TRACKING_MAX_LENGTH);
  });

  it("GIVEN a number whose length is only right without its spaces WHEN normalized THEN the length counts after normalization", () => {
    const spaced = "12345 ".repeat(8); // 48 characters typed, 40 kept
    expect(ok(spaced).value).toHaveLength(40);
  });

  it("GIVEN a rejected number WHEN reported THEN the params carry what the merchant typed, trimmed", () => {
    const result = normalizeTrackingNumber("  1Z 999/AA1  ");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason.params.tracking).toBe("1Z 999/AA1");
  });
});

describe("carrier format warnings", () => {
  it.each([
    ["1Z999AA10123456784", "UPS"],
    ["1z 999 aa1 0123 4567 84", "ups"],
    ["9400100000000000000000", "USPS"],
    ["420 90210 9400 1000 0000 0000 0000 00", "usps"],
    ["EC123456789US", "USPS"],
    ["6A12345678901", "Colissimo"],
    ["LX123456789FR", "colissimo"],
    ["00340434161094042557", "DHL"],
    ["anything1234", "Kuehne + Nagel"],
    ["anything1234", undefined],
  ] as [string, string | undefined][])(
    "GIVEN %s shipped with %s WHEN normalized THEN accepted without warning",
    (raw, carrier) => {
      expect(ok(raw, carrier).warnings).toEqual([]);
    },
  );

  it.each([
    ["1Z999AA1012345678", "UPS", "UPS", "1Z followed by 16 letters or digits"],
    ["123456789012", "ups", "UPS", "1Z followed by 16 letters or digits"],
    [
      "94001000000000000",
      "USPS",
      "USPS",
      "20 to 22 digits (or an international number like LX123456789US)",
    ],
    [
      "6A1234567890",
      "La Poste Colissimo",
      "Colissimo",
      "13 characters like 6A12345678901 (or an international number like LX123456789FR)",
    ],
  ])(
    "GIVEN %s shipped with %s WHEN normalized THEN accepted with a format warning for %s",
    (raw, storeCarrier, carrier, expected) => {
      const result = ok(raw, storeCarrier);
      expect(result.value).toBe(raw);
      expect(result.warnings).toEqual([
        { code: "tracking.unexpected_format", params: { tracking: raw, carrier, expected } },
      ]);
    },
  );
});
