import { isConnectorError } from "../../connectors/errors";
import type { ConnectorLogger } from "../../connectors/types";
import { exchangeAmazonCode } from "./amazon-consent";
import { amazonMarketplace, amazonSelection } from "./amazon-marketplaces";
import { type AccountsDeps, saveConnectedAccount } from "./connect-account";
import { exchangeEbayCode } from "./ebay-consent";
import { ConnectFailed, type MarketplaceGrant } from "./grant";

/** Marketsync's own credentials and settings for the consent flows. */
export interface ConsentApps {
  ebay?: { appId: string; certId: string; ruName: string } | undefined;
  amazon?: { clientId: string; clientSecret: string; applicationId: string } | undefined;
  endpoints: { ebay?: string | undefined; amazon?: string | undefined };
  /** Where Amazon sent the seller back (the redirect URI LWA checks the code against). */
  amazonRedirectUri: string;
}

/** What the verified `state` said when the seller set off. */
export interface ConsentRequest {
  storeId: string;
  platform: "ebay" | "amazon";
  reconnectAccountId?: string | undefined;
  region?: string | undefined;
  marketplaceIds?: string[] | undefined;
}

/**
 * The seller is back from the marketplace with a code: exchange it, find out who they are, and
 * save the grant on the store's account. A refusal (no code) or a marketplace that rejects the
 * code is a `ConnectFailed`, and nothing is written.
 */
export async function completeConnection(
  deps: AccountsDeps & { apps: ConsentApps; logger: ConnectorLogger },
  request: ConsentRequest,
  callback: URLSearchParams,
): Promise<{ accountId: string; reconnected: boolean; displayName: string }> {
  let grant: MarketplaceGrant;
  let region: string;
  let marketplaceIds: string[];
  let displayName: string;
  try {
    if (request.platform === "ebay") {
      const app = deps.apps.ebay;
      if (!app) throw new ConnectFailed("not_configured");
      const code = callback.get("code");
      if (!code) throw new ConnectFailed("declined");
      const ebay = await exchangeEbayCode(app, code, { endpoint: deps.apps.endpoints.ebay });
      grant = ebay;
      region = ebay.marketplaceId ?? "EBAY_US";
      marketplaceIds = [region];
      displayName = `${ebay.sellerId} (${region})`;
    } else {
      const app = deps.apps.amazon;
      if (!app) throw new ConnectFailed("not_configured");
      const code = callback.get("spapi_oauth_code");
      const sellingPartnerId = callback.get("selling_partner_id");
      if (!code || !sellingPartnerId) throw new ConnectFailed("declined");
      const selection = request.reconnectAccountId
        ? undefined
        : amazonSelection(request.marketplaceIds ?? []);
      if (!request.reconnectAccountId && !selection) throw new ConnectFailed("state_invalid");
      grant = await exchangeAmazonCode(
        app,
        { code, sellingPartnerId, redirectUri: deps.apps.amazonRedirectUri },
        { endpoint: deps.apps.endpoints.amazon },
      );
      region = selection?.region ?? "";
      marketplaceIds = selection?.marketplaces.map((m) => m.id) ?? [];
      displayName = `Amazon ${marketplaceIds
        .map((id) => amazonMarketplace(id)?.country ?? id)
        .join(", ")}`;
    }
  } catch (error) {
    if (!isConnectorError(error)) throw error;
    // The vendor's message goes to the log only: the merchant gets a translated reason.
    deps.logger.warn(
      { platform: request.platform, kind: error.kind, status: error.status, err: error.message },
      "marketplace refused the authorization code",
    );
    throw new ConnectFailed("exchange_failed");
  }
  const saved = await saveConnectedAccount(deps, {
    storeId: request.storeId,
    platform: request.platform,
    grant,
    displayName,
    region,
    marketplaceIds,
    reconnectAccountId: request.reconnectAccountId,
  });
  return { ...saved, displayName };
}
