import { describe, expect, it } from "vitest";
import { localeFromRequest, matchLocale } from "../../app/i18n/locales";
import { translator } from "../../app/i18n/messages";

describe("languages", () => {
  it("GIVEN Shopify's locale parameter WHEN resolving THEN it wins over the browser's languages", () => {
    const request = new Request("https://app.example/app?locale=fr-FR", {
      headers: { "accept-language": "en-US,en;q=0.9" },
    });
    expect(localeFromRequest(request)).toBe("fr");
  });

  it("GIVEN only Accept-Language WHEN resolving THEN the first supported language is used", () => {
    expect(matchLocale("de-DE,fr;q=0.8,en;q=0.5")).toBe("fr");
    expect(matchLocale("de-DE")).toBeUndefined();
    expect(localeFromRequest(new Request("https://app.example/app"))).toBe("en");
  });

  it("GIVEN a message with parameters WHEN translated THEN each language fills them in", () => {
    expect(translator("en")("dashboard.ordersTotal", { count: 3 })).toBe("3 orders synced");
    expect(translator("fr")("dashboard.ordersTotal", { count: 3 })).toBe(
      "3 commandes synchronisées",
    );
  });
});
