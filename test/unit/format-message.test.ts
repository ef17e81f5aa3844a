import { describe, expect, it } from "vitest";
import { countOf, formatMessage, frenchDe } from "../../app/i18n/format-message";
import { LOCALES } from "../../app/i18n/locales";
import { translator } from "../../app/i18n/messages";
import * as accounts from "../../app/i18n/messages/accounts";
import * as core from "../../app/i18n/messages/core";
import * as install from "../../app/i18n/messages/install";
import * as orderDetail from "../../app/i18n/messages/order-detail";
import * as orders from "../../app/i18n/messages/orders";
import * as settings from "../../app/i18n/messages/settings";
import { formatReason } from "../../app/i18n/reasons";

const ATTEMPTS = "{count, plural, one {# attempt} other {# attempts}}";
const TENTATIVES = "{count, plural, one {# tentative} other {# tentatives}}";

describe("message templates", () => {
  it("GIVEN plain parameters WHEN filled THEN each is replaced and a missing one stays visible", () => {
    expect(formatMessage("en", "{a} and {b}", { a: "x", b: 2 })).toBe("x and 2");
    expect(formatMessage("en", "Hello {who}", {})).toBe("Hello {who}");
    expect(formatMessage("en", "Hello {who}", undefined)).toBe("Hello {who}");
  });

  it("GIVEN a plural WHEN the count varies THEN English is singular for 1 only", () => {
    expect(formatMessage("en", ATTEMPTS, { count: 0 })).toBe("0 attempts");
    expect(formatMessage("en", ATTEMPTS, { count: 1 })).toBe("1 attempt");
    expect(formatMessage("en", ATTEMPTS, { count: 2 })).toBe("2 attempts");
  });

  it("GIVEN a plural WHEN the count varies THEN French is singular for 0 and 1", () => {
    expect(formatMessage("fr", TENTATIVES, { count: 0 })).toBe("0 tentative");
    expect(formatMessage("fr", TENTATIVES, { count: 1 })).toBe("1 tentative");
    expect(formatMessage("fr", TENTATIVES, { count: 2 })).toBe("2 tentatives");
  });

  it("GIVEN an exact branch WHEN its number is given THEN it wins over the language's category", () => {
    const template = "{n, plural, =0 {none} one {# item} other {# items}}";
    expect(formatMessage("en", template, { n: 0 })).toBe("none");
    expect(formatMessage("fr", template, { n: 0 })).toBe("none");
    expect(formatMessage("en", template, { n: 1 })).toBe("1 item");
  });

  it("GIVEN a count already formatted for the language WHEN pluralised THEN its digits choose and it is shown as given", () => {
    expect(formatMessage("fr", TENTATIVES, { count: "1\u202f234" })).toBe("1\u202f234 tentatives");
    expect(formatMessage("en", ATTEMPTS, { count: "1" })).toBe("1 attempt");
    expect(countOf("1,234")).toBe(1234);
    expect(countOf("−2")).toBe(-2);
    expect(countOf("beaucoup")).toBeUndefined();
    // Not a number at all: the `other` branch, never a crash.
    expect(formatMessage("en", ATTEMPTS, { count: "many" })).toBe("many attempts");
  });

  it("GIVEN a plural branch with other parameters WHEN filled THEN they are filled too", () => {
    expect(
      formatMessage("en", "{n, plural, one {# order of {who}} other {# orders of {who}}}", {
        n: 3,
        who: "Ava",
      }),
    ).toBe("3 orders of Ava");
  });

  it("GIVEN a plural whose count is missing or malformed WHEN filled THEN the text is kept as written", () => {
    expect(formatMessage("en", ATTEMPTS, {})).toBe(ATTEMPTS);
    expect(formatMessage("en", "{count, plural, one {x}", { count: 1 })).toBe(
      "{count, plural, one {x}",
    );
    expect(formatMessage("en", "{count, plural, banana {x}}", { count: 1 })).toBe(
      "{count, plural, banana {x}}",
    );
    expect(formatMessage("en", "# is not a count outside a plural", {})).toBe(
      "# is not a count outside a plural",
    );
  });

  it("GIVEN a parameter value with braces or # WHEN filled THEN it is shown as it is, never read as syntax", () => {
    expect(
      formatMessage("en", ATTEMPTS.replace("# attempt}", "# attempt for {sku}}"), {
        count: 1,
        sku: "{count} #1",
      }),
    ).toBe("1 attempt for {count} #1");
  });

  it("GIVEN account names WHEN French puts de before them THEN it elides before a vowel only", () => {
    expect(frenchDe("Amazon France")).toBe("d’Amazon France");
    expect(frenchDe("eBay US")).toBe("d’eBay US");
    expect(frenchDe("Éditions Martin")).toBe("d’Éditions Martin");
    expect(frenchDe("Boutique Lune")).toBe("de Boutique Lune");
    expect(frenchDe("Hollande Shop")).toBe("de Hollande Shop");
    expect(frenchDe("123 Store")).toBe("de 123 Store");
    expect(formatMessage("fr", "Paramètres {account, de}", { account: "Amazon France" })).toBe(
      "Paramètres d’Amazon France",
    );
  });
});

