import { describe, expect, it } from "vitest";
import { amazonConsentUrl } from "../amazon-consent";
import { amazonMarketplace, amazonSelection } from "../amazon-marketplaces";
import { EBAY_CONSENT_SCOPES, ebayConsentUrl } from "../ebay-consent";

const EBAY_APP = { appId: "Marketsy-app-PRD-1234", ruName: "Marketsync-Marketsy-app-abcd" };
const AMAZON_APP = { applicationId: "amzn1.sp.solution.0b1c2d3e", draft: false };

describe("eBay consent URL", () => {
  it("GIVEN no upstream override WHEN built THEN it is eBay's authorize page with the RuName, scopes and state", () => {
    const url = new URL(ebayConsentUrl(EBAY_APP, "signed.state", undefined));
    expect(`${url.origin}${url.pathname}`).toBe("https://auth.ebay.com/oauth2/authorize");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: EBAY_APP.appId,
      redirect_uri: EBAY_APP.ruName,
      response_type: "code",
      state: "signed.state",
      scope: EBAY_CONSENT_SCOPES.join(" "),
    });
  });

  it("GIVEN EBAY_ENDPOINT WHEN built THEN the same path and query go to that origin", () => {
    const url = new URL(ebayConsentUrl(EBAY_APP, "s", "http://127.0.0.1:4101"));
    expect(url.origin).toBe("http://127.0.0.1:4101");
    expect(url.pathname).toBe("/oauth2/authorize");
    expect(url.searchParams.get("redirect_uri")).toBe(EBAY_APP.ruName);
  });
});

describe("Amazon consent URL", () => {
  it("GIVEN a French marketplace WHEN built THEN it is Seller Central Europe's consent page", () => {
    const url = new URL(
      amazonConsentUrl(AMAZON_APP, amazonMarketplace("A13V1IB3VIYZZH")!, "s", undefined),
    );
    expect(`${url.origin}${url.pathname}`).toBe(
      "https://sellercentral-europe.amazon.com/apps/authorize/consent",
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      application_id: AMAZON_APP.applicationId,
      state: "s",
    });
  });

  it("GIVEN a draft application WHEN built THEN it asks for version=beta", () => {
    const url = new URL(
      amazonConsentUrl(
        { ...AMAZON_APP, draft: true },
        amazonMarketplace("ATVPDKIKX0DER")!,
        "s",
        undefined,
      ),
    );
    expect(url.origin).toBe("https://sellercentral.amazon.com");
    expect(url.searchParams.get("version")).toBe("beta");
  });

  it("GIVEN AMAZON_ENDPOINT WHEN built THEN the consent page is on that origin", () => {
    const url = new URL(
      amazonConsentUrl(
        AMAZON_APP,
        amazonMarketplace("A1VC38T7YXB528")!,
        "s",
        "http://127.0.0.1:4102",
      ),
    );
    expect(`${url.origin}${url.pathname}`).toBe("http://127.0.0.1:4102/apps/authorize/consent");
  });
});

describe("Amazon marketplace choice", () => {
  it("GIVEN marketplaces of one region WHEN chosen THEN the region comes with them, duplicates once", () => {
    const selection = amazonSelection(["A13V1IB3VIYZZH", "A1PA6795UKMFR9", "A13V1IB3VIYZZH"]);
    expect(selection?.region).toBe("eu");
    expect(selection?.marketplaces.map((m) => m.country)).toEqual(["FR", "DE"]);
  });

  it.each([[[]], [["ATVPDKIKX0DER", "A13V1IB3VIYZZH"]], [["NOTAMARKETPLACE"]]])(
    "GIVEN the choice %j WHEN checked THEN it is refused",
    (ids) => {
      expect(amazonSelection(ids)).toBeUndefined();
    },
  );
});
