import { describe, expect, it } from "vitest";
import { resolveLineVariants } from "../../sku-resolution";
import { LOCALES } from "../../../../app/i18n/locales";
import {
  formatReason,
  PIPELINE_REASON_MESSAGES,
  PLATFORM_NAMES,
  REASON_MESSAGES,
} from "../../../../app/i18n/reasons";
import { TRACKING_REASON_MESSAGES } from "../../../../app/i18n/tracking-reasons";
import {
  AuthExpired,
  AuthRevoked,
  NotFound,
  type Platform,
  RateLimited,
  Rejected,
  Transient,
} from "../../../../connectors/errors";
import { DEFAULT_ACCOUNT_SETTINGS } from "../../../../db/account-settings";
import { variantRef } from "../../../../connectors/types";
import { PRE_CHECK_REASON_CODES, PRE_CHECK_REASON_PARAMS, runPreChecks } from "../index";
import { makeContext, makeFrenchOrder, makeOrder, makeStoreOrder, makeVariant } from "./fixtures";

/** `{name}` and the parameter of `{name, plural, …}` or `{name, de}`, once each. */
const placeholders = (template: string) =>
  [...new Set([...template.matchAll(/\{(\w+)\s*[,}]/g)].map((m) => m[1]))].sort();

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
      (() => {
        const order = makeOrder({ lines: [{ sku: "OLD" }] });
        return makeContext({
          order,
          lineResolutions: resolveLineVariants({
            lines: order.lines,
            mappings: [{ accountId: null, marketplaceSku: "OLD", storeSku: "GONE" }],
            variantsBySku: new Map(),
          }),
        });
      })(),
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
  });

  it("GIVEN a store refusal stored with the raw platform id (as process-order.ts stores it) WHEN formatting THEN the brand name is shown in both languages", () => {
    const reason = {
      code: "store.rejected",
      params: { platform: "bigcommerce", message: "Variant is archived" },
    };
    expect(formatReason("fr", reason)).toBe(
      "La boutique (BigCommerce) a refusé la commande : Variant is archived",
    );
    expect(formatReason("en", reason)).toBe(
      "The store (BigCommerce) refused the order: Variant is archived",
    );
    expect(
      formatReason("en", { ...reason, params: { ...reason.params, platform: "shopify" } }),
    ).toBe("The store (Shopify) refused the order: Variant is archived");
  });

  it("GIVEN fields joined with comma and space (as store-order.ts stores them) WHEN formatting THEN they are labelled too", () => {
    expect(
      formatReason("en", { code: "address.incomplete", params: { fields: "line1, countryCode" } }),
    ).toBe("The shipping address is missing: address line 1 and country");
  });
});

describe("platform names in reasons", () => {
  const platforms = Object.keys(PLATFORM_NAMES) as Platform[];
  const rawId = (platform: Platform) => new RegExp(`\\b${platform}\\b`);

  it("GIVEN the errors every connector raises WHEN their merchant message is formatted THEN it names the platform by its brand, never by its id", () => {
    const init = (platform: Platform) => ({ platform, operation: "getOrder", message: "x" });
    for (const platform of platforms) {
      const errors = [
        new RateLimited({ ...init(platform), retryAfterMs: 1000 }),
        new AuthExpired(init(platform)),
        new AuthRevoked(init(platform)),
        new NotFound(init(platform)),
        new Rejected({ ...init(platform), vendorMessage: "Bad request" }),
        new Transient(init(platform)),
      ];
      for (const error of errors) {
        for (const locale of LOCALES) {
          const text = formatReason(locale, error.merchant);
          expect(text, `${error.kind} ${locale}`).toContain(PLATFORM_NAMES[platform]);
          expect(text, `${error.kind} ${locale}`).not.toMatch(rawId(platform));
        }
      }
    }
  });

  it("GIVEN tracking and cancellation reasons already stored with a raw id WHEN formatted THEN they read with the brand name", () => {
    expect(formatReason("fr", { code: "push.order_not_found", params: { platform: "ebay" } })).toBe(
      "eBay ne connaît plus cette commande",
    );
    expect(formatReason("en", { code: "push.order_not_found", params: { platform: "ebay" } })).toBe(
      "eBay no longer knows this order",
    );
    expect(
      formatReason("fr", { code: "cancel.unconfirmed", params: { platform: "amazon", hours: 48 } }),
    ).toBe(
      "Amazon n’a pas confirmé l’annulation au bout de 48 heures : vérifiez la commande sur Amazon",
    );
  });

  it("GIVEN every message with a platform parameter WHEN formatted for every platform THEN no raw id is left and a leading platform starts with its brand", () => {
    const templates = { ...PIPELINE_REASON_MESSAGES, ...TRACKING_REASON_MESSAGES };
    const withPlatform = Object.entries(templates).filter(([, messages]) =>
      messages.en.includes("{platform}"),
    );
    expect(withPlatform.length).toBeGreaterThan(0);
    for (const [code, messages] of withPlatform) {
      for (const locale of LOCALES) {
        for (const platform of platforms) {
          const text = formatReason(locale, { code, params: { platform, message: "m", hours: 1 } });
          expect(text, `${code} ${locale}`).not.toMatch(rawId(platform));
          if (messages[locale].startsWith("{platform}")) {
            expect(text.startsWith(PLATFORM_NAMES[platform]), `${code} ${locale}`).toBe(true);
          }
        }
      }
    }
  });

  it("GIVEN a platform value that is not a known id WHEN formatted THEN it is shown as stored", () => {
    expect(formatReason("en", { code: "connector.notFound", params: { platform: "Etsy" } })).toBe(
      "Etsy could not find what we asked for",
    );
  });
});
