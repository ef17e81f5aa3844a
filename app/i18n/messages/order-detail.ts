/** Messages of the order detail page and the held-order fixes (SKU mappings). */
export const en = {
  "detail.back": "Orders",
} as const;

export const fr: Record<keyof typeof en, string> = {
  "detail.back": "Commandes",
};