describe("catalog wording", () => {
  it("GIVEN the account settings page WHEN titled in French THEN de elides before the account name", () => {
    const fr = translator("fr");
    expect(fr("settings.title", { account: "Amazon France" })).toBe("Paramètres d’Amazon France");
    expect(fr("settings.title", { account: "Ma boutique" })).toBe("Paramètres de Ma boutique");
    expect(translator("en")("settings.title", { account: "eBay US" })).toBe("Settings of eBay US");
  });

  it("GIVEN counts of one and several WHEN messages are translated THEN they are real plurals in both languages", () => {
    const en = translator("en");
    const fr = translator("fr");
    expect(en("detail.pushAttempts", { count: 1 })).toBe("1 attempt");
    expect(en("detail.pushAttempts", { count: 3 })).toBe("3 attempts");
    expect(fr("detail.pushAttempts", { count: 1 })).toBe("1 tentative");
    expect(fr("detail.pushAttempts", { count: 3 })).toBe("3 tentatives");
    expect(en("skuMap.saved", { count: 1 })).toBe(
      "Mapping saved. 1 held order is being checked again.",
    );
    expect(fr("skuMap.saved", { count: 5 })).toBe(
      "Correspondance enregistrée. 5 commandes bloquées en cours de nouvelle vérification.",
    );
    expect(fr("skuMap.saved", { count: 1 })).toBe(
      "Correspondance enregistrée. 1 commande bloquée en cours de nouvelle vérification.",
    );
    expect(en("dashboard.ordersTotal", { count: 1 })).toBe("1 order synced");
    expect(fr("import.done", { seen: "1", created: "1", updated: "0" })).toBe(
      "Import terminé : 1 commande lue, 1 nouvelle, 0 mise à jour.",
    );
    expect(fr("orders.moreReasons", { count: 1 })).toBe("+1 autre");
    expect(fr("orders.moreReasons", { count: 2 })).toBe("+2 autres");
  });

  it("GIVEN the held-stock reason WHEN formatted THEN needed and available read right whatever their numbers", () => {
    const reason = (needed: number, available: number) => ({
      code: "stock.short",
      params: { sku: "LOW", needed, available },
    });
    expect(formatReason("fr", reason(3, 1))).toBe(
      "Stock insuffisant pour le SKU LOW (quantité demandée : 3, disponible : 1)",
    );
    expect(formatReason("en", reason(5, 4))).toBe(
      "Not enough stock for SKU LOW: 5 needed, 4 available",
    );
    expect(formatReason("en", { code: "push.gave_up", params: { attempts: 1 } })).toMatch(
      /after 1 attempt:/,
    );
  });

  it("GIVEN every message of every language WHEN filled with counts of 1 and of 2 THEN no hedged plural or raw syntax is left", () => {
    for (const area of [accounts, core, install, orderDetail, orders, settings]) {
      for (const locale of LOCALES) {
        for (const [key, template] of Object.entries(area[locale])) {
          for (const n of [1, 2]) {
            const names = [...template.matchAll(/\{(\w+)/g)].map((m) => m[1]!);
            const params = Object.fromEntries(names.map((name) => [name, n]));
            const text = formatMessage(locale, template, params);
            expect(text, `${locale} ${key}`).not.toMatch(/\(s\)|\(e\)|\(x\)|[{}#]/);
          }
        }
      }
    }
  });
});
