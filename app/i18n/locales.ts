export const LOCALES = ["en", "fr"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";

/** Picks the first supported language from a locale hint such as `fr-FR` or an Accept-Language list. */
export function matchLocale(hint: string | null | undefined): Locale | undefined {
  if (!hint) return undefined;
  for (const part of hint.split(",")) {
    const lang = part.split(";")[0]!.trim().toLowerCase().split(/[-_]/)[0];
    const found = LOCALES.find((l) => l === lang);
    if (found) return found;
  }
  return undefined;
}

/** Shopify passes `?locale=` to embedded apps; otherwise the browser's languages decide. */
export function localeFromRequest(request: Request): Locale {
  const url = new URL(request.url);
  return (
    matchLocale(url.searchParams.get("locale")) ??
    matchLocale(request.headers.get("accept-language")) ??
    DEFAULT_LOCALE
  );
}
