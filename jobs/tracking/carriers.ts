import type { MarketplaceName } from "../../connectors/types";

/**
 * Store carrier → marketplace carrier code.
 *
 * The store tells us who carried a shipment as free text: a Shopify tracking company ("DHL Express",
 * "Colis Privé", or anything the merchant typed) or a BigCommerce shipping provider / tracking
 * carrier ("royalmail", "auspost", …). Amazon (`PackageDetail.carrierCode`) and eBay
 * (`shippingCarrierCode`) each want a code from their own list:
 *
 * - Amazon: the `CarrierCode` enumeration (amzn-base.xsd; the ordersV0 spec only links to the
 *   "CarrierCode value required" announcement). `"Other"` is allowed with a free-text
 *   `carrierName`, which Amazon then requires (ordersV0 `PackageDetail.carrierName`).
 * - eBay: the Trading API's `ShippingCarrierCodeType` / GeteBayDetails `ShippingCarrierDetails`
 *   (sell_fulfillment_v1 `ShippingFulfillmentDetails.shippingCarrierCode`). It is an enumeration,
 *   not free text; `"Other"` ("Other Postal Service") is its catch-all, and the carrier's name cannot
 *   be sent alongside it.
 *
 * Names are compared normalized (`normalizeCarrierName`): case, accents, spaces and punctuation are
 * ignored, so "Colis Privé" = "colis prive" = "COLIS_PRIVE" and "Royal Mail" = "royalmail".
 *
 * Per-account overrides (`settings.carrierOverrides`, or `carrier_mappings` rows for the account's
 * marketplace) win over the table. A carrier found nowhere is never dropped: it goes as `"Other"`
 * (with the store's name as `carrierName`) and comes back with `source: "unknown"` so the pipeline
 * can log it and the merchant can add an override.
 */

export interface CarrierEntry {
  /** Display name (the Shopify tracking company spelling where there is one). */
  name: string;
  /** Other spellings: Shopify variants, BigCommerce provider ids, former names. */
  aliases: readonly string[];
  /** Amazon `carrierCode`; undefined = not in Amazon's list, sent as `Other` + `carrierName`. */
  amazon: string | undefined;
  /** eBay `shippingCarrierCode`; undefined = not in eBay's list, sent as `Other`. */
  ebay: string | undefined;
  /** Where the codes come from, briefly. */
  source: string;
  /** Codes not confirmed against the vendor's current list (to check against live data). */
  unsure?: readonly MarketplaceName[];
}

const AMZ = "Amazon CarrierCode (amzn-base.xsd)";
const AMZ_NEW = "Amazon CarrierCode, newer members (Seller Central carrier list)";
const EBAY = "eBay ShippingCarrierCodeType";

/**
 * The maintained default table. Add a row (or an alias) here when a carrier shows up as
 * `source: "unknown"` in the logs often enough; keep `source` and `unsure` honest.
 */
