import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { EXPORT_LINK_TTL_MS, signExportLink, verifyExportLink } from "../../app/export-link.server";
import { generateKeySpec, parseKeyRing } from "../../db/encryption";

const keyring = parseKeyRing(generateKeySpec("k1"));
const storeId = randomUUID();
const query = "state=held%2Ctracking_confirmed&q=%231003";

describe("orders export link token", () => {
  it("GIVEN a link signed for a store WHEN verified THEN its store, filter and language come back", () => {
    const issued = new Date("2026-12-01T10:00:00Z");
    const token = signExportLink(keyring, { storeId, query, locale: "fr" }, issued);
    expect(verifyExportLink(keyring, token, new Date(issued.getTime() + 1_000))).toEqual({
      ok: true,
      link: {
        storeId,
        query,
        locale: "fr",
        expiresAt: new Date(issued.getTime() + EXPORT_LINK_TTL_MS),
      },
    });
  });

  it("GIVEN two links for the same request WHEN compared THEN they differ", () => {
    const a = signExportLink(keyring, { storeId, query, locale: "en" });
    const b = signExportLink(keyring, { storeId, query, locale: "en" });
    expect(a).not.toBe(b);
  });

  it("GIVEN a link WHEN its store or filter is changed THEN the signature fails", () => {
    const token = signExportLink(keyring, { storeId, query, locale: "en" });
    const [body, signature] = token.split(".");
    const payload = JSON.parse(Buffer.from(body!, "base64url").toString("utf8")) as {
      s: string;
      q: string;
    };
    for (const change of [{ s: randomUUID() }, { q: "" }]) {
      const forged = `${Buffer.from(JSON.stringify({ ...payload, ...change })).toString("base64url")}.${signature}`;
      expect(verifyExportLink(keyring, forged)).toEqual({ ok: false, problem: "bad_signature" });
    }
  });

  it("GIVEN a link signed by another key ring WHEN verified THEN the signature fails", () => {
    const other = parseKeyRing(generateKeySpec("k1"));
    const token = signExportLink(other, { storeId, query, locale: "en" });
    expect(verifyExportLink(keyring, token)).toEqual({ ok: false, problem: "bad_signature" });
  });

  it("GIVEN a link signed before a key rotation WHEN verified after it THEN it is still good", () => {
    const old = generateKeySpec("old");
    const token = signExportLink(parseKeyRing(old), { storeId, query, locale: "en" });
    const rotated = parseKeyRing(`${generateKeySpec("new")},${old}`);
    expect(verifyExportLink(rotated, token).ok).toBe(true);
  });

  it("GIVEN a link past its minute WHEN verified THEN it is expired, and still says its language", () => {
    const issued = new Date("2026-12-01T10:00:00Z");
    const token = signExportLink(keyring, { storeId, query, locale: "fr" }, issued);
    const before = new Date(issued.getTime() + EXPORT_LINK_TTL_MS - 1);
    const after = new Date(issued.getTime() + EXPORT_LINK_TTL_MS);
    expect(verifyExportLink(keyring, token, before).ok).toBe(true);
    expect(verifyExportLink(keyring, token, after)).toEqual({
      ok: false,
      problem: "expired",
      locale: "fr",
    });
  });

  it.each([null, "", "no-dot", ".sig", "!!!.sig", "a".repeat(9000)])(
    "GIVEN the malformed token %j WHEN verified THEN it is refused as malformed",
    (token) => {
      expect(verifyExportLink(keyring, token)).toEqual({ ok: false, problem: "malformed" });
    },
  );
});
