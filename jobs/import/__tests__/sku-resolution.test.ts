import { describe, expect, it } from "vitest";
import { ebayLineItemId, variantRef, type StoreVariant } from "../../../connectors/types";
import { makeVariant } from "../pre-checks/__tests__/fixtures";
import {
  normalizeSku,
  resolveLineVariants,
  skusToLookUp,
  type LineSource,
  type SkuMapping,
} from "../sku-resolution";

const line = (id: string, sku: string | undefined): LineSource => ({
  lineId: ebayLineItemId(id),
  sku,
});
const storeWide = (marketplaceSku: string, storeSku: string, ref?: string): SkuMapping => ({
  accountId: null,
  marketplaceSku,
  storeSku,
  variantRef: ref ?? null,
});
const forAccount = (marketplaceSku: string, storeSku: string, ref?: string): SkuMapping => ({
  ...storeWide(marketplaceSku, storeSku, ref),
  accountId: "6f1c1c9e-0000-4000-8000-000000000001",
});
const bySku = (...variants: StoreVariant[]) => {
  const map = new Map<string, StoreVariant[]>();
  for (const v of variants) map.set(v.sku, [...(map.get(v.sku) ?? []), v]);
  return map;
};

describe("skusToLookUp", () => {
  it("GIVEN lines with and without mappings WHEN listing THEN each distinct store SKU is asked once, trimmed", () => {
    const lines = [
      line("1", " TSHIRT-RED "),
      line("2", "tshirt-red"),
      line("3", "EBAY-MUG"),
      line("4", undefined),
      line("5", "   "),
      line("6", "mug-white"),
    ];
    expect(skusToLookUp(lines, [storeWide("ebay-mug", " MUG-WHITE ")])).toEqual([
      "TSHIRT-RED",
      "MUG-WHITE",
    ]);
  });

  it("GIVEN an account mapping and a store-wide one for the same SKU WHEN listing THEN the account's store SKU is asked", () => {
    const mappings = [storeWide("A1", "STORE-WIDE"), forAccount(" a1 ", "ACCOUNT")];
    expect(skusToLookUp([line("1", "A1")], mappings)).toEqual(["ACCOUNT"]);
  });
});

