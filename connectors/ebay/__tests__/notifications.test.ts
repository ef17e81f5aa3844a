import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type EbaySimulator,
  expectedChallengeResponse,
  NOTIFICATION_BASE,
  startEbaySimulator,
} from "../../../test/simulators/ebay";
import { AuthRevoked, RateLimited, Transient } from "../../errors";
import {
  decodeEbaySignature,
  ebayChallengeResponse,
  EbayNotificationKeys,
  type EbayNotificationKeysOptions,
  parseEbayPublicKey,
  verifyEbayNotification,
} from "../notifications";

let sim: EbaySimulator;

beforeAll(async () => {
  sim = await startEbaySimulator({ scale: 1000 });
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(() => {
  sim.reset();
});

function keys(overrides: Partial<EbayNotificationKeysOptions> = {}) {
  return new EbayNotificationKeys({
    endpoint: sim.url,
    credentials: sim.app,
    timeoutMs: 2_000,
    ...overrides,
  });
}

const bytes = (text: string) => Buffer.from(text, "utf8");
const UNKNOWN_KID = "00000000-0000-4000-8000-000000000000";
const publicKeyCalls = () => sim.server.exchangesFor("getPublicKey").length;

/** The simulator's header with one field changed (still well-formed base64 JSON). */
function withHeaderField(header: string, field: string, value: string): string {
  const decoded = JSON.parse(Buffer.from(header, "base64").toString("utf8")) as Record<
    string,
    string
  >;
  return Buffer.from(JSON.stringify({ ...decoded, [field]: value })).toString("base64");
}

describe("eBay notification signatures", () => {
  it("GIVEN a notification signed by eBay WHEN verified THEN it is valid, with one application token and one key fetch", async () => {
    const n = sim.accountDeletionNotification({ username: "gone_buyer" });
    const source = keys();

    const outcome = await verifyEbayNotification(
      source,
      bytes(n.rawBody),
      n.headers["x-ebay-signature"],
    );

    expect(outcome).toEqual({ valid: true, kid: sim.notificationKeyId() });
    expect(sim.applicationTokenCount()).toBe(1);
    const [tokenCall] = sim.server.exchangesFor("identity.token");
    expect(tokenCall!.request.body).toMatchObject({
      grant_type: "client_credentials",
      scope: "https://api.ebay.com/oauth/api_scope",
    });
    const [keyCall] = sim.server.exchangesFor("getPublicKey");
    expect(keyCall!.request.path).toBe(
      `${NOTIFICATION_BASE}/public_key/${sim.notificationKeyId()}`,
    );
    expect(keyCall!.request.headers.authorization).toMatch(/^Bearer /);
  });

  it("GIVEN a verified key WHEN more notifications arrive THEN the cached key is used and eBay is not asked again", async () => {
    const source = keys();
    for (let i = 0; i < 5; i++) {
      const n = sim.accountDeletionNotification({ username: `user_${i}` });
      const outcome = await verifyEbayNotification(
        source,
        bytes(n.rawBody),
        n.headers["x-ebay-signature"],
      );
      expect(outcome.valid).toBe(true);
    }
    expect(publicKeyCalls()).toBe(1);
    expect(sim.applicationTokenCount()).toBe(1);
  });

  it("GIVEN ten notifications at once for a new key WHEN verified together THEN one token and one key fetch serve them all", async () => {
    const source = keys();
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => {
        const n = sim.accountDeletionNotification({ username: `burst_${i}` });
        return verifyEbayNotification(source, bytes(n.rawBody), n.headers["x-ebay-signature"]);
      }),
    );
    expect(outcomes.every((o) => o.valid)).toBe(true);
    expect(publicKeyCalls()).toBe(1);
    expect(sim.applicationTokenCount()).toBe(1);
  });

  it("GIVEN a body changed after signing WHEN verified THEN it is a mismatch", async () => {
    const n = sim.accountDeletionNotification({ username: "victim" });
    const tampered = n.rawBody.replace("victim", "someone_else");
    const outcome = await verifyEbayNotification(
      keys(),
      bytes(tampered),
      n.headers["x-ebay-signature"],
    );
    expect(outcome).toEqual({ valid: false, reason: "mismatch" });
  });

  it("GIVEN a body that was re-formatted in transit WHEN verified THEN its compact form matches eBay's signature", async () => {
    const n = sim.accountDeletionNotification({ username: "pretty" });
    const pretty = JSON.stringify(JSON.parse(n.rawBody), null, 2);
    const outcome = await verifyEbayNotification(
      keys(),
      bytes(pretty),
      n.headers["x-ebay-signature"],
    );
    expect(outcome.valid).toBe(true);
  });

  it("GIVEN a header naming a key id eBay does not know WHEN verified THEN it is an unknown key (eBay's 404 195001)", async () => {
    const n = sim.accountDeletionNotification({ username: "x" });
    const header = withHeaderField(
      n.headers["x-ebay-signature"]!,
      "kid",
      "00000000-0000-4000-8000-000000000000",
    );
    const outcome = await verifyEbayNotification(keys(), bytes(n.rawBody), header);
    expect(outcome).toEqual({ valid: false, reason: "unknown_key" });
    const [call] = sim.server.exchangesFor("getPublicKey");
    expect(call!.response.status).toBe(404);
    expect(call!.response.body).toMatchObject({ errors: [{ errorId: 195001 }] });
  });

  it("GIVEN a signature by another key id of eBay WHEN verified THEN it is a mismatch", async () => {
    const n = sim.accountDeletionNotification({ username: "x" });
    const oldKid = sim.notificationKeyId();
    const newKid = sim.rotateNotificationKey();
    expect(newKid).not.toBe(oldKid);
    const header = withHeaderField(n.headers["x-ebay-signature"]!, "kid", newKid);
    const outcome = await verifyEbayNotification(keys(), bytes(n.rawBody), header);
    expect(outcome).toEqual({ valid: false, reason: "mismatch" });
  });

  it("GIVEN a missing, garbled or non-ECDSA header WHEN verified THEN each is refused before eBay is called", async () => {
    const n = sim.accountDeletionNotification({ username: "x" });
    const header = n.headers["x-ebay-signature"]!;
    const source = keys();
    const body = bytes(n.rawBody);
    expect(await verifyEbayNotification(source, body, null)).toEqual({
      valid: false,
      reason: "missing",
    });
    expect(await verifyEbayNotification(source, body, "not base64 at all!")).toEqual({
      valid: false,
      reason: "malformed",
    });
    expect(
      await verifyEbayNotification(source, body, Buffer.from("{broken").toString("base64")),
    ).toEqual({ valid: false, reason: "malformed" });
    expect(
      await verifyEbayNotification(source, body, withHeaderField(header, "kid", "../../etc")),
    ).toEqual({ valid: false, reason: "malformed" });
    expect(
      await verifyEbayNotification(source, body, withHeaderField(header, "alg", "rsa")),
    ).toEqual({ valid: false, reason: "unsupported_algorithm" });
    expect(publicKeyCalls()).toBe(0);
  });

  it("GIVEN a header whose digest differs from the key's WHEN verified THEN it is refused", async () => {
    const n = sim.accountDeletionNotification({ username: "x" });
    const header = withHeaderField(n.headers["x-ebay-signature"]!, "digest", "MD5");
    expect(await verifyEbayNotification(keys(), bytes(n.rawBody), header)).toEqual({
      valid: false,
      reason: "unsupported_algorithm",
    });
  });

  it("GIVEN a signature that is not DER WHEN verified THEN it is a mismatch, not a crash", async () => {
    const n = sim.accountDeletionNotification({ username: "x" });
    const header = withHeaderField(
      n.headers["x-ebay-signature"]!,
      "signature",
      Buffer.from("definitely not der").toString("base64"),
    );
    expect(await verifyEbayNotification(keys(), bytes(n.rawBody), header)).toEqual({
      valid: false,
      reason: "mismatch",
    });
  });
});

