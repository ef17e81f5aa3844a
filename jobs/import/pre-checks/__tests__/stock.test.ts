import { describe, expect, it } from "vitest";
import { DEFAULT_ACCOUNT_SETTINGS } from "../../../../db/account-settings";
import { formatReason } from "../../../../app/i18n/reasons";
import { checkStock } from "../stock";
import { makeContext, makeFrenchOrder, makeOrder, makeVariant } from "./fixtures";

const twoLinesOfA = makeOrder({
  lines: [
    { sku: "A", quantity: 2 },
    { sku: "a ", quantity: 3 },
  ],
});

describe("stock pre-check", () => {
  it("GIVEN enough stock for the summed quantity WHEN checking THEN it passes", () => {
    const ctx = makeContext({
      order: twoLinesOfA,
      variants: [makeVariant({ sku: "A", inventoryQuantity: 5 })],
    });
    expect(checkStock(ctx)).toEqual({ result: "pass", reasons: [] });
  });

  it("GIVEN two lines of one variant needing more than its stock WHEN blocking THEN the order is held with needed and available", () => {
    const ctx = makeContext({
      order: twoLinesOfA,
      variants: [makeVariant({ sku: "A", inventoryQuantity: 4 })],
    });
    const outcome = checkStock(ctx);
    expect(outcome).toEqual({
      result: "hold",
      reasons: [{ code: "stock.short", params: { sku: "A", needed: 5, available: 4 } }],
    });
    expect(formatReason("en", outcome.reasons[0]!)).toBe(
      "Not enough stock for SKU A: 5 needed, 4 available",
    );
  });

  it("GIVEN an untracked variant WHEN blocking THEN it passes", () => {
    const ctx = makeContext({
      order: twoLinesOfA,
      variants: [makeVariant({ sku: "A", inventoryQuantity: undefined })],
    });
    expect(checkStock(ctx).result).toBe("pass");
  });

  it("GIVEN negative stock on a tracked variant WHEN blocking THEN it is held", () => {
    const ctx = makeContext({ variants: [makeVariant({ sku: "SKU-1", inventoryQuantity: -2 })] });
    expect(checkStock(ctx).reasons).toEqual([
      { code: "stock.short", params: { sku: "SKU-1", needed: 1, available: -2 } },
    ]);
  });

  it.each(["allow", "ignore"] as const)(
    "GIVEN stock policy %s and no stock WHEN checking THEN it passes",
    (stockPolicy) => {
      const ctx = makeContext({
        settings: { ...DEFAULT_ACCOUNT_SETTINGS, stockPolicy },
        variants: [makeVariant({ sku: "SKU-1", inventoryQuantity: 0 })],
      });
      expect(checkStock(ctx).result).toBe("pass");
    },
  );

  it("GIVEN fresher stock for the variant WHEN blocking THEN it is used over the lookup's quantity", () => {
    const variant = makeVariant({ sku: "SKU-1", inventoryQuantity: 10 });
    const short = makeContext({ variants: [variant], variantStock: new Map([[variant.ref, 0]]) });
    expect(checkStock(short).reasons).toEqual([
      { code: "stock.short", params: { sku: "SKU-1", needed: 1, available: 0 } },
    ]);
    const untracked = makeContext({
      variants: [makeVariant({ sku: "SKU-1", inventoryQuantity: 0 })],
      variantStock: new Map([[variant.ref, undefined]]),
    });
    expect(checkStock(untracked).result).toBe("pass");
  });

  it("GIVEN an FBA order imported as fulfilled WHEN the store has no stock THEN it passes (the marketplace shipped it)", () => {
    const ctx = makeContext({
      order: makeFrenchOrder({ fulfilledByMarketplace: true, status: "shipped" }),
      settings: { ...DEFAULT_ACCOUNT_SETTINGS, marketplaceFulfilled: "import_as_fulfilled" },
      variants: [makeVariant({ sku: "SKU-1", inventoryQuantity: 0 })],
    });
    expect(checkStock(ctx).result).toBe("pass");
  });

  it("GIVEN an unresolved line and a short resolved one WHEN blocking THEN only the resolved one is reported", () => {
    const order = makeOrder({ lines: [{ sku: "GHOST" }, { sku: "A", quantity: 2 }] });
    const ctx = makeContext({ order, variants: [makeVariant({ sku: "A", inventoryQuantity: 1 })] });
    expect(checkStock(ctx).reasons).toEqual([
      { code: "stock.short", params: { sku: "A", needed: 2, available: 1 } },
    ]);
  });
});
