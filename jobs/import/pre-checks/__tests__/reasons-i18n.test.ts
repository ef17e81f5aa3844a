import { describe, expect, it } from "vitest";
import { LOCALES } from "../../../../app/i18n/locales";
import {
  formatReason,
  PIPELINE_REASON_MESSAGES,
  REASON_MESSAGES,
} from "../../../../app/i18n/reasons";
import { DEFAULT_ACCOUNT_SETTINGS } from "../../../../db/account-settings";
import { variantRef } from "../../../../connectors/types";
import { PRE_CHECK_REASON_CODES, PRE_CHECK_REASON_PARAMS, runPreChecks } from "../index";
import { makeContext, makeFrenchOrder, makeOrder, makeStoreOrder, makeVariant } from "./fixtures";

const placeholders = (template: string) =>
  [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("reason messages", () => {
  it("GIVEN every code the pre-checks can emit WHEN looking up messages THEN English and French both have one using exactly its parameters", () => {
    expect(Object.keys(REASON_MESSAGES).sort()).toEqual([...PRE_CHECK_REASON_CODES].sort());
    for (const code of PRE_CHECK_REASON_CODES) {
      const expected = [...PRE_CHECK_REASON_PARAMS[code]].sort();
      for (const locale of LOCALES) {
        const template = REASON_MESSAGES[code][locale];
        expect(template.trim(), `${code} ${locale}`).not.toBe("");
        expect(placeholders(template), `${code} ${locale}`).toEqual(expected);
      }
      expect(REASON_MESSAGES[code].fr, code).not.toBe(REASON_MESSAGES[code].en);
    }
  });

  it("GIVEN a wide range of orders WHEN the pre-checks run THEN every code they emit is a listed one", () => {
    const contexts = [
      makeContext({ accountStatus: "disconnected", order: makeOrder({ status: "pending" }) }),
      makeContext({ order: makeOrder({ status: "shipped" }) }),
      makeContext({ order: makeOrder({ status: "cancelled" }), alreadyLinked: true }),
      makeContext({ order: makeFrenchOrder({ fulfilledByMarketplace: true }) }),
      makeContext({ foundStoreOrder: makeStoreOrder() }),
      makeContext({
        settings: { ...DEFAULT_ACCOUNT_SETTINGS, importFrom: "2030-01-01T00:00:00Z" },
      }),
      makeContext({
        order: makeOrder({
          buyerCancellationRequested: true,
          shipTo: undefined,
          lines: [{ sku: "X" }, { sku: undefined }, { sku: "D" }, { sku: "S", quantity: 9 }],
        }),
        storeCurrencies: [],
        variants: [
          makeVariant({ sku: "D", ref: variantRef("d1") }),
          makeVariant({ sku: "D", ref: variantRef("d2") }),
          makeVariant({ sku: "S", inventoryQuantity: 0 }),
        ],
      }),
    ];
    const emitted = new Set(
      contexts
        .flatMap((ctx) => runPreChecks(ctx).checks.flatMap((c) => c.reasons ?? []))
        .map((r) => r.code),
    );
    expect([...emitted].sort()).toEqual([...PRE_CHECK_REASON_CODES].sort());
  });

  it("GIVEN an unknown code or a missing parameter WHEN formatting THEN the code or the placeholder stays visible", () => {
    expect(formatReason("fr", { code: "legacy.reason" })).toBe("legacy.reason");
    expect(formatReason("en", { code: "sku.unmapped" })).toBe(
      "SKU {sku} is not mapped to a store variant",
    );
    expect(formatReason("en", { code: "toString" })).toBe("toString");
  });

  it("GIVEN an unparseable date or an unknown field id WHEN formatting THEN the raw value is shown", () => {
    expect(
      formatReason("en", { code: "order.before_import_from", params: { importFrom: "soon" } }),
    ).toBe("Created before soon, the date orders are imported from");
    expect(
      formatReason("fr", { code: "address.incomplete", params: { fields: "city,region" } }),
    ).toBe("Il manque dans l’adresse de livraison : ville et region");
  });

  it("GIVEN the pipeline's own reasons WHEN formatting THEN both languages have them with the same parameters", () => {
    for (const [code, messages] of Object.entries(PIPELINE_REASON_MESSAGES)) {
      expect(code in REASON_MESSAGES, code).toBe(false);
      expect(placeholders(messages.fr), code).toEqual(placeholders(messages.en));
    }
    expect(
      formatReason("fr", {
        code: "store.rejected",
        params: { platform: "Shopify", message: "Variant is archived" },
      }),
    ).toBe("La boutique (Shopify) a refusé la commande : Variant is archived");
  });

  it("GIVEN fields joined with comma and space (as store-order.ts stores them) WHEN formatting THEN they are labelled too", () => {
    expect(
      formatReason("en", { code: "address.incomplete", params: { fields: "line1, countryCode" } }),
    ).toBe("The shipping address is missing: address line 1 and country");
  });
});
