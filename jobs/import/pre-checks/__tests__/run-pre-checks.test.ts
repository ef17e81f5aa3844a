import { describe, expect, it } from "vitest";
import { DEFAULT_ACCOUNT_SETTINGS } from "../../../../db/account-settings";
import { formatReason } from "../../../../app/i18n/reasons";
import { CHECK_NAMES, runPreChecks } from "../index";
import { makeContext, makeFrenchOrder, makeOrder, makeStoreOrder, makeVariant } from "./fixtures";

/** An order failing every hold check: unmapped SKU, bad address, wrong currency, cancellation asked. */
const troubledOrder = (overrides: Parameters<typeof makeFrenchOrder>[0] = {}) =>
  makeFrenchOrder({
    buyerCancellationRequested: true,
    lines: [{ sku: "GHOST" }, { sku: "LOW", quantity: 3 }],
    shipTo: {
      name: "Camille Martin",
      line1: "1 rue X",
      city: "Lyon",
      postalCode: "",
      countryCode: "FR",
    },
    ...overrides,
  });
const troubledContext = (overrides: Parameters<typeof makeContext>[0] = {}) =>
  makeContext({
    order: troubledOrder(),
    storeCurrencies: ["USD"],
    variants: [makeVariant({ sku: "LOW", inventoryQuantity: 1 })],
    ...overrides,
  });

