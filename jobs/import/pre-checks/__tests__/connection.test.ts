import { describe, expect, it } from "vitest";
import { formatReason } from "../../../../app/i18n/reasons";
import { checkConnection } from "../connection";

describe("connection pre-check", () => {
  it("GIVEN an active account WHEN checking THEN it passes", () => {
    expect(checkConnection({ accountStatus: "active" })).toEqual({ result: "pass", reasons: [] });
  });

  it.each(["needs_reconnect", "disconnected"] as const)(
    "GIVEN a %s account WHEN checking THEN the order waits for the merchant to reconnect",
    (accountStatus) => {
      const outcome = checkConnection({ accountStatus });
      expect(outcome).toEqual({ result: "wait", reasons: [{ code: "account.reconnect" }] });
      expect(formatReason("en", outcome.reasons[0]!)).toBe(
        "The marketplace account must be reconnected before its orders can be imported",
      );
    },
  );
});
