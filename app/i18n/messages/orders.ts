/** Messages of the orders list, order detail and CSV export pages. */
export const en = {
  "nav.orders": "Orders",
} as const;

export const fr: Record<keyof typeof en, string> = {
  "nav.orders": "Commandes",
};