describe("runPreChecks", () => {
  it("GIVEN a paid US eBay order with everything in place WHEN checking THEN it is created with its resolved lines", () => {
    const variant = makeVariant({ sku: "SKU-1" });
    const decision = runPreChecks(makeContext({ order: makeOrder(), variants: [variant] }));
    expect(decision).toEqual({
      outcome: "create",
      reasons: [],
      checks: CHECK_NAMES.map((name) => ({ name, result: "pass" })),
      alreadyFulfilled: false,
      resolvedLines: [{ lineId: "line-1", variant }],
    });
  });

  it("GIVEN a paid French EUR Amazon order and a store selling in EUR WHEN checking THEN it is created", () => {
    const order = makeFrenchOrder({ lines: [{ sku: "TASSE-BLEUE", quantity: 2 }] });
    const decision = runPreChecks(makeContext({ order, storeCurrencies: ["EUR"] }));
    expect(decision.outcome).toBe("create");
    expect(decision.resolvedLines?.map((l) => l.variant.sku)).toEqual(["TASSE-BLEUE"]);
  });

  it("GIVEN every hold problem at once WHEN checking THEN the order is held with all of them, in check order", () => {
    const decision = runPreChecks(troubledContext());
    expect(decision.outcome).toBe("hold");
    expect(decision.reasons).toEqual([
      { code: "order.cancellation_requested" },
      { code: "sku.unmapped", params: { sku: "GHOST" } },
      { code: "stock.short", params: { sku: "LOW", needed: 3, available: 1 } },
      { code: "address.incomplete", params: { fields: "postalCode" } },
      { code: "currency.unsupported", params: { currency: "EUR", storeCurrencies: "USD" } },
    ]);
    expect(decision.resolvedLines).toBeUndefined();
    expect(decision.reasons.map((r) => formatReason("fr", r))).toEqual([
      "L’acheteur a demandé l’annulation de cette commande : acceptez ou refusez d’abord la demande sur la place de marché",
      "Le SKU GHOST n’est associé à aucune variante de la boutique",
      "Stock insuffisant pour le SKU LOW (quantité demandée : 3, disponible : 1)",
      "Il manque dans l’adresse de livraison : code postal",
      "La commande est en EUR, une devise dans laquelle la boutique ne vend pas (USD)",
    ]);
  });

  it("GIVEN hold problems and an unpaid order WHEN checking THEN it waits, and the checks still show each hold", () => {
    const decision = runPreChecks(
      troubledContext({ order: troubledOrder({ status: "pending", rawStatus: "Pending" }) }),
    );
    expect(decision.outcome).toBe("wait");
    expect(decision.reasons).toEqual([{ code: "order.not_paid" }]);
    expect(decision.checks.filter((c) => c.result === "hold").map((c) => c.name)).toEqual([
      "cancellation",
      "sku",
      "stock",
      "address",
      "currency",
    ]);
  });

  it("GIVEN a disconnected account and an unpaid order WHEN checking THEN it waits with both reasons", () => {
    const decision = runPreChecks(
      makeContext({ accountStatus: "needs_reconnect", order: makeOrder({ status: "pending" }) }),
    );
    expect(decision.outcome).toBe("wait");
    expect(decision.reasons.map((r) => r.code)).toEqual(["account.reconnect", "order.not_paid"]);
  });

  it("GIVEN a skip reason with wait and hold ones WHEN checking THEN skip wins", () => {
    const decision = runPreChecks(
      troubledContext({
        accountStatus: "disconnected",
        order: troubledOrder({ status: "cancelled" }),
      }),
    );
    expect(decision.outcome).toBe("skip");
    expect(decision.reasons).toEqual([{ code: "order.cancelled" }]);
  });

  it("GIVEN an order before import-from that is already linked WHEN checking THEN both skip reasons are given in check order", () => {
    const decision = runPreChecks(
      makeContext({
        settings: { ...DEFAULT_ACCOUNT_SETTINGS, importFrom: "2030-01-01T00:00:00Z" },
        alreadyLinked: true,
      }),
    );
    expect(decision.outcome).toBe("skip");
    expect(decision.reasons).toEqual([
      { code: "order.before_import_from", params: { importFrom: "2030-01-01T00:00:00.000Z" } },
      { code: "order.already_imported" },
    ]);
    expect(decision.adopt).toBeUndefined();
  });

  it("GIVEN an order found in the store but held for stock WHEN checking THEN it is skipped and the store order adopted", () => {
    const found = makeStoreOrder({ name: "#1042" });
    const decision = runPreChecks(
      makeContext({
        foundStoreOrder: found,
        variants: [makeVariant({ sku: "SKU-1", inventoryQuantity: 0 })],
      }),
    );
    expect(decision.outcome).toBe("skip");
    expect(decision.reasons).toEqual([
      { code: "order.found_in_store", params: { storeOrderName: "#1042" } },
    ]);
    expect(decision.adopt).toBe(found);
  });

  it("GIVEN an FBA order and default settings WHEN checking THEN it is skipped as marketplace-fulfilled", () => {
    const decision = runPreChecks(
      makeContext({ order: makeFrenchOrder({ fulfilledByMarketplace: true, status: "shipped" }) }),
    );
    expect(decision.outcome).toBe("skip");
    expect(decision.reasons).toEqual([{ code: "order.marketplace_fulfilled" }]);
    expect(decision.alreadyFulfilled).toBe(false);
  });

  it("GIVEN a shipped FBA order imported as fulfilled and no store stock WHEN checking THEN it is created already fulfilled", () => {
    const decision = runPreChecks(
      makeContext({
        order: makeFrenchOrder({ fulfilledByMarketplace: true, status: "shipped" }),
        settings: { ...DEFAULT_ACCOUNT_SETTINGS, marketplaceFulfilled: "import_as_fulfilled" },
        variants: [makeVariant({ sku: "SKU-1", inventoryQuantity: 0 })],
      }),
    );
    expect(decision.outcome).toBe("create");
    expect(decision.alreadyFulfilled).toBe(true);
  });

  it("GIVEN a failing check WHEN checking THEN its record carries its reasons and passing ones carry none", () => {
    const decision = runPreChecks(makeContext({ storeCurrencies: ["CAD"] }));
    expect(decision.checks.find((c) => c.name === "currency")).toEqual({
      name: "currency",
      result: "hold",
      reasons: [
        { code: "currency.unsupported", params: { currency: "USD", storeCurrencies: "CAD" } },
      ],
    });
    expect(decision.checks.find((c) => c.name === "address")).toEqual({
      name: "address",
      result: "pass",
    });
  });
});
