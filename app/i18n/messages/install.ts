/** Messages of the install and BigCommerce session pages. */
export const en = {
  "install.done": "Marketsync is installed.",
} as const;

export const fr: Record<keyof typeof en, string> = {
  "install.done": "Marketsync est installé.",
};
