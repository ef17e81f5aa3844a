import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { OAUTH_STATE_TTL_MS, signOAuthState, verifyOAuthState } from "../../app/oauth-state.server";
import { generateKeySpec, parseKeyRing } from "../../db/encryption";

const keyring = parseKeyRing(generateKeySpec("k1"));
const storeId = randomUUID();

describe("OAuth state", () => {
  it("GIVEN a state signed for a store WHEN verified for that store THEN its contents come back", () => {
    const accountId = randomUUID();
    const token = signOAuthState(keyring, {
      platform: "amazon",
      storeId,
      reconnectAccountId: accountId,
      region: "eu",
      marketplaceIds: ["A13V1IB3VIYZZH", "A1PA6795UKMFR9"],
    });
    const result = verifyOAuthState(keyring, token, { platform: "amazon", storeId });
    expect(result).toMatchObject({
      ok: true,
      state: {
        platform: "amazon",
        storeId,
        reconnectAccountId: accountId,
        region: "eu",
        marketplaceIds: ["A13V1IB3VIYZZH", "A1PA6795UKMFR9"],
      },
    });
  });

  it("GIVEN two states for the same request WHEN compared THEN they differ", () => {
    const a = signOAuthState(keyring, { platform: "ebay", storeId });
    const b = signOAuthState(keyring, { platform: "ebay", storeId });
    expect(a).not.toBe(b);
  });

  it("GIVEN a state WHEN its payload is changed THEN the signature fails", () => {
    const token = signOAuthState(keyring, { platform: "ebay", storeId });
    const [body, signature] = token.split(".");
    const payload = JSON.parse(Buffer.from(body!, "base64url").toString("utf8")) as {
      s: string;
    };
    payload.s = randomUUID();
    const forged = `${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${signature}`;
    expect(verifyOAuthState(keyring, forged, { platform: "ebay" })).toEqual({
      ok: false,
      problem: "bad_signature",
    });
  });

  it("GIVEN a state WHEN the case of its payload is changed THEN it is refused", () => {
    const token = signOAuthState(keyring, { platform: "ebay", storeId });
    const [body, signature] = token.split(".");
    const swapped = body!.replace(/[a-z]/, (c) => c.toUpperCase());
    const result = verifyOAuthState(keyring, `${swapped}.${signature}`, { platform: "ebay" });
    expect(result.ok).toBe(false);
  });

  it("GIVEN a state signed by another key ring WHEN verified THEN the signature fails", () => {
    const other = parseKeyRing(generateKeySpec("k1"));
    const token = signOAuthState(other, { platform: "ebay", storeId });
    expect(verifyOAuthState(keyring, token, { platform: "ebay" })).toMatchObject({
      problem: "bad_signature",
    });
  });

  it("GIVEN a state signed before a key rotation WHEN verified after it THEN it is still good", () => {
    const old = generateKeySpec("old");
    const token = signOAuthState(parseKeyRing(old), { platform: "ebay", storeId });
    const rotated = parseKeyRing(`${generateKeySpec("new")},${old}`);
    expect(verifyOAuthState(rotated, token, { platform: "ebay" }).ok).toBe(true);
  });

  it("GIVEN a state past its lifetime WHEN verified THEN it is expired", () => {
    const issued = new Date("2026-11-30T10:00:00Z");
    const token = signOAuthState(keyring, { platform: "ebay", storeId }, issued);
    const later = new Date(issued.getTime() + OAUTH_STATE_TTL_MS + 1);
    const before = new Date(issued.getTime() + OAUTH_STATE_TTL_MS - 1);
    expect(verifyOAuthState(keyring, token, { platform: "ebay", now: before }).ok).toBe(true);
    expect(verifyOAuthState(keyring, token, { platform: "ebay", now: later })).toEqual({
      ok: false,
      problem: "expired",
    });
  });

  it("GIVEN another store's state WHEN verified for this store THEN it is refused", () => {
    const token = signOAuthState(keyring, { platform: "ebay", storeId: randomUUID() });
    expect(verifyOAuthState(keyring, token, { platform: "ebay", storeId })).toEqual({
      ok: false,
      problem: "other_store",
    });
  });

  it("GIVEN an eBay state WHEN presented to the Amazon callback THEN it is refused", () => {
    const token = signOAuthState(keyring, { platform: "ebay", storeId });
    expect(verifyOAuthState(keyring, token, { platform: "amazon", storeId })).toMatchObject({
      problem: "wrong_platform",
    });
  });

  it.each([null, "", "no-dot", ".sig", "!!!.sig", "a".repeat(3000)])(
    "GIVEN the malformed state %j WHEN verified THEN it is refused as malformed",
    (token) => {
      expect(verifyOAuthState(keyring, token, { platform: "ebay" })).toEqual({
        ok: false,
        problem: "malformed",
      });
    },
  );
});
