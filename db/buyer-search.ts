import type { Buyer } from "../connectors/types";
import type { KeyRing } from "./encryption";

/** Blind-index context of buyer names and e-mails searched from the admin. */
export const BUYER_SEARCH_INDEX = "buyer.search";

/**
 * The one spelling a buyer's name or e-mail is indexed and searched under: compatibility forms
 * folded (NFKC), case folded, inner whitespace collapsed. "Élodie  Martin" and "élodie martin"
 * meet; "Elodie Martin" does not (accents are kept: dropping them would merge different people).
 */
export function normalizeBuyerTerm(value: string): string {
  return value.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
}

/**
 * What is stored in `marketplace_orders.buyer_search_keys`: keyed hashes (HMAC, active key) of the
 * buyer's normalized name and e-mail. Buyer details are encrypted with random IVs, so no query can
 * compare them; an exact-match blind index is searchable and reveals nothing without the key.
 */
export function buyerSearchKeys(keyring: KeyRing, buyer: Buyer): string[] {
  const terms = [buyer.name, buyer.email]
    .map((v) => (v ? normalizeBuyerTerm(v) : ""))
    .filter((v) => v.length > 0);
  return [...new Set(terms)].map((term) => keyring.blindIndex(term, BUYER_SEARCH_INDEX));
}

/** The keys a search term matches, under every key of the ring (rows indexed before a rotation). */
export function buyerSearchCandidates(keyring: KeyRing, term: string): string[] {
  const normalized = normalizeBuyerTerm(term);
  return normalized ? keyring.blindIndexes(normalized, BUYER_SEARCH_INDEX) : [];
}
