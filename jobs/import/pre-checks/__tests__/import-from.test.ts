import { describe, expect, it } from "vitest";
import { DEFAULT_ACCOUNT_SETTINGS } from "../../../../db/account-settings";
import { formatReason } from "../../../../app/i18n/reasons";
import { checkImportFrom } from "../import-from";
import { makeFrenchOrder, makeOrder } from "./fixtures";

const at = (iso: string) => makeOrder({ createdAt: new Date(iso) });
const from = (importFrom: string | undefined) =>
  importFrom === undefined ? DEFAULT_ACCOUNT_SETTINGS : { ...DEFAULT_ACCOUNT_SETTINGS, importFrom };

describe("import-from pre-check", () => {
  it("GIVEN no import-from date WHEN checking THEN every order passes", () => {
    expect(
      checkImportFrom({ order: at("2001-01-01T00:00:00Z"), settings: from(undefined) }),
    ).toEqual({ result: "pass", reasons: [] });
  });

  it("GIVEN an order created at or after the import-from instant WHEN checking THEN it passes", () => {
    const settings = from("2025-03-01T00:00:00Z");
    expect(checkImportFrom({ order: at("2025-03-01T00:00:00Z"), settings }).result).toBe("pass");
    expect(checkImportFrom({ order: at("2025-03-02T00:00:00Z"), settings }).result).toBe("pass");
  });

  it("GIVEN an order created before the import-from date WHEN checking THEN it is skipped with the date", () => {
    const outcome = checkImportFrom({
      order: at("2025-02-28T23:59:59Z"),
      settings: from("2025-03-01T00:00:00Z"),
    });
    expect(outcome).toEqual({
      result: "skip",
      reasons: [
        { code: "order.before_import_from", params: { importFrom: "2025-03-01T00:00:00.000Z" } },
      ],
    });
    expect(formatReason("en", outcome.reasons[0]!)).toMatch(
      /^Created before March 1, 2025 at 12:00\sAM UTC, the date orders are imported from$/,
    );
  });

  it("GIVEN an import-from with a Paris offset and a French order created just before it WHEN checking THEN the offset is honoured", () => {
    const settings = from("2025-03-01T00:00:00+01:00"); // 2025-02-28T23:00:00Z
    const before = makeFrenchOrder({ createdAt: new Date("2025-02-28T22:59:00Z") });
    const after = makeFrenchOrder({ createdAt: new Date("2025-02-28T23:00:00Z") });
    const outcome = checkImportFrom({ order: before, settings });
    expect(outcome.result).toBe("skip");
    expect(checkImportFrom({ order: after, settings }).result).toBe("pass");
    expect(formatReason("fr", outcome.reasons[0]!, { timeZone: "Europe/Paris" })).toBe(
      "Créée avant le 1 mars 2025 à 00:00 UTC+1, date à partir de laquelle les commandes sont importées",
    );
  });
});
