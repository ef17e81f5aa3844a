import { describe, expect, it } from "vitest";
import { bulkMessages } from "../../app/bulk-result";
import { translator } from "../../app/i18n/messages";

describe("the orders list's bulk answer", () => {
  it("GIVEN a bulk retry that checked orders again and sent tracking again WHEN shown THEN each count is its own sentence, in English and French", () => {
    const data = { intent: "retry", count: 3, pushes: { queued: 2, resynced: 1 } } as const;
    expect(bulkMessages(translator("en"), data)).toEqual([
      "3 orders are being checked again.",
      "2 tracking pushes are being sent again.",
      "1 held shipment is being read again from the store.",
    ]);
    expect(bulkMessages(translator("fr"), data)).toEqual([
      "3 commandes sont vérifiées à nouveau.",
      "2 envois de suivi sont relancés.",
      "1 expédition bloquée est relue depuis la boutique.",
    ]);
  });

  it("GIVEN a bulk retry that only sent tracking again WHEN shown THEN no order count is claimed", () => {
    const data = { intent: "retry", count: 0, pushes: { queued: 1, resynced: 0 } } as const;
    expect(bulkMessages(translator("en"), data)).toEqual(["1 tracking push is being sent again."]);
  });

  it("GIVEN a bulk action that did nothing WHEN shown THEN there is no sentence (the page says why)", () => {
    expect(
      bulkMessages(translator("en"), {
        intent: "retry",
        count: 0,
        pushes: { queued: 0, resynced: 0 },
      }),
    ).toEqual([]);
    expect(bulkMessages(translator("fr"), { intent: "skip", count: 2 })).toEqual([
      "2 commandes ont été mises de côté.",
    ]);
  });
});
