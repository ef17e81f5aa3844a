import { formatMessage } from "./format-message";
import type { Locale } from "./locales";
import * as accounts from "./messages/accounts";
import * as core from "./messages/core";
import * as install from "./messages/install";
import * as orderDetail from "./messages/order-detail";
import * as orders from "./messages/orders";
import * as settings from "./messages/settings";

/**
 * Every merchant-facing string, per area (one file each under messages/, so pages grow without
 * stepping on each other), in every language. A key missing in one language fails the type check.
 */
const en = {
  ...core.en,
  ...orders.en,
  ...orderDetail.en,
  ...accounts.en,
  ...settings.en,
  ...install.en,
};

export type MessageKey = keyof typeof en;

const fr: Record<MessageKey, string> = {
  ...core.fr,
  ...orders.fr,
  ...orderDetail.fr,
  ...accounts.fr,
  ...settings.fr,
  ...install.fr,
};

const CATALOGS: Record<Locale, Record<MessageKey, string>> = { en, fr };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** Templates are filled by formatMessage: `{name}`, plurals and the French "de" (see there). */
export function translator(locale: Locale): Translate {
  const catalog = CATALOGS[locale];
  return (key, params) => formatMessage(locale, catalog[key], params);
}