describe("resolveLineVariants", () => {
  it("GIVEN a SKU differing only in case and spaces WHEN resolving THEN the exact-match variant is used", () => {
    const variant = makeVariant({ sku: "TSHIRT-RED" });
    const [result] = resolveLineVariants({
      lines: [line("1", "  tshirt-red ")],
      mappings: [],
      variantsBySku: new Map([["tshirt-red", [variant]]]),
    });
    expect(result).toEqual({ lineId: "1", status: "resolved", sku: "tshirt-red", variant });
  });

  it("GIVEN an explicit mapping WHEN resolving THEN it wins over a variant carrying the marketplace SKU itself", () => {
    const direct = makeVariant({ sku: "EBAY-MUG" });
    const mapped = makeVariant({ sku: "MUG-WHITE" });
    const [result] = resolveLineVariants({
      lines: [line("1", "ebay-mug")],
      mappings: [storeWide("EBAY-MUG", "MUG-WHITE")],
      variantsBySku: bySku(direct, mapped),
    });
    expect(result).toMatchObject({ status: "resolved", variant: mapped });
  });

  it("GIVEN account and store-wide mappings for one SKU WHEN resolving THEN the account's mapping wins whatever the order", () => {
    const account = makeVariant({ sku: "ACCOUNT" });
    const wide = makeVariant({ sku: "WIDE" });
    for (const mappings of [
      [forAccount("A1", "ACCOUNT"), storeWide("A1", "WIDE")],
      [storeWide("A1", "WIDE"), forAccount("A1", "ACCOUNT")],
    ]) {
      const [result] = resolveLineVariants({
        lines: [line("1", "A1")],
        mappings,
        variantsBySku: bySku(account, wide),
      });
      expect(result).toMatchObject({ status: "resolved", variant: account });
    }
  });

  it("GIVEN no mapping and no variant WHEN resolving THEN the line is unmapped with its marketplace SKU", () => {
    const [result] = resolveLineVariants({
      lines: [line("1", " NOPE ")],
      mappings: [],
      variantsBySku: new Map([["NOPE", []]]),
    });
    expect(result).toEqual({ lineId: "1", status: "unmapped", sku: "NOPE", storeSku: undefined });
  });

  it("GIVEN a mapping to a store SKU the store does not have WHEN resolving THEN the line is unmapped and says where it pointed", () => {
    const [result] = resolveLineVariants({
      lines: [line("1", "A1")],
      mappings: [storeWide("A1", "GONE")],
      variantsBySku: new Map(),
    });
    expect(result).toEqual({ lineId: "1", status: "unmapped", sku: "A1", storeSku: "GONE" });
  });

  it("GIVEN two variants sharing the SKU WHEN resolving THEN the line is ambiguous with both candidates", () => {
    const a = makeVariant({ sku: "DUP", ref: variantRef("gid://shopify/ProductVariant/1") });
    const b = makeVariant({ sku: "dup", ref: variantRef("gid://shopify/ProductVariant/2") });
    const [result] = resolveLineVariants({
      lines: [line("1", "DUP")],
      mappings: [],
      variantsBySku: new Map([["DUP", [a, b]]]),
    });
    expect(result).toMatchObject({ status: "ambiguous", sku: "DUP", candidates: [a, b] });
  });

  it("GIVEN the same variant returned under two spellings WHEN resolving THEN it counts once", () => {
    const v = makeVariant({ sku: "MUG" });
    const [result] = resolveLineVariants({
      lines: [line("1", "mug")],
      mappings: [],
      variantsBySku: new Map([
        ["MUG", [v]],
        ["mug ", [v]],
      ]),
    });
    expect(result).toMatchObject({ status: "resolved", variant: v });
  });

  it("GIVEN a mapping naming one of several variants WHEN resolving THEN that variant is used", () => {
    const a = makeVariant({ sku: "DUP", ref: variantRef("gid://shopify/ProductVariant/1") });
    const b = makeVariant({ sku: "DUP", ref: variantRef("gid://shopify/ProductVariant/2") });
    const [result] = resolveLineVariants({
      lines: [line("1", "m-dup")],
      mappings: [storeWide("M-DUP", "DUP", "gid://shopify/ProductVariant/2")],
      variantsBySku: bySku(a, b),
    });
    expect(result).toMatchObject({ status: "resolved", variant: b });
  });

  it("GIVEN a mapping naming a variant that no longer carries the store SKU WHEN resolving THEN the line is unmapped, not sent elsewhere", () => {
    const other = makeVariant({ sku: "DUP", ref: variantRef("gid://shopify/ProductVariant/1") });
    const [result] = resolveLineVariants({
      lines: [line("1", "M-DUP")],
      mappings: [storeWide("M-DUP", "DUP", "gid://shopify/ProductVariant/9")],
      variantsBySku: bySku(other),
    });
    expect(result).toMatchObject({ status: "unmapped", sku: "M-DUP", storeSku: "DUP" });
  });

  it("GIVEN a store answering with a near match WHEN resolving THEN the near match is not used", () => {
    const near = makeVariant({ sku: "MUG-WHITE-XL" });
    const [result] = resolveLineVariants({
      lines: [line("1", "MUG-WHITE")],
      mappings: [],
      variantsBySku: new Map([["MUG-WHITE", [near]]]),
    });
    expect(result).toMatchObject({ status: "unmapped", sku: "MUG-WHITE" });
  });

  it("GIVEN lines without a SKU WHEN resolving THEN they are missing_sku, in line order", () => {
    const results = resolveLineVariants({
      lines: [line("1", undefined), line("2", "  ")],
      mappings: [],
      variantsBySku: new Map(),
    });
    expect(results).toEqual([
      { lineId: "1", status: "missing_sku" },
      { lineId: "2", status: "missing_sku" },
    ]);
  });

  it("GIVEN a mapping with a blank store SKU WHEN resolving THEN it is ignored and the marketplace SKU is used", () => {
    const v = makeVariant({ sku: "A1" });
    const [result] = resolveLineVariants({
      lines: [line("1", "A1")],
      mappings: [storeWide("A1", "  ")],
      variantsBySku: bySku(v),
    });
    expect(result).toMatchObject({ status: "resolved", variant: v });
  });

  it("GIVEN a SKU WHEN normalizing THEN case and surrounding spaces are dropped, inner spaces kept", () => {
    expect(normalizeSku("  Ab C ")).toBe("ab c");
  });
});
