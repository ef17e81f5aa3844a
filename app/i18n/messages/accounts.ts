/** Messages of the accounts, connections and settings pages. */
export const en = {
  "nav.accounts": "Accounts",
} as const;

export const fr: Record<keyof typeof en, string> = {
  "nav.accounts": "Comptes",
};
