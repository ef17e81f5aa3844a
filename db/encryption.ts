import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";

/**
 * AES-256-GCM for tokens, credentials and buyer PII at rest.
 *
 * Ciphertext format: `enc:v1:<kid>:<iv>:<tag>:<data>` (base64url parts). The key id lets us rotate:
 * new writes use the first key of the ring, reads find any key still listed, and
 * `needsReencryption` tells a maintenance job which values to rewrite.
 */

const PREFIX = "enc:v1:";
const KID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

export class EncryptionKeyError extends Error {
  override name = "EncryptionKeyError";
}

export class DecryptionError extends Error {
  override name = "DecryptionError";
}

export interface KeyRing {
  readonly activeKid: string;
  encrypt(plaintext: string, context?: string): string;
  decrypt(ciphertext: string, context?: string): string;
  isEncrypted(value: string): boolean;
  needsReencryption(ciphertext: string): boolean;
  /**
   * A keyed hash (HMAC-SHA256 under a key derived from the active key) to find rows by a personal
   * value (an eBay user id) without storing it: `kid:hex`. Not reversible without the key.
   */
  blindIndex(value: string, context: string): string;
  /** The value's blind index under every key of the ring, to look rows up across a key rotation. */
  blindIndexes(value: string, context: string): string[];
}

/**
 * Parses `kid:base64key[,kid:base64key...]`; the first entry encrypts, all of them decrypt.
 * Keys are 32 random bytes, e.g. `openssl rand -base64 32`.
 */
export function parseKeyRing(spec: string): KeyRing {
  const keys = new Map<string, Buffer>();
  const entries = spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new EncryptionKeyError("no key given");
  for (const entry of entries) {
    const sep = entry.indexOf(":");
    if (sep <= 0) throw new EncryptionKeyError("each key must be written kid:base64key");
    const kid = entry.slice(0, sep);
    if (!KID_PATTERN.test(kid)) {
      throw new EncryptionKeyError(`key id "${kid}" must be 1-32 letters, digits, - or _`);
    }
    const key = Buffer.from(entry.slice(sep + 1), "base64");
    if (key.length !== 32) {
      throw new EncryptionKeyError(`key "${kid}" must decode to 32 bytes, got ${key.length}`);
    }
    if (keys.has(kid)) throw new EncryptionKeyError(`key id "${kid}" appears twice`);
    keys.set(kid, key);
  }
  return createKeyRing(entries[0]!.slice(0, entries[0]!.indexOf(":")), keys);
}

export function generateKeySpec(kid = "k1"): string {
  return `${kid}:${randomBytes(32).toString("base64")}`;
}

function createKeyRing(activeKid: string, keys: Map<string, Buffer>): KeyRing {
  const activeKey = keys.get(activeKid)!;
  // A separate key for hashing, so the encryption key is never used for two purposes.
  const indexKeys = new Map(
    [...keys].map(([kid, key]) => [
      kid,
      Buffer.from(hkdfSync("sha256", key, Buffer.alloc(0), "marketsync blind index", 32)),
    ]),
  );
  const indexWith = (kid: string, value: string, context: string) =>
    `${kid}:${createHmac("sha256", indexKeys.get(kid)!)
      .update(`${context}\0${value.normalize("NFC").trim().toLowerCase()}`)
      .digest("hex")}`;
  return {
    blindIndex: (value, context) => indexWith(activeKid, value, context),
    blindIndexes: (value, context) => [
      indexWith(activeKid, value, context),
      ...[...keys.keys()].filter((k) => k !== activeKid).map((k) => indexWith(k, value, context)),
    ],
    activeKid,
    encrypt(plaintext, context = "") {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", activeKey, iv);
      // The context (e.g. "stores.access_token") is authenticated, so a ciphertext copied into
      // another column fails to decrypt instead of leaking there.
      cipher.setAAD(Buffer.from(context, "utf8"));
      const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      const tag = cipher.getAuthTag();
      return `${PREFIX}${activeKid}:${b64(iv)}:${b64(tag)}:${b64(data)}`;
    },
    decrypt(ciphertext, context = "") {
      const parts = parse(ciphertext);
      const key = keys.get(parts.kid);
      if (!key) throw new DecryptionError(`no key with id "${parts.kid}" in the key ring`);
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, parts.iv);
        decipher.setAAD(Buffer.from(context, "utf8"));
        decipher.setAuthTag(parts.tag);
        return Buffer.concat([decipher.update(parts.data), decipher.final()]).toString("utf8");
      } catch {
        throw new DecryptionError("ciphertext failed authentication (wrong key, context or data)");
      }
    },
    isEncrypted(value) {
      return value.startsWith(PREFIX);
    },
    needsReencryption(ciphertext) {
      return parse(ciphertext).kid !== activeKid;
    },
  };
}

function parse(ciphertext: string) {
  if (!ciphertext.startsWith(PREFIX)) throw new DecryptionError("value is not encrypted");
  const [kid, iv, tag, data, ...rest] = ciphertext.slice(PREFIX.length).split(":");
  if (!kid || !iv || !tag || data === undefined || rest.length > 0) {
    throw new DecryptionError("malformed ciphertext");
  }
  return {
    kid,
    iv: Buffer.from(iv, "base64url"),
    tag: Buffer.from(tag, "base64url"),
    data: Buffer.from(data, "base64url"),
  };
}

function b64(buf: Buffer): string {
  return buf.toString("base64url");
}