export const DEFAULT_CARRIERS: readonly CarrierEntry[] = [
  // --- North America -------------------------------------------------------------------------
  {
    name: "USPS",
    aliases: ["United States Postal Service", "usps", "endicia", "stamps.com"],
    amazon: "USPS",
    ebay: "USPS",
    source: `${AMZ}; ${EBAY}; BigCommerce provider ids usps/endicia`,
  },
  {
    name: "UPS",
    aliases: ["United Parcel Service", "ups", "upsready", "upsonline"],
    amazon: "UPS",
    ebay: "UPS",
    source: `${AMZ}; ${EBAY}; BigCommerce provider ids ups/upsready/upsonline`,
  },
  {
    name: "FedEx",
    aliases: ["Federal Express", "fedex"],
    amazon: "FedEx",
    ebay: "FedEx",
    source: `${AMZ}; ${EBAY}`,
  },
  {
    name: "Canada Post",
    aliases: ["canadapost", "Postes Canada"],
    amazon: "Canada Post",
    ebay: "CanadaPost",
    source: `${AMZ}; eBay GeteBayDetails ShippingCarrierDetails (accepted by our eBay simulator)`,
    unsure: ["ebay"],
  },
  // --- DHL -----------------------------------------------------------------------------------
  {
    name: "DHL",
    aliases: ["dhl"],
    amazon: "DHL",
    ebay: "DHL",
    source: `${AMZ}; ${EBAY}`,
  },
  {
    name: "DHL Express",
    aliases: ["DHL Express Worldwide"],
    amazon: "DHL Express",
    // eBay also lists DHLEXPRESS; "DHL" is its long-standing code for DHL's express network.
    ebay: "DHL",
    source: `${AMZ_NEW}; ${EBAY}`,
    unsure: ["amazon"],
  },
  {
    name: "DHL eCommerce",
    aliases: ["DHL eCommerce Solutions", "DHL Global Mail", "dhl_ecommerce"],
    amazon: "DHL eCommerce",
    // DHL eCommerce Solutions was DHL Global Mail; eBay kept the old name.
    ebay: "DHLGlobalMail",
    source: `${AMZ_NEW}; ${EBAY}`,
    unsure: ["amazon", "ebay"],
  },
  {
    name: "DHL Paket",
    aliases: ["DHL Parcel", "DHL Paket Deutschland"],
    amazon: "DHL",
    ebay: "DHL",
    source: `${AMZ} (generic DHL); ${EBAY} (generic DHL)`,
  },
  // --- United Kingdom ------------------------------------------------------------------------
  {
    name: "Royal Mail",
    aliases: ["royalmail"],
    amazon: "Royal Mail",
    ebay: "RoyalMail",
    source: `${AMZ}; ${EBAY}; BigCommerce provider id royalmail`,
  },
  {
    name: "Parcelforce",
    aliases: ["Parcelforce Worldwide"],
    amazon: "Parcelforce",
    ebay: "Parcelforce",
    source: `${AMZ}; ${EBAY}`,
  },
  {
    name: "Evri",
    aliases: ["Hermes UK", "myHermes"],
    amazon: "Evri",
    // Evri is Hermes UK renamed (2022); eBay's list still calls it Hermes.
    ebay: "Hermes",
    source: `${AMZ_NEW}; ${EBAY} (Hermes)`,
    unsure: ["amazon", "ebay"],
  },
  {
    name: "Yodel",
    aliases: [],
    amazon: "Yodel",
    ebay: "Yodel",
    source: `${AMZ}; ${EBAY}`,
  },
  // --- France --------------------------------------------------------------------------------
  {
    name: "La Poste",
    aliases: ["laposte"],
    amazon: "La Poste",
    ebay: "LaPoste",
    source: `${AMZ}; ${EBAY} (LAPOSTE, compared ignoring case)`,
  },
  {
    name: "Colissimo",
    aliases: ["La Poste Colissimo", "Coliposte"],
    amazon: "Colissimo",
    ebay: "Colissimo",
    source: `${AMZ_NEW}; ${EBAY}`,
  },
  {
    name: "Chronopost",
    aliases: [],
    amazon: "Chronopost",
    ebay: "Chronopost",
    source: `${AMZ}; ${EBAY}`,
  },
  {
    name: "Mondial Relay",
    aliases: ["InPost Mondial Relay"],
    amazon: "Mondial Relay",
    ebay: "MondialRelay",
    source: `${AMZ_NEW}; ${EBAY}`,
    unsure: ["amazon"],
  },
  {
    name: "Colis Privé",
    aliases: ["Colis Prive Adrexo"],
    amazon: "Colis Prive",
    // Not in eBay's list: sent as Other.
    ebay: undefined,
    source: `${AMZ_NEW}; absent from ${EBAY}`,
    unsure: ["amazon"],
  },
  // --- Rest of Europe ------------------------------------------------------------------------
  {
    name: "DPD",
    aliases: ["DPD UK", "DPD Local", "DPD Germany", "DPD France"],
    amazon: "DPD",
    ebay: "DPD",
    source: `${AMZ}; ${EBAY}`,
  },
  {
    name: "GLS",
    aliases: ["General Logistics Systems"],
    amazon: "GLS",
    ebay: "GLS",
    source: `${AMZ}; ${EBAY}`,
  },
  {
    name: "Hermes",
    aliases: ["Hermes Germany", "Hermes Logistik Gruppe", "Hermes Einrichtungs Service"],
    amazon: "Hermes Logistik Gruppe",
    ebay: "Hermes",
    source: `${AMZ}; ${EBAY}`,
  },
  {
    name: "Deutsche Post",
    aliases: ["deutschepost"],
    amazon: "Deutsche Post",
    ebay: "DeutschePost",
    source: `${AMZ}; ${EBAY}`,
  },
  {
    name: "PostNL",
    aliases: ["PostNL Domestic", "PostNL International", "PostNL International 3S"],
    amazon: "PostNL",
    ebay: "PostNL",
    source: `${AMZ_NEW}; ${EBAY}`,
    unsure: ["amazon"],
  },
  {
    name: "Poste Italiane",
    aliases: [],
    amazon: "Poste Italiane",
    ebay: "PosteItaliane",
    source: `${AMZ}; ${EBAY}`,
  },
  {
    name: "Correos",
    aliases: ["Correos de España"],
    amazon: "Correos",
    ebay: "Correos",
    source: `${AMZ_NEW}; ${EBAY}`,
  },
  {
    name: "TNT",
    aliases: ["TNT Express"],
    amazon: "TNT",
    ebay: "TNT",
    source: `${AMZ}; ${EBAY}`,
  },
  // --- Asia-Pacific --------------------------------------------------------------------------
  {
    name: "Australia Post",
    aliases: ["auspost", "australiapost"],
    amazon: "Australia Post",
    ebay: "AustraliaPost",
    source: `${AMZ_NEW}; ${EBAY}; BigCommerce provider id auspost`,
  },
  {
    name: "Japan Post",
    aliases: ["japanpost", "日本郵便"],
    amazon: "Japan Post",
    ebay: "JapanPost",
    source: `${AMZ_NEW}; ${EBAY}`,
    unsure: ["amazon"],
  },
];

