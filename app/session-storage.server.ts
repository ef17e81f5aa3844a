import { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import type { KeyRing } from "../db/encryption";

const ACCESS = "shopify_sessions.access_token";
const REFRESH = "shopify_sessions.refresh_token";

/**
 * Wraps the drizzle session storage so Shopify access and refresh tokens are stored encrypted:
 * the library writes them as given, in plaintext.
 */
export class EncryptedSessionStorage implements SessionStorage {
  constructor(
    private readonly inner: SessionStorage,
    private readonly keyring: KeyRing,
  ) {}

  storeSession(session: Session): Promise<boolean> {
    const params = session.toObject();
    if (params.accessToken) params.accessToken = this.keyring.encrypt(params.accessToken, ACCESS);
    if (params.refreshToken) {
      params.refreshToken = this.keyring.encrypt(params.refreshToken, REFRESH);
    }
    return this.inner.storeSession(new Session(params));
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
