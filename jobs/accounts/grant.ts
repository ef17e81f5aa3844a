import type { AccountCredentials } from "../../db/accounts";

/** What a marketplace consent yields: who the seller is and the tokens to act for them. */
export interface MarketplaceGrant {
  /** eBay username or Amazon selling partner id. */
  sellerId: string;
  credentials: AccountCredentials;
  /**
   * When the seller must consent again: the end of eBay's refresh token, Amazon's yearly
   * authorization renewal. Shown on the accounts page.
   */
  grantExpiresAt: Date;
}

/** Why a connection did not complete, as a code the admin translates (app/i18n/messages/accounts.ts). */
export type ConnectProblem =
  | "state_invalid"
  | "state_expired"
  | "other_store"
  | "declined"
  | "exchange_failed"
  | "wrong_seller"
  | "not_configured"
  | "account_not_found";

export class ConnectFailed extends Error {
  override name = "ConnectFailed";
  constructor(
    readonly problem: ConnectProblem,
    readonly params: Record<string, string> = {},
  ) {
    super(`connect failed: ${problem}`);
  }
}
