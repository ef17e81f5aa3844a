import { describe, expect, it } from "vitest";
import { formatMarketplaceStatus } from "../../app/i18n/marketplace-status";

describe("marketplace order statuses in words", () => {
  it("GIVEN eBay's payment/fulfillment pair WHEN shown THEN in words, with the code beside them", () => {
    expect(formatMarketplaceStatus("en", "PAID/NOT_STARTED")).toBe(
      "Paid, not shipped (PAID/NOT_STARTED)",
    );
    expect(formatMarketplaceStatus("fr", "PAID/FULFILLED/CANCEL_IN_PROGRESS")).toBe(
      "Payée, expédiée, annulation en cours (PAID/FULFILLED/CANCEL_IN_PROGRESS)",
    );
  });

  it("GIVEN Amazon's status WHEN shown THEN in words", () => {
    expect(formatMarketplaceStatus("fr", "UNSHIPPED")).toBe("Non expédiée (UNSHIPPED)");
  });

  it("GIVEN a code this version does not know WHEN shown THEN the raw status, not a half translation", () => {
    expect(formatMarketplaceStatus("en", "PAID/SOMETHING_NEW")).toBe("PAID/SOMETHING_NEW");
    expect(formatMarketplaceStatus("en", "UNKNOWN")).toBe("UNKNOWN");
  });
});
