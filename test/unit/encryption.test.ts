import { describe, expect, it } from "vitest";
import {
  DecryptionError,
  EncryptionKeyError,
  generateKeySpec,
  parseKeyRing,
} from "../../db/encryption";

describe("encryption at rest", () => {
  const ring = parseKeyRing(generateKeySpec("k1"));

  it("GIVEN a token WHEN encrypted THEN the ciphertext hides it and decrypts back", () => {
    const token = "shpat_0123456789abcdef";
    const ciphertext = ring.encrypt(token, "stores.access_token");
    expect(ciphertext).not.toContain(token);
    expect(ciphertext.startsWith("enc:v1:k1:")).toBe(true);
    expect(ring.decrypt(ciphertext, "stores.access_token")).toBe(token);
  });

  it("GIVEN the same plaintext twice WHEN encrypted THEN the ciphertexts differ (random IV)", () => {
    expect(ring.encrypt("same")).not.toBe(ring.encrypt("same"));
  });

  it("GIVEN a ciphertext WHEN decrypted under another column's context THEN it fails", () => {
    const ciphertext = ring.encrypt("secret", "stores.access_token");
    expect(() => ring.decrypt(ciphertext, "marketplace_orders.buyer")).toThrow(DecryptionError);
  });

  it("GIVEN a tampered ciphertext WHEN decrypted THEN authentication fails", () => {
    const ciphertext = ring.encrypt("secret");
    const parts = ciphertext.split(":");
    const data = Buffer.from(parts[5]!, "base64url");
    data[0] = data[0]! ^ 1;
    parts[5] = data.toString("base64url");
    expect(() => ring.decrypt(parts.join(":"))).toThrow(DecryptionError);
    expect(() => ring.decrypt("plain text")).toThrow(DecryptionError);
  });

  it("GIVEN a rotated key ring WHEN reading old values THEN they decrypt and are flagged for re-encryption", () => {
    const oldSpec = generateKeySpec("old");
    const oldRing = parseKeyRing(oldSpec);
    const ciphertext = oldRing.encrypt("refresh-token");
    const rotated = parseKeyRing(`${generateKeySpec("new")},${oldSpec}`);
    expect(rotated.activeKid).toBe("new");
    expect(rotated.decrypt(ciphertext)).toBe("refresh-token");
    expect(rotated.needsReencryption(ciphertext)).toBe(true);
    expect(rotated.needsReencryption(rotated.encrypt("x"))).toBe(false);
    // A ring that dropped the old key can no longer read it: say which key is missing.
    expect(() => parseKeyRing(generateKeySpec("new")).decrypt(ciphertext)).toThrow(/"old"/);
  });

  it.each([
    ["", /no key/],
    ["nokid", /kid:base64key/],
    ["k1:c2hvcnQ=", /32 bytes/],
    ["bad kid!:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", /key id/],
  ])("GIVEN key spec %j WHEN parsed THEN it is rejected", (spec, message) => {
    expect(() => parseKeyRing(spec)).toThrow(EncryptionKeyError);
    expect(() => parseKeyRing(spec)).toThrow(message);
  });
});