describe("eBay notification key cache", () => {
  it("GIVEN a cached key WHEN its time to live has passed THEN it is fetched again", async () => {
    let now = Date.now();
    const source = keys({ ttlMs: 60_000, now: () => now });
    const kid = sim.notificationKeyId();
    await source.get(kid);
    now += 59_000;
    await source.get(kid);
    expect(publicKeyCalls()).toBe(1);
    now += 2_000;
    await source.get(kid);
    expect(publicKeyCalls()).toBe(2);
  });

  it("GIVEN more key ids than the cache holds WHEN the least recently used one is asked again THEN it is fetched again", async () => {
    const source = keys({ maxKeys: 2 });
    const a = sim.notificationKeyId();
    const b = sim.rotateNotificationKey();
    const c = sim.rotateNotificationKey();
    await source.get(a);
    await source.get(b);
    await source.get(a); // a is now the most recent
    await source.get(c); // evicts b
    expect(publicKeyCalls()).toBe(3);
    await source.get(a);
    expect(publicKeyCalls()).toBe(3);
    await source.get(b);
    expect(publicKeyCalls()).toBe(4);
  });

  it("GIVEN two notifications naming the same key id eBay does not know WHEN verified THEN eBay is asked once; after ten minutes it is asked again", async () => {
    let now = Date.now();
    const source = keys({ now: () => now });
    const n = sim.accountDeletionNotification({ username: "x" });
    const header = withHeaderField(n.headers["x-ebay-signature"]!, "kid", UNKNOWN_KID);
    const verifyOnce = () => verifyEbayNotification(source, bytes(n.rawBody), header);

    expect(await verifyOnce()).toEqual({ valid: false, reason: "unknown_key" });
    expect(await verifyOnce()).toEqual({ valid: false, reason: "unknown_key" });
    expect(publicKeyCalls()).toBe(1);

    now += 9 * 60_000;
    expect(await verifyOnce()).toEqual({ valid: false, reason: "unknown_key" });
    expect(publicKeyCalls()).toBe(1);

    now += 2 * 60_000;
    expect(await verifyOnce()).toEqual({ valid: false, reason: "unknown_key" });
    expect(publicKeyCalls()).toBe(2);
  });

  it("GIVEN more unknown key ids than are remembered WHEN the oldest is asked again THEN eBay is asked again, and the newest is still remembered", async () => {
    const source = keys({ maxUnknownKeys: 2 });
    const [a, b, c] = ["a", "b", "c"].map((s) => `00000000-0000-4000-8000-00000000000${s}`);
    for (const kid of [a, b, c]) await expect(source.get(kid!)).resolves.toBeUndefined();
    expect(publicKeyCalls()).toBe(3);

    await source.get(c!);
    expect(publicKeyCalls()).toBe(3);
    await source.get(a!);
    expect(publicKeyCalls()).toBe(4);
  });

  it("GIVEN a key id eBay did not know WHEN eBay publishes it after the unknown time to live THEN it is fetched and verifies", async () => {
    let now = Date.now();
    const source = keys({ unknownKeyTtlMs: 1_000, now: () => now });
    const n = sim.accountDeletionNotification({ username: "x" });
    const kid = sim.notificationKeyId();
    sim.server.injectFault({ operation: "getPublicKey", kind: "status", status: 404, times: 1 });
    await expect(source.get(kid)).resolves.toBeUndefined();

    now += 1_001;
    const outcome = await verifyEbayNotification(
      source,
      bytes(n.rawBody),
      n.headers["x-ebay-signature"],
    );

    expect(outcome).toEqual({ valid: true, kid });
    expect(publicKeyCalls()).toBe(2);
  });

  it("GIVEN eBay failing with 500 WHEN a key is needed THEN Transient is thrown, nothing is cached, and the next call succeeds", async () => {
    sim.server.injectFault({ operation: "getPublicKey", kind: "status", status: 500, times: 1 });
    const source = keys();
    const kid = sim.notificationKeyId();
    await expect(source.get(kid)).rejects.toBeInstanceOf(Transient);
    await expect(source.get(kid)).resolves.toMatchObject({ algorithm: "ECDSA", digest: "SHA1" });
    expect(publicKeyCalls()).toBe(2);
  });

  it("GIVEN eBay throttling getPublicKey WHEN a key is needed THEN RateLimited is thrown", async () => {
    sim.server.injectFault({
      operation: "getPublicKey",
      kind: "status",
      status: 429,
      body: { errors: [{ errorId: 2001, domain: "ACCESS", message: "Too many requests." }] },
      times: 1,
    });
    await expect(keys().get(sim.notificationKeyId())).rejects.toBeInstanceOf(RateLimited);
  });

  it("GIVEN an application token eBay no longer accepts WHEN a key is fetched THEN a new token is minted once and the call succeeds", async () => {
    const source = keys();
    const first = sim.notificationKeyId();
    await source.get(first);
    sim.expireAccessTokens();
    await expect(source.get(sim.rotateNotificationKey())).resolves.toBeDefined();
    expect(sim.applicationTokenCount()).toBe(2);
    expect(sim.server.exchangesFor("getPublicKey").map((e) => e.response.status)).toEqual([
      200, 401, 200,
    ]);
  });

  it("GIVEN an application token close to its expiry WHEN a key is fetched THEN a new token is minted first", async () => {
    let now = Date.now();
    const source = keys({ now: () => now });
    await source.get(sim.notificationKeyId());
    now += 7_200_000 - 30_000; // inside the 60 s skew
    await source.get(sim.rotateNotificationKey());
    expect(sim.applicationTokenCount()).toBe(2);
    expect(sim.server.exchangesFor("getPublicKey").every((e) => e.response.status === 200)).toBe(
      true,
    );
  });

  it("GIVEN wrong application credentials WHEN a key is fetched THEN AuthRevoked is thrown", async () => {
    const source = keys({ credentials: { appId: sim.app.appId, certId: "wrong" } });
    await expect(source.get(sim.notificationKeyId())).rejects.toBeInstanceOf(AuthRevoked);
  });

  it("GIVEN the simulated eBay WHEN getPublicKey is called with a seller's user token, or an application token is asked for a Sell scope THEN both are refused as eBay does", async () => {
    const seller = sim.addAccount({ username: "notif_seller" });
    const withUserToken = await fetch(
      `${sim.url}${NOTIFICATION_BASE}/public_key/${sim.notificationKeyId()}`,
      { headers: { authorization: `Bearer ${seller.accessToken}` } },
    );
    expect(withUserToken.status).toBe(403);
    const sellScope = await fetch(`${sim.url}/identity/v1/oauth2/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${sim.app.appId}:${sim.app.certId}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        scope: "https://api.ebay.com/oauth/api_scope/sell.fulfillment",
      }),
    });
    expect(sellScope.status).toBe(400);
    expect(await sellScope.json()).toMatchObject({ error: "invalid_scope" });
  });

  it("GIVEN an unreadable key answer WHEN parsed THEN Transient is thrown", () => {
    expect(() => parseEbayPublicKey({ algorithm: "ECDSA", digest: "SHA1", key: "nope" })).toThrow(
      Transient,
    );
    expect(() =>
      parseEbayPublicKey({
        algorithm: "ECDSA",
        digest: "SHA1",
        key: "-----BEGIN PUBLIC KEY-----AAAA-----END PUBLIC KEY-----",
      }),
    ).toThrow(Transient);
  });
});

describe("eBay notification helpers", () => {
  it("GIVEN a challenge code, token and endpoint WHEN answered THEN it is hex SHA-256 of their concatenation, as eBay computes it", () => {
    const code = "a8628072-3d33-45ee-9004-bee86830a22d";
    const token = "my-verification-token_0123456789abcdef";
    const endpoint = "https://marketsync.example/webhooks/ebay/account-deletion";
    const answer = ebayChallengeResponse(code, token, endpoint);
    expect(answer).toBe(createHash("sha256").update(`${code}${token}${endpoint}`).digest("hex"));
    expect(answer).toBe(expectedChallengeResponse(code, token, endpoint));
    expect(answer).toMatch(/^[0-9a-f]{64}$/);
  });

  it("GIVEN the simulator's header WHEN decoded THEN it has eBay's four fields", () => {
    const n = sim.accountDeletionNotification({ username: "x" });
    expect(decodeEbaySignature(n.headers["x-ebay-signature"])).toEqual({
      alg: "ecdsa",
      kid: sim.notificationKeyId(),
      signature: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/),
      digest: "SHA1",
    });
  });
});
