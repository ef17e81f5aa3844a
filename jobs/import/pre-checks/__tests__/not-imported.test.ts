import { describe, expect, it } from "vitest";
import { formatReason } from "../../../../app/i18n/reasons";
import { checkNotImported } from "../not-imported";
import { makeStoreOrder } from "./fixtures";

describe("not-imported pre-check", () => {
  it("GIVEN no link and nothing in the store WHEN checking THEN it passes without adopting", () => {
    const outcome = checkNotImported({ alreadyLinked: false, foundStoreOrder: undefined });
    expect(outcome).toEqual({ result: "pass", reasons: [] });
    expect("adopt" in outcome).toBe(false);
  });

  it("GIVEN an order already linked WHEN checking THEN it is skipped as already imported", () => {
    const outcome = checkNotImported({ alreadyLinked: true, foundStoreOrder: makeStoreOrder() });
    expect(outcome).toEqual({ result: "skip", reasons: [{ code: "order.already_imported" }] });
  });

  it("GIVEN the order found in the store by its marketplace reference WHEN checking THEN it is skipped with the store order name and adopted", () => {
    const found = makeStoreOrder({ name: "#1042" });
    const outcome = checkNotImported({ alreadyLinked: false, foundStoreOrder: found });
    expect(outcome).toEqual({
      result: "skip",
      reasons: [{ code: "order.found_in_store", params: { storeOrderName: "#1042" } }],
      adopt: found,
    });
    expect(formatReason("en", outcome.reasons[0]!)).toBe(
      "Already in the store as order #1042: linked to it instead of being created again",
    );
  });
});
