/** Messages of the account settings page. */
export const en = {
  "nav.settings": "Settings",
} as const;

export const fr: Record<keyof typeof en, string> = {
  "nav.settings": "Paramètres",
};