/**
 * The comparison key of a carrier name: NFKD, accents dropped, lower case, and everything but
 * letters and digits removed ("Colis Privé" → "colisprive", "DHL eCommerce" → "dhlecommerce").
 * Letters of other scripts are kept ("日本郵便" stays itself).
 */
export function normalizeCarrierName(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "");
}

function buildIndex(entries: readonly CarrierEntry[]): Map<string, CarrierEntry> {
  const index = new Map<string, CarrierEntry>();
  for (const entry of entries) {
    for (const spelling of [entry.name, ...entry.aliases]) {
      const key = normalizeCarrierName(spelling);
      const taken = index.get(key);
      if (!key || (taken && taken !== entry)) {
        throw new Error(`carrier table: "${spelling}" is empty or already names ${taken?.name}`);
      }
      index.set(key, entry);
    }
  }
  return index;
}

const INDEX = buildIndex(DEFAULT_CARRIERS);

/** The table's entry for a store carrier name, in any spelling; undefined when unknown. */
export function findCarrier(storeCarrier: string | null | undefined): CarrierEntry | undefined {
  const key = normalizeCarrierName(storeCarrier ?? "");
  return key ? INDEX.get(key) : undefined;
}

/** Amazon's and eBay's catch-all code. */
export const OTHER_CARRIER_CODE = "Other";

export type CarrierSource = "override" | "default" | "unknown";

export interface MapCarrierInput {
  marketplace: MarketplaceName;
  /** The carrier as the store names it (Shopify tracking company, BigCommerce provider/carrier). */
  storeCarrier: string | null | undefined;
  /**
   * Store carrier → marketplace code for this account (`settings.carrierOverrides`), keys compared
   * normalized. The value is sent as is (trimmed); blank values are ignored.
   */
  overrides?: Readonly<Record<string, string>> | undefined;
}

export interface MappedCarrier {
  /** Amazon `carrierCode` / eBay `shippingCarrierCode`. */
  carrierCode: string;
  /**
   * Free-text name, set when `carrierCode` is `Other`: the store's own spelling (Amazon requires
   * it; eBay has nowhere to send it, it is kept for the log). Absent when the store gave no carrier
   * at all, which Amazon will refuse: the pipeline should ask the merchant for one.
   */
  carrierName?: string;
  /** `unknown`: neither an override nor the table knew this carrier; log it. */
  source: CarrierSource;
}

function findOverride(
  storeCarrier: string,
  overrides: Readonly<Record<string, string>> | undefined,
): string | undefined {
  if (!overrides) return undefined;
  const key = normalizeCarrierName(storeCarrier);
  if (!key) return undefined;
  const exact = storeCarrier.trim().toLowerCase();
  let found: string | undefined;
  for (const [name, code] of Object.entries(overrides)) {
    const value = code.trim();
    if (!value || normalizeCarrierName(name) !== key) continue;
    // Two keys that normalize alike ("DHL-Express", "dhl express"): the literal spelling wins,
    // else the first one.
    if (name.trim().toLowerCase() === exact) return value;
    found ??= value;
  }
  return found;
}

function withName(carrierCode: string, storeCarrier: string, source: CarrierSource): MappedCarrier {
  if (carrierCode.toLowerCase() !== OTHER_CARRIER_CODE.toLowerCase()) {
    return { carrierCode, source };
  }
  return {
    carrierCode: OTHER_CARRIER_CODE,
    ...(storeCarrier ? { carrierName: storeCarrier } : {}),
    source,
  };
}

/**
 * The marketplace carrier code for a store carrier: the account's override, else the default
 * table, else `Other` with the store's name (`source: "unknown"`).
 */
export function mapCarrier({
  marketplace,
  storeCarrier,
  overrides,
}: MapCarrierInput): MappedCarrier {
  const name = (storeCarrier ?? "").normalize("NFC").trim().replace(/\s+/g, " ");

  const override = findOverride(name, overrides);
  if (override !== undefined) return withName(override, name, "override");

  const entry = findCarrier(name);
  if (entry) {
    const code = marketplace === "amazon" ? entry.amazon : entry.ebay;
    // A known carrier the marketplace has no code for: Other, under the carrier's proper name.
    return withName(code ?? OTHER_CARRIER_CODE, code ? name : entry.name, "default");
  }

  return withName(OTHER_CARRIER_CODE, name, "unknown");
}
