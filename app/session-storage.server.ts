import { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import type { Database } from "../db/client";
import type { KeyRing } from "../db/encryption";
import { SHOPIFY_SESSION_CONTEXT, saveShopifyTokens } from "../db/shopify-tokens";

const ACCESS = SHOPIFY_SESSION_CONTEXT.access;
const REFRESH = SHOPIFY_SESSION_CONTEXT.refresh;

/** Told of every offline session the library stores: after a token exchange or its own refresh. */
export type OnOfflineSession = (session: Session) => Promise<void>;

/**
 * The library refreshes an expired offline token on an admin visit: the workers' copy (the stores
 * row) moves with it, or their next refresh would use a refresh token Shopify has retired. A shop
 * not recorded yet is left to the install (afterAuth).
 */
export function copyTokensToStore(deps: { db: Database; keyring: KeyRing }): OnOfflineSession {
  return (session) =>
    saveShopifyTokens(
      deps,
      session.shop,
      {
        accessToken: session.accessToken!,
        refreshToken: session.refreshToken,
        expiresAt: session.expires ?? new Date(Date.now() + 3_600_000),
      },
      { session: false },
    );
}

/**
 * Wraps the drizzle session storage so Shopify access and refresh tokens are stored encrypted:
 * the library writes them as given, in plaintext. Offline sessions are also handed to
 * `onOfflineSession`, so the workers' copy of the token follows the library's refreshes.
 */
export class EncryptedSessionStorage implements SessionStorage {
  constructor(
    private readonly inner: SessionStorage,
    private readonly keyring: KeyRing,
    private readonly onOfflineSession?: OnOfflineSession,
  ) {}

  async storeSession(session: Session): Promise<boolean> {
    const params = session.toObject();
    if (params.accessToken) params.accessToken = this.keyring.encrypt(params.accessToken, ACCESS);
    if (params.refreshToken) {
      params.refreshToken = this.keyring.encrypt(params.refreshToken, REFRESH);
    }
    const stored = await this.inner.storeSession(new Session(params));
    if (stored && !session.isOnline && session.accessToken) await this.onOfflineSession?.(session);
    return stored;
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const session = await this.inner.loadSession(id);
    return session && this.decrypt(session);
  }

  deleteSession(id: string): Promise<boolean> {
    return this.inner.deleteSession(id);
  }

  deleteSessions(ids: string[]): Promise<boolean> {
    return this.inner.deleteSessions(ids);
  }

  async findSessionsByShop(shop: string): Promise<Session[]> {
    const sessions = await this.inner.findSessionsByShop(shop);
    return sessions.map((s) => this.decrypt(s));
  }

  private decrypt(session: Session): Session {
    const params = session.toObject();
    if (params.accessToken) params.accessToken = this.keyring.decrypt(params.accessToken, ACCESS);
    if (params.refreshToken) {
      params.refreshToken = this.keyring.decrypt(params.refreshToken, REFRESH);
    }
    return new Session(params);
  }
}
