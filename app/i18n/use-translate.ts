import { useRouteLoaderData } from "@remix-run/react";
import { useMemo } from "react";
import { DEFAULT_LOCALE, type Locale } from "./locales";
import { translator, type Translate } from "./messages";

/** Components translate with the locale the `app` layout's loader resolved. */
export function useLocale(): Locale {
  const data = useRouteLoaderData<{ locale?: Locale }>("routes/app");
  return data?.locale ?? DEFAULT_LOCALE;
}

export function useTranslate(): Translate {
  const locale = useLocale();
  return useMemo(() => translator(locale), [locale]);
}
