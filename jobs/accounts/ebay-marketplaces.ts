/**
 * eBay marketplaces and the country each sells in. Plain data, like amazon-marketplaces.ts: the
 * admin's pages import it in the browser too.
 */

/** The Sell APIs' `EBAY_…` ids, as the connector and its simulator know them. */
const COUNTRIES: Readonly<Record<string, string>> = {
  EBAY_US: "US",
  EBAY_MOTORS_US: "US",
  EBAY_CA: "CA",
  EBAY_GB: "GB",
  EBAY_AU: "AU",
  EBAY_AT: "AT",
  EBAY_BE: "BE",
  EBAY_CH: "CH",
  EBAY_DE: "DE",
  EBAY_ES: "ES",
  EBAY_FR: "FR",
  EBAY_IE: "IE",
  EBAY_IT: "IT",
  EBAY_NL: "NL",
  EBAY_PL: "PL",
};

/** The country an eBay marketplace id sells in (ISO 3166), or undefined for an id we do not know. */
export function ebayMarketplaceCountry(id: string): string | undefined {
  return Object.hasOwn(COUNTRIES, id) ? COUNTRIES[id] : undefined;
}
