import type { Address } from "../../../connectors/types";
import { outcome, pass, reason, type CheckOutcome, type PreCheckContext } from "./types";

/**
 * Countries (ISO 3166-1 alpha-2) where an address needs no postal code: none exists, or it is
 * optional in practice. IE is only partial: Eircodes exist but are optional, so none is required.
 */
export const COUNTRIES_WITHOUT_POSTAL_CODE: ReadonlySet<string> = new Set([
  "AE", // United Arab Emirates
  "AG", // Antigua and Barbuda
  "AO", // Angola
  "AW", // Aruba
  "BF", // Burkina Faso
  "BI", // Burundi
  "BJ", // Benin
  "BO", // Bolivia
  "BS", // Bahamas
  "BW", // Botswana
  "BZ", // Belize
  "CD", // Congo (DR)
  "CF", // Central African Republic
  "CG", // Congo
  "CI", // Côte d’Ivoire
  "CK", // Cook Islands
  "CM", // Cameroon
  "DJ", // Djibouti
  "DM", // Dominica
  "ER", // Eritrea
  "FJ", // Fiji
  "GA", // Gabon
  "GD", // Grenada
  "GH", // Ghana
  "GM", // Gambia
  "GQ", // Equatorial Guinea
  "GY", // Guyana
  "HK", // Hong Kong
  "IE", // Ireland: Eircode optional
  "JM", // Jamaica
  "KI", // Kiribati
  "KM", // Comoros
  "KN", // Saint Kitts and Nevis
  "KP", // North Korea
  "LY", // Libya
  "ML", // Mali
  "MO", // Macao
  "MR", // Mauritania
  "MW", // Malawi
  "NR", // Nauru
  "NU", // Niue
  "QA", // Qatar
  "RW", // Rwanda
  "SB", // Solomon Islands
  "SC", // Seychelles
  "SL", // Sierra Leone
  "SR", // Suriname
  "ST", // São Tomé and Príncipe
  "SY", // Syria
  "TF", // French Southern Territories
  "TG", // Togo
  "TK", // Tokelau
  "TL", // Timor-Leste
  "TO", // Tonga
  "TT", // Trinidad and Tobago
  "TV", // Tuvalu
  "UG", // Uganda
  "VU", // Vanuatu
  "YE", // Yemen
  "ZW", // Zimbabwe
]);

/** Address fields the check can report, in the order they are reported. */
export const ADDRESS_FIELDS = ["name", "line1", "city", "postalCode", "countryCode"] as const;
export type AddressField = (typeof ADDRESS_FIELDS)[number];

const filled = (value: string | undefined): boolean => (value?.trim() ?? "") !== "";

/** The required fields this address lacks (blank counts as missing). */
export function missingAddressFields(address: Address | undefined): AddressField[] {
  const missing: AddressField[] = [];
  if (!filled(address?.name)) missing.push("name");
  if (!filled(address?.line1)) missing.push("line1");
  if (!filled(address?.city)) missing.push("city");
  const country = address?.countryCode?.trim().toUpperCase() ?? "";
  const knownCountry = /^[A-Z]{2}$/.test(country);
  // Without a country there is no telling whether a postal code is needed: the country is reported.
  if (knownCountry && !COUNTRIES_WITHOUT_POSTAL_CODE.has(country) && !filled(address?.postalCode)) {
    missing.push("postalCode");
  }
  if (!knownCountry) missing.push("countryCode");
  return missing;
}

/**
 * The shipping address needs a name, line 1, a city, a country, and a postal code where the
 * country uses one. `fields` lists the missing ones as ids joined by commas (`name,postalCode`);
 * the admin renders them in the merchant's language.
 */
export function checkAddress(ctx: Pick<PreCheckContext, "order">): CheckOutcome {
  const missing = missingAddressFields(ctx.order.shipTo);
  return missing.length > 0
    ? outcome("hold", [reason("address.incomplete", { fields: missing.join(",") })])
    : pass();
}
