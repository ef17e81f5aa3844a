import { describe, expect, it } from "vitest";
import { formatReason } from "../../../../app/i18n/reasons";
import { variantRef } from "../../../../connectors/types";
import { resolveLineVariants } from "../../sku-resolution";
import { checkSku } from "../sku";
import { makeContext, makeOrder, makeVariant } from "./fixtures";

describe("sku pre-check", () => {
  it("GIVEN every line resolved to one variant WHEN checking THEN it passes with each line's variant", () => {
    const order = makeOrder({ lines: [{ sku: "A" }, { sku: "B", quantity: 2 }] });
    const a = makeVariant({ sku: "A" });
    const b = makeVariant({ sku: "B" });
    const outcome = checkSku(makeContext({ order, variants: [a, b] }));
    expect(outcome).toEqual({
      result: "pass",
      reasons: [],
      resolvedLines: [
        { lineId: "line-1", variant: a },
        { lineId: "line-2", variant: b },
      ],
    });
  });

  it("GIVEN an unmapped SKU on two lines WHEN checking THEN the order is held with one reason for that SKU", () => {
    const order = makeOrder({ lines: [{ sku: "GHOST" }, { sku: " ghost " }] });
    const outcome = checkSku(makeContext({ order, variants: [] }));
    expect(outcome).toEqual({
      result: "hold",
      reasons: [{ code: "sku.unmapped", params: { sku: "GHOST" } }],
    });
    expect(formatReason("en", outcome.reasons[0]!)).toBe(
      "SKU GHOST is not mapped to a store variant",
    );
  });

  it("GIVEN a SKU mapped to a store SKU no variant has WHEN checking THEN the reason names the mapping's store SKU, not a missing mapping", () => {
    const order = makeOrder({ lines: [{ sku: "OLD-CAP-RED" }] });
    const outcome = checkSku(
      makeContext({
        order,
        lineResolutions: resolveLineVariants({
          lines: order.lines,
          mappings: [{ accountId: null, marketplaceSku: "old-cap-red", storeSku: "NOPE-XYZ" }],
          variantsBySku: new Map([["NOPE-XYZ", []]]),
        }),
      }),
    );
    expect(outcome).toEqual({
      result: "hold",
      reasons: [
        {
          code: "sku.mapped_variant_missing",
          params: { sku: "OLD-CAP-RED", storeSku: "NOPE-XYZ" },
        },
      ],
    });
    expect(formatReason("en", outcome.reasons[0]!)).toBe(
      "SKU OLD-CAP-RED is mapped to store SKU NOPE-XYZ, which no store variant has: fix the mapping or the SKU in the store",
    );
  });

  it("GIVEN unmapped, ambiguous and SKU-less lines WHEN checking THEN every problem is listed at once", () => {
    const order = makeOrder({
      lines: [{ sku: "OK" }, { sku: "DUP" }, { sku: "GHOST" }, { sku: undefined, title: "Mug" }],
    });
    const variants = [
      makeVariant({ sku: "OK" }),
      makeVariant({ sku: "DUP", ref: variantRef("v1") }),
      makeVariant({ sku: "DUP", ref: variantRef("v2") }),
      makeVariant({ sku: "DUP", ref: variantRef("v3") }),
    ];
    const outcome = checkSku(makeContext({ order, variants }));
    expect(outcome.result).toBe("hold");
    expect(outcome.reasons).toEqual([
      { code: "sku.ambiguous", params: { sku: "DUP", count: 3 } },
      { code: "sku.unmapped", params: { sku: "GHOST" } },
      { code: "sku.missing", params: { lineTitle: "Mug" } },
    ]);
    expect(outcome.resolvedLines).toBeUndefined();
    expect(outcome.reasons.map((r) => formatReason("fr", r))).toEqual([
      "Le SKU DUP correspond à 3 variantes de la boutique : associez-le à l’une d’elles",
      "Le SKU GHOST n’est associé à aucune variante de la boutique",
      "L’article « Mug » n’a pas de SKU sur la place de marché",
    ]);
  });

  it("GIVEN resolutions that miss one of the order's lines WHEN checking THEN it throws (a pipeline bug, not a merchant issue)", () => {
    const order = makeOrder({ lines: [{ sku: "A" }, { sku: "B" }] });
    const ctx = makeContext({ order });
    expect(() => checkSku({ ...ctx, lineResolutions: ctx.lineResolutions.slice(0, 1) })).toThrow(
      /no SKU resolution for line line-2/,
    );
  });

  it("GIVEN a quantity-0 line without SKU next to a resolved line WHEN checking THEN it passes and only the real line is resolved", () => {
    const order = makeOrder({ lines: [{ sku: "A" }, { sku: undefined, quantity: 0 }] });
    const a = makeVariant({ sku: "A" });
    const outcome = checkSku(makeContext({ order, variants: [a] }));
    expect(outcome).toEqual({
      result: "pass",
      reasons: [],
      resolvedLines: [{ lineId: "line-1", variant: a }],
    });
  });
});
