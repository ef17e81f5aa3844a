/**
 * Amazon marketplaces a seller can connect, with their SP-API region and the Seller Central where
 * the seller consents. Plain data: the admin's pages import it in the browser too.
 */

export type AmazonRegion = "na" | "eu" | "fe";

export interface AmazonMarketplace {
  id: string;
  country: string;
  region: AmazonRegion;
  /** Where a seller of that marketplace consents ("Seller Central URLs", SP-API docs). */
  sellerCentral: string;
}

const EUROPE = "https://sellercentral-europe.amazon.com";

export const AMAZON_MARKETPLACES: readonly AmazonMarketplace[] = [
  {
    id: "ATVPDKIKX0DER",
    country: "US",
    region: "na",
    sellerCentral: "https://sellercentral.amazon.com",
  },
  {
    id: "A2EUQ1WTGCTBG2",
    country: "CA",
    region: "na",
    sellerCentral: "https://sellercentral.amazon.ca",
  },
  {
    id: "A1AM78C64UM0Y8",
    country: "MX",
    region: "na",
    sellerCentral: "https://sellercentral.amazon.com.mx",
  },
  {
    id: "A2Q3Y263D00KWC",
    country: "BR",
    region: "na",
    sellerCentral: "https://sellercentral.amazon.com.br",
  },
  { id: "A13V1IB3VIYZZH", country: "FR", region: "eu", sellerCentral: EUROPE },
  { id: "A1PA6795UKMFR9", country: "DE", region: "eu", sellerCentral: EUROPE },
  { id: "APJ6JRA9NG5V4", country: "IT", region: "eu", sellerCentral: EUROPE },
  { id: "A1RKKUPIHCS9HS", country: "ES", region: "eu", sellerCentral: EUROPE },
  { id: "A1F83G8C2ARO7P", country: "GB", region: "eu", sellerCentral: EUROPE },
  { id: "A28R8C7NBKEWEA", country: "IE", region: "eu", sellerCentral: EUROPE },
  {
    id: "A1805IZSGTT6HS",
    country: "NL",
    region: "eu",
    sellerCentral: "https://sellercentral.amazon.nl",
  },
  {
    id: "AMEN7PMS3EDWL",
    country: "BE",
    region: "eu",
    sellerCentral: "https://sellercentral.amazon.com.be",
  },
  {
    id: "A2NODRKZP88ZB9",
    country: "SE",
    region: "eu",
    sellerCentral: "https://sellercentral.amazon.se",
  },
  {
    id: "A1C3SOZRARQ6R3",
    country: "PL",
    region: "eu",
    sellerCentral: "https://sellercentral.amazon.pl",
  },
  {
    id: "A33AVAJ2PDY3EV",
    country: "TR",
    region: "eu",
    sellerCentral: "https://sellercentral.amazon.com.tr",
  },
  {
    id: "A21TJRUUN4KGV",
    country: "IN",
    region: "eu",
    sellerCentral: "https://sellercentral.amazon.in",
  },
  {
    id: "A1VC38T7YXB528",
    country: "JP",
    region: "fe",
    sellerCentral: "https://sellercentral.amazon.co.jp",
  },
  {
    id: "A39IBJ37TRP1C6",
    country: "AU",
    region: "fe",
    sellerCentral: "https://sellercentral.amazon.com.au",
  },
  {
    id: "A19VAU5U5O7RUS",
    country: "SG",
    region: "fe",
    sellerCentral: "https://sellercentral.amazon.sg",
  },
];

const BY_ID = new Map(AMAZON_MARKETPLACES.map((m) => [m.id, m]));

export function amazonMarketplace(id: string): AmazonMarketplace | undefined {
  return BY_ID.get(id);
}

/**
 * The marketplaces a seller picked, if they make one SP-API region (an account's calls all go to
 * its region's endpoint); undefined when empty, unknown or mixed.
 */
export function amazonSelection(
  ids: readonly string[],
): { region: AmazonRegion; marketplaces: AmazonMarketplace[] } | undefined {
  const marketplaces = [...new Set(ids)].map((id) => BY_ID.get(id));
  const first = marketplaces[0];
  if (!first || marketplaces.some((m) => !m || m.region !== first.region)) return undefined;
  return { region: first.region, marketplaces: marketplaces as AmazonMarketplace[] };
}
