/**
 * SKU mapping rules the form (in the browser) and the server share: the CSV/form value meaning
 * "every account of the store", and the longest SKU accepted.
 */
export const ALL_ACCOUNTS = "all";
export const MAX_SKU_LENGTH = 255;
