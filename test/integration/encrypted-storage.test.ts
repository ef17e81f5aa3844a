import { Session } from "@shopify/shopify-api";
import { DrizzleSessionStoragePostgres } from "@shopify/shopify-app-session-storage-drizzle";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyTokensToStore, EncryptedSessionStorage } from "../../app/session-storage.server";
import { rowsOf } from "../../db/client";
import { shopifySessions } from "../../db/schema";
import {
  decryptStoreRefresh,
  decryptStoreToken,
  findStore,
  upsertInstalledStore,
} from "../../db/stores";
import { createTestDatabase, type TestDatabase, testKeyRing } from "../helpers/database";

describe("tokens at rest", () => {
  let database: TestDatabase;
  const keyring = testKeyRing();
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it("GIVEN a store installs WHEN its row is read raw THEN the access token is not there in plaintext", async () => {
    const token = "shpat_plaintext_token_0001";
    await upsertInstalledStore(
      { db: database.db, keyring },
      {
        platform: "shopify",
        externalId: "a.myshopify.com",
        accessToken: token,
        scopes: "write_orders",
      },
    );
    const raw = rowsOf<Record<string, unknown>>(
      await database.db.execute(sql`select * from stores where external_id = 'a.myshopify.com'`),
    );
    expect(raw).toHaveLength(1);
    expect(JSON.stringify(raw)).not.toContain(token);
    expect(String(raw[0]!.access_token_enc)).toMatch(/^enc:v1:test:/);

    const store = await findStore(database.db, "shopify", "a.myshopify.com");
    expect(decryptStoreToken(keyring, store!)).toBe(token);
  });

  it("GIVEN a store reinstalls after an uninstall WHEN recorded THEN the same row is reused with the new token", async () => {
    await database.db.execute(
      sql`update stores set uninstalled_at = now() where external_id = 'a.myshopify.com'`,
    );
    const again = await upsertInstalledStore(
      { db: database.db, keyring },
      { platform: "shopify", externalId: "a.myshopify.com", accessToken: "shpat_new", scopes: "" },
    );
    expect(again.uninstalledAt).toBeNull();
    expect(decryptStoreToken(keyring, again)).toBe("shpat_new");
    const count = rowsOf<{ n: string | number }>(
      await database.db.execute(sql`select count(*) as n from stores`),
    );
    expect(Number(count[0]!.n)).toBe(1);
  });

  it("GIVEN a Shopify session with tokens WHEN stored through the drizzle adapter THEN the raw row holds ciphertext and loading returns the tokens", async () => {
    const storage = new EncryptedSessionStorage(
      new DrizzleSessionStoragePostgres(database.db, shopifySessions),
      keyring,
    );
    const session = new Session({
      id: "offline_b.myshopify.com",
      shop: "b.myshopify.com",
      state: "state-1",
      isOnline: false,
      scope: "write_orders,read_products",
      accessToken: "shpat_session_plaintext_0002",
      refreshToken: "shprt_refresh_plaintext_0003",
      expires: new Date(Date.now() + 3_600_000),
    });
    expect(await storage.storeSession(session)).toBe(true);

    const raw = rowsOf<Record<string, unknown>>(
      await database.db.execute(sql`select * from shopify_sessions`),
    );
    expect(raw).toHaveLength(1);
    expect(Object.keys(raw[0]!)).toHaveLength(17);
    const serialized = JSON.stringify(raw);
    expect(serialized).not.toContain("shpat_session_plaintext_0002");
    expect(serialized).not.toContain("shprt_refresh_plaintext_0003");

    const loaded = await storage.loadSession("offline_b.myshopify.com");
    expect(loaded?.accessToken).toBe("shpat_session_plaintext_0002");
    expect(loaded?.refreshToken).toBe("shprt_refresh_plaintext_0003");
    expect(loaded?.scope).toBe("write_orders,read_products");
    const byShop = await storage.findSessionsByShop("b.myshopify.com");
    expect(byShop.map((s) => s.accessToken)).toEqual(["shpat_session_plaintext_0002"]);

    expect(await storage.deleteSession("offline_b.myshopify.com")).toBe(true);
    expect(await storage.loadSession("offline_b.myshopify.com")).toBeUndefined();
  });

  it("GIVEN an installed shop WHEN the library stores a refreshed offline session THEN the store's own copy of the tokens follows it; an online session or an unknown shop changes no store", async () => {
    await upsertInstalledStore(
      { db: database.db, keyring },
      {
        platform: "shopify",
        externalId: "c.myshopify.com",
        accessToken: "shpat_before",
        refreshToken: "shprt_before",
        accessTokenExpiresAt: new Date(Date.now() - 1000),
        scopes: "write_orders",
      },
    );
    const storage = new EncryptedSessionStorage(
      new DrizzleSessionStoragePostgres(database.db, shopifySessions),
      keyring,
      copyTokensToStore({ db: database.db, keyring }),
    );
    const expires = new Date(Date.now() + 3_600_000);
    const offline = (shop: string, isOnline = false) =>
      new Session({
        id: isOnline ? `${shop}_42` : `offline_${shop}`,
        shop,
        state: "s",
        isOnline,
        accessToken: "shpat_after",
        refreshToken: "shprt_after",
        expires,
      });

    await storage.storeSession(offline("c.myshopify.com"));
    await storage.storeSession(offline("unknown.myshopify.com"));

    const store = await findStore(database.db, "shopify", "c.myshopify.com");
    expect(decryptStoreToken(keyring, store!)).toBe("shpat_after");
    expect(decryptStoreRefresh(keyring, store!)).toEqual({
      refreshToken: "shprt_after",
      accessTokenExpiresAt: expires,
    });
    expect(await findStore(database.db, "shopify", "unknown.myshopify.com")).toBeUndefined();

    await storage.storeSession(
      new Session({ ...offline("c.myshopify.com", true).toObject(), accessToken: "shpat_user" }),
    );
    const unchanged = await findStore(database.db, "shopify", "c.myshopify.com");
    expect(decryptStoreToken(keyring, unchanged!)).toBe("shpat_after");
  });
});
