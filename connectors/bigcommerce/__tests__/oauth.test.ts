import { createHmac } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  startBigCommerceSimulator,
  type BigCommerceSimulator,
} from "../../../test/simulators/bigcommerce";
import { RateLimited, Rejected, Transient } from "../../errors";
import { RateLimitRegistry } from "../../rate-limit/registry";
import { createBigCommerceConnector } from "../client";
import {
  exchangeAuthCode,
  verifyLegacySignedPayload,
  verifySignedPayloadJwt,
  type BigCommerceAppCredentials,
} from "../oauth";

const APP = { clientId: "client-abc", clientSecret: "secret-xyz" };
const REDIRECT = "https://app.example.com/auth/bigcommerce/callback";
let sim: BigCommerceSimulator;

const credentials = (over: Partial<BigCommerceAppCredentials> = {}): BigCommerceAppCredentials => ({
  ...APP,
  redirectUri: REDIRECT,
  endpoint: sim.url,
  timeoutMs: 500,
  ...over,
});

beforeAll(async () => {
  sim = await startBigCommerceSimulator({ scale: 100 });
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(() => {
  sim.reset();
  sim.createStore({ hash: "store9" });
  sim.seedProduct("store9", { name: "Cap", price: 8, variants: [{ sku: "CAP" }] });
  sim.registerApp({ ...APP, redirectUri: REDIRECT });
});

describe("BigCommerce app install (node-bigcommerce transport, routed to the endpoint)", () => {
  it("GIVEN the code from the auth callback WHEN exchanged THEN the token works on the store's API", async () => {
    const query = sim.issueAuthCode(APP.clientId, "store9");
    const grant = await exchangeAuthCode(credentials(), query);
    expect(grant).toMatchObject({
      storeHash: "store9",
      context: "stores/store9",
      scope: query.scope,
    });
    expect(grant.user.email).toBe("merchant@example.com");
    const request = sim.server.exchangesFor("oauthToken")[0]!.request;
    expect(request.body).toEqual({
      client_id: APP.clientId,
      client_secret: APP.clientSecret,
      redirect_uri: REDIRECT,
      grant_type: "authorization_code",
      code: query.code,
      scope: query.scope,
      context: "stores/store9",
    });
    const connector = createBigCommerceConnector({
      storeHash: grant.storeHash,
      accessToken: grant.accessToken,
      endpoint: sim.url,
      queues: new RateLimitRegistry({ scale: 100 }),
      accountKey: grant.storeHash,
    });
    expect((await connector.findVariantsBySku(["CAP"])).get("CAP")).toHaveLength(1);
  });

  it("GIVEN a used code or a wrong secret WHEN exchanged THEN Rejected with the login service's message", async () => {
    const query = sim.issueAuthCode(APP.clientId, "store9");
    await exchangeAuthCode(credentials(), query);
    const reused = await exchangeAuthCode(credentials(), query).catch((e: unknown) => e);
    expect(reused).toBeInstanceOf(Rejected);
    expect((reused as Rejected).vendorMessage).toBe("Invalid verification code.");
    const wrongSecret = await exchangeAuthCode(
      credentials({ clientSecret: "nope" }),
      sim.issueAuthCode(APP.clientId, "store9"),
    ).catch((e: unknown) => e);
    expect(wrongSecret).toBeInstanceOf(Rejected);
    expect((wrongSecret as Rejected).status).toBe(401);
  });

  it("GIVEN a token endpoint answering 429 forever without X-Retry-After WHEN exchanged THEN one attempt and RateLimited (the library's retry loop is off)", async () => {
    sim.server.injectFault({
      operation: "oauthToken",
      kind: "status",
      status: 429,
      times: 0,
      body: { error: "slow down" },
    });
    const error = await exchangeAuthCode(
      credentials(),
      sim.issueAuthCode(APP.clientId, "store9"),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimited);
    await new Promise((r) => setTimeout(r, 100)); // a looping client would have sent more by now
    expect(sim.server.exchangesFor("oauthToken")).toHaveLength(1);
  });

  it("GIVEN a reset connection or a silent server WHEN exchanged THEN Transient, within the timeout", async () => {
    sim.server.injectFault({ operation: "oauthToken", kind: "reset" });
    await expect(
      exchangeAuthCode(credentials(), sim.issueAuthCode(APP.clientId, "store9")),
    ).rejects.toBeInstanceOf(Transient);
    sim.server.injectFault({ operation: "oauthToken", kind: "timeout" });
    const started = Date.now();
    await expect(
      exchangeAuthCode(credentials({ timeoutMs: 200 }), sim.issueAuthCode(APP.clientId, "store9")),
    ).rejects.toBeInstanceOf(Transient);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

function jwt(claims: Record<string, unknown>, secret = APP.clientSecret, alg = "HS256"): string {
  const header = Buffer.from(JSON.stringify({ typ: "JWT", alg })).toString("base64url");
  const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
  const signature = createHmac("sha256", secret).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

describe("signed payloads", () => {
  const now = new Date("2026-05-01T12:00:00Z");
  const t = Math.floor(now.getTime() / 1000);
  const good = {
    aud: APP.clientId,
    iss: "bc",
    iat: t - 5,
    nbf: t - 10,
    exp: t + 3600,
    sub: "stores/store9",
    user: { id: 1, email: "m@example.com", locale: "en" },
    owner: { id: 1, email: "m@example.com" },
    url: "/",
    channel_id: null,
  };

  it("GIVEN a signed_payload_jwt signed with our secret WHEN verified THEN the store and user are returned", () => {
    const claims = verifySignedPayloadJwt(jwt(good), APP, now);
    expect(claims.storeHash).toBe("store9");
    expect(claims.user.email).toBe("m@example.com");
  });

  it.each([
    ["another app's audience", jwt({ ...good, aud: "other" }), /audience/],
    ["a wrong secret", jwt(good, "other-secret"), /bad signature/],
    ["an expired token", jwt({ ...good, exp: t - 120 }), /expired/],
    ["another issuer", jwt({ ...good, iss: "evil" }), /issuer/],
    ["alg none", jwt(good, APP.clientSecret, "none"), /alg/],
    ["garbage", "a.b", /not a JWT/],
  ])("GIVEN %s WHEN verified THEN Rejected", (_label, token, message) => {
    expect(() => verifySignedPayloadJwt(token, APP, now)).toThrow(Rejected);
    expect(() => verifySignedPayloadJwt(token, APP, now)).toThrow(message);
  });

  const { user: _user, ...withoutUser } = good;
  it.each([
    ["no user claim", jwt(withoutUser)],
    ["a user without an id", jwt({ ...good, user: { email: "m@example.com" } })],
    ["a user id that is a string", jwt({ ...good, user: { id: "1", email: "m@example.com" } })],
    ["a user id of zero", jwt({ ...good, user: { id: 0, email: "m@example.com" } })],
    ["a user id that is a fraction", jwt({ ...good, user: { id: 1.5, email: "m@example.com" } })],
    ["a user without an email", jwt({ ...good, user: { id: 1 } })],
    ["a locale that is not a string", jwt({ ...good, user: { ...good.user, locale: 7 } })],
    ["a user that is a string", jwt({ ...good, user: "m@example.com" })],
    ["an owner without an id", jwt({ ...good, owner: { email: "m@example.com" } })],
    ["a channel id that is a string", jwt({ ...good, channel_id: "1" })],
    ["claims that are null", jwt(null as never)],
    ["claims that are an array", jwt([good] as never)],
  ])(
    "GIVEN a signed_payload_jwt signed with our secret but with %s WHEN verified THEN Rejected for its claims",
    (_label, token) => {
      expect(() => verifySignedPayloadJwt(token, APP, now)).toThrow(Rejected);
      expect(() => verifySignedPayloadJwt(token, APP, now)).toThrow(/claims/);
    },
  );

  it("GIVEN a header that is JSON but not an object WHEN verified THEN Rejected, not a TypeError", () => {
    const header = Buffer.from("null").toString("base64url");
    const [, payload, signature] = jwt(good).split(".");
    expect(() => verifySignedPayloadJwt(`${header}.${payload}.${signature}`, APP, now)).toThrow(
      Rejected,
    );
  });

  it("GIVEN a signed_payload_jwt without owner, locale, url or channel_id WHEN verified THEN it is accepted: only the user and store are needed", () => {
    const { owner: _owner, url: _url, channel_id: _channel, ...minimal } = good;
    const claims = verifySignedPayloadJwt(
      jwt({ ...minimal, user: { id: 5, email: "staff@example.com" } }),
      APP,
      now,
    );
    expect(claims).toMatchObject({ storeHash: "store9", user: { id: 5 } });
    expect(claims.user.locale).toBeUndefined();
  });

  it("GIVEN a legacy signed_payload WHEN verified with node-bigcommerce THEN it is accepted only with our secret", () => {
    const json = JSON.stringify({ store_hash: "store9", user: { id: 1 } });
    const sig = createHmac("sha256", APP.clientSecret).update(json).digest("hex");
    const payload = `${Buffer.from(json).toString("base64")}.${Buffer.from(sig).toString("base64")}`;
    expect(verifyLegacySignedPayload(payload, APP)).toEqual({
      store_hash: "store9",
      user: { id: 1 },
    });
    expect(() => verifyLegacySignedPayload(payload, { clientSecret: "other" })).toThrow(Rejected);
  });
});
