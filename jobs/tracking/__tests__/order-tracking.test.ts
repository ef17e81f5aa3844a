import { describe, expect, it } from "vitest";
import { trackingStateOf } from "../order-tracking";
import { mapFulfillmentLines } from "../sync-fulfillment";

const LINES = [
  { lineId: "L1", quantity: 2 },
  { lineId: "L2", quantity: 1 },
];
const push = (state: string, lines: { lineId: string; quantity: number }[], kind = "create") => ({
  state,
  kind,
  lines,
});

describe("an order's tracking state from its pushes", () => {
  it("GIVEN no push THEN none", () => {
    expect(trackingStateOf([], LINES)).toBe("none");
  });

  it("GIVEN every line confirmed across two partial shipments THEN confirmed", () => {
    const pushes = [
      push("confirmed", [{ lineId: "L1", quantity: 2 }]),
      push("confirmed", [{ lineId: "L2", quantity: 1 }]),
    ];
    expect(trackingStateOf(pushes, LINES)).toBe("confirmed");
  });

  it("GIVEN one partial shipment confirmed THEN sent, not confirmed", () => {
    expect(trackingStateOf([push("confirmed", [{ lineId: "L1", quantity: 2 }])], LINES)).toBe(
      "sent",
    );
  });

  it("GIVEN a changed tracking number re-announcing the same lines THEN those lines are not counted twice", () => {
    const pushes = [
      push("confirmed", [{ lineId: "L1", quantity: 1 }]),
      push("confirmed", [{ lineId: "L1", quantity: 1 }], "update"),
    ];
    expect(trackingStateOf(pushes, [{ lineId: "L1", quantity: 2 }])).toBe("sent");
  });

  it("GIVEN one push failed or held THEN failed, whatever the others did", () => {
    expect(trackingStateOf([push("confirmed", LINES), push("held", [])], LINES)).toBe("failed");
    expect(trackingStateOf([push("failed", LINES)], LINES)).toBe("failed");
  });

  it("GIVEN pushes still pending or retrying THEN pending", () => {
    expect(trackingStateOf([push("pending", LINES), push("retrying", LINES)], LINES)).toBe(
      "pending",
    );
  });
});

describe("store fulfillment lines to marketplace lines", () => {
  const ORDER_LINES = [
    { lineId: "A", sku: "MUG-BLUE", quantity: 2 },
    { lineId: "B", sku: "TEE-M", quantity: 1 },
    { lineId: "C", sku: "TEE-M", quantity: 1 },
  ];

  it("GIVEN lines carrying their marketplace line id THEN quantities are summed per line and capped at what was sold", () => {
    const result = mapFulfillmentLines(
      {
        lines: [
          { marketplaceLineId: "A" as never, sku: "MUG-BLUE", quantity: 1 },
          { marketplaceLineId: "A" as never, sku: "MUG-BLUE", quantity: 5 },
        ],
      },
      ORDER_LINES,
    );
    expect(result).toEqual({ lines: [{ lineId: "A", quantity: 2 }], unmapped: [] });
  });

  it("GIVEN a line without its id THEN it is matched by a SKU only one marketplace line has", () => {
    const result = mapFulfillmentLines(
      { lines: [{ marketplaceLineId: undefined, sku: " mug-blue ", quantity: 1 }] },
      ORDER_LINES,
    );
    expect(result.lines).toEqual([{ lineId: "A", quantity: 1 }]);
  });

  it("GIVEN a SKU two marketplace lines share, or one the order does not have THEN the line is reported, not guessed", () => {
    const result = mapFulfillmentLines(
      {
        lines: [
          { marketplaceLineId: undefined, sku: "TEE-M", quantity: 1 },
          { marketplaceLineId: undefined, sku: "GIFT-WRAP", quantity: 1 },
          { marketplaceLineId: "ZZZ" as never, sku: undefined, quantity: 1 },
        ],
      },
      ORDER_LINES,
    );
    expect(result).toEqual({ lines: [], unmapped: ["TEE-M", "GIFT-WRAP", "?"] });
  });
});
